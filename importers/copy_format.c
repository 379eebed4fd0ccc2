/*
 * COPY text format escaping. Every value goes through here, so no input text can
 * break a row or a column of what the server receives. Then the binary format, where
 * each value carries its length: nothing to escape.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "importers/copy_format.h"
#include "importers/validate.h"

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

/* "PGCOPY\n\377\r\n\0", no flags, no header extension */
const char COPY_BINARY_HEADER[COPY_BINARY_HEADER_SIZE] = {
	'P', 'G', 'C', 'O', 'P', 'Y', '\n', '\377', '\r', '\n', '\0', 0, 0, 0, 0, 0, 0, 0, 0
};

static bool
copy_put_uint16(StrBuf *row, uint16_t value)
{
	char bytes[2] = {(char) (value >> 8), (char) value};

	return strbuf_append(row, bytes, 2);
}

static bool
copy_put_uint32(StrBuf *row, uint32_t value)
{
	char bytes[4] = {(char) (value >> 24), (char) (value >> 16), (char) (value >> 8), (char) value};

	return strbuf_append(row, bytes, 4);
}

bool
copy_binary_row(StrBuf *row, int fields)
{
	return copy_put_uint16(row, (uint16_t) fields);
}

bool
copy_binary_null(StrBuf *row)
{
	return copy_put_uint32(row, UINT32_MAX);	/* length -1 */
}

bool
copy_binary_int8(StrBuf *row, long long value)
{
	uint64_t bits = (uint64_t) value;

	return copy_put_uint32(row, 8) && copy_put_uint32(row, (uint32_t) (bits >> 32)) &&
		copy_put_uint32(row, (uint32_t) bits);
}

bool
copy_binary_int4(StrBuf *row, int value)
{
	return copy_put_uint32(row, 4) && copy_put_uint32(row, (uint32_t) value);
}

bool
copy_binary_text(StrBuf *row, const char *value)
{
	size_t len = strlen(value);

	return len < INT32_MAX && copy_put_uint32(row, (uint32_t) len) && strbuf_append(row, value, len);
}

/* Reads exactly count ASCII digits. */
static bool
copy_read_digits(const char *s, int count, int *value)
{
	*value = 0;
	for (int i = 0; i < count; i++)
	{
		if (s[i] < '0' || s[i] > '9')
			return false;
		*value = *value * 10 + (s[i] - '0');
	}
	return true;
}

/* Days from 1970-01-01 of a day of the proleptic Gregorian calendar (H. Hinnant's days_from_civil). */
static long
copy_days_from_civil(int year, int month, int day)
{
	int y = year - (month <= 2);
	long era = y / 400;
	int yoe = (int) (y - era * 400);
	int doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
	int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

bool
copy_binary_date(StrBuf *row, const char *iso)
{
	const long days_1970_to_2000 = 10957;	/* PostgreSQL counts from 2000-01-01 */
	int year;
	int month;
	int day;

	if (strlen(iso) != 10 || iso[4] != '-' || iso[7] != '-' ||
		!copy_read_digits(iso, 4, &year) || !copy_read_digits(iso + 5, 2, &month) ||
		!copy_read_digits(iso + 8, 2, &day) || year < 1 || month < 1 || month > 12 ||
		day < 1 || day > validate_days_in_month(year, month))
		return false;
	return copy_put_uint32(row, 4) &&
		copy_put_uint32(row, (uint32_t) (int32_t) (copy_days_from_civil(year, month, day) - days_1970_to_2000));
}

/*
 * A numeric: its digits in base 10,000, the weight of the first one (0: units), a sign
 * and the decimals shown (the column's type rounds and sets them again on arrival).
 */
bool
copy_binary_numeric(StrBuf *row, const char *decimal)
{
	uint16_t groups[8];
	int count = 0;
	unsigned long long whole = 0;
	int fraction = 0;
	int decimals = 0;
	const char *p = decimal;

	if (*p < '0' || *p > '9')
		return false;
	for (int digits = 1; *p >= '0' && *p <= '9'; p++, digits++)
	{
		if (digits > 16)		/* four groups at most */
			return false;
		whole = whole * 10 + (unsigned long long) (*p - '0');
	}
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++)
		{
			if (++decimals > 4)
				return false;
			fraction = fraction * 10 + (*p - '0');
		}
	if (*p != '\0' || (p[-1] == '.'))
		return false;
	for (int d = decimals; d < 4; d++)
		fraction *= 10;

	/* the whole part's groups, lowest first, then turned the right way round */
	for (unsigned long long rest = whole; rest > 0; rest /= 10000)
		groups[count++] = (uint16_t) (rest % 10000);
	for (int i = 0; i < count / 2; i++)
	{
		uint16_t swap = groups[i];

		groups[i] = groups[count - 1 - i];
		groups[count - 1 - i] = swap;
	}

	int weight = count - 1;		/* -1: the first digit is the fraction's */

	if (fraction > 0)
		groups[count++] = (uint16_t) fraction;
	if (count == 0)
		weight = 0;				/* zero: no digit */

	bool ok = copy_put_uint32(row, (uint32_t) (8 + 2 * count)) &&
		copy_put_uint16(row, (uint16_t) count) && copy_put_uint16(row, (uint16_t) (int16_t) weight) &&
		copy_put_uint16(row, 0) && copy_put_uint16(row, (uint16_t) decimals);

	for (int i = 0; ok && i < count; i++)
		ok = copy_put_uint16(row, groups[i]);
	return ok;
}
