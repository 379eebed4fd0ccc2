/*
 * COPY text format escaping. Every value goes through here, so no input text can
 * break a row or a column of what the server receives.
 */
#include <stdio.h>
#include <string.h>

#include "copy_format.h"

bool
copy_append_text(StrBuf *row, const char *value)
{
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

bool
copy_append_int(StrBuf *row, long long value)
{
	return strbuf_printf(row, "%lld", value);
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
