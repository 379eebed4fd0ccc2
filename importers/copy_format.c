/*
 * COPY text format escaping. Every value goes through here, so no input text can
 * break a row or a column of what the server receives.
 */
#include <stdio.h>
#include <string.h>

#include "importers/copy_format.h"

bool
copy_append_text(StrBuf *row, const char *value)
{
	size_t plain = strcspn(value, "\\\t\n\r");

	if (value[plain] == '\0')	/* the usual case: nothing to escape */
		return strbuf_append(row, value, plain);

	const char *start = value;

	for (const char *p = value;; p++)
	{
		const char *escape = NULL;

		switch (*p)
		{
			case '\\':
				escape = "\\\\";
				break;
			case '\t':
				escape = "\\t";
				break;
			case '\n':
				escape = "\\n";
				break;
			case '\r':
				escape = "\\r";
				break;
			case '\0':
				return strbuf_append(row, start, (size_t) (p - start));
			default:
				continue;
		}
		if (!strbuf_append(row, start, (size_t) (p - start)) || !strbuf_puts(row, escape))
			return false;
		start = p + 1;
	}
}

bool
copy_append_null(StrBuf *row)
{
	return strbuf_append(row, "\\N", 2);
}

/* By hand: a million rows each have a line number, and printf costs ten times this. */
bool
copy_append_int(StrBuf *row, long long value)
{
	char digits[24];
	int n = sizeof(digits);
	unsigned long long magnitude = value < 0 ? 0ULL - (unsigned long long) value
		: (unsigned long long) value;

	do
	{
		digits[--n] = (char) ('0' + magnitude % 10);
		magnitude /= 10;
	} while (magnitude > 0);
	if (value < 0)
		digits[--n] = '-';
	return strbuf_append(row, digits + n, sizeof(digits) - (size_t) n);
}

bool
copy_next_field(StrBuf *row)
{
	return strbuf_putc(row, '\t');
}

bool
copy_end_row(StrBuf *row)
{
	return strbuf_putc(row, '\n');
}
