/*
 * French formatting of figures. Grouping uses a plain space so terminal tables align;
 * CSV numbers never group (French Excel would read them as text).
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "src/lib/format.h"

void
format_fr_number(double value, int decimals, char *out, size_t outsize)
{
	char plain[64];
	bool negative = value < 0;

	snprintf(plain, sizeof(plain), "%.*f", decimals, fabs(value));

	char *dot = strchr(plain, '.');
	size_t int_len = dot ? (size_t) (dot - plain) : strlen(plain);
	char grouped[96];
	size_t j = 0;

	/* no sign on a value that rounds to zero ("-0") */
	if (negative && strspn(plain, "0.") != strlen(plain))
		grouped[j++] = '-';
	for (size_t i = 0; i < int_len; i++)
	{
		if (i > 0 && (int_len - i) % 3 == 0)
			grouped[j++] = ' ';
		grouped[j++] = plain[i];
	}
	if (dot)
	{
		grouped[j++] = ',';
		for (const char *p = dot + 1; *p; p++)
			grouped[j++] = *p;
	}
	grouped[j] = '\0';
	snprintf(out, outsize, "%s", grouped);
}

void
format_fr_number_trim(double value, int decimals, char *out, size_t outsize)
{
	double scale = pow(10, decimals);

	if (fabs(round(value * scale) - round(value) * scale) < 0.5)
		decimals = 0;
	format_fr_number(value, decimals, out, outsize);
}

void
format_fr_percent(double ratio, char *out, size_t outsize)
{
	char number[64];

	format_fr_number(ratio * 100.0, 1, number, sizeof(number));
	snprintf(out, outsize, "%s %%", number);
}

void
format_fr_date(const char *iso, char *out, size_t outsize)
{
	if (strlen(iso) >= 10 && iso[4] == '-' && iso[7] == '-')
		snprintf(out, outsize, "%.2s/%.2s/%.4s", iso + 8, iso + 5, iso);
	else
		snprintf(out, outsize, "%s", iso);
}

void
format_csv_number(double value, int decimals, char *out, size_t outsize)
{
	snprintf(out, outsize, "%.*f", decimals, value);

	char *dot = strchr(out, '.');

	if (dot)
		*dot = ',';
}

/* The fewest decimals, up to max_decimals, that show value without loss (12.50 -> 1). */
static int
significant_decimals(double value, int max_decimals)
{
	int decimals = max_decimals;
	long long scaled = llround(fabs(value) * pow(10, max_decimals));

	while (decimals > 0 && scaled % 10 == 0)
	{
		scaled /= 10;
		decimals--;
	}
	return decimals;
}

void
format_fr_number_max(double value, int max_decimals, char *out, size_t outsize)
{
	format_fr_number(value, significant_decimals(value, max_decimals), out, outsize);
}

void
format_csv_number_max(double value, int max_decimals, char *out, size_t outsize)
{
	format_csv_number(value, significant_decimals(value, max_decimals), out, outsize);
}

void
format_fr_month(const char *month, char *out, size_t outsize)
{
	static const char *const names[] = {
		"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
		"septembre", "octobre", "novembre", "décembre"
	};
	int number = 0;

	if (strlen(month) >= 7 && month[4] == '-' && month[5] >= '0' && month[5] <= '1' &&
		month[6] >= '0' && month[6] <= '9')
		number = (month[5] - '0') * 10 + (month[6] - '0');
	if (number >= 1 && number <= 12)
		snprintf(out, outsize, "%s %.4s", names[number - 1], month);
	else
		snprintf(out, outsize, "%s", month);
}

void
format_fr_month_short(const char *month, char *out, size_t outsize)
{
	static const char *const names[] = {
		"janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août",
		"sept.", "oct.", "nov.", "déc."
	};
	int number = 0;

	if (strlen(month) >= 7 && month[4] == '-' && month[5] >= '0' && month[5] <= '1' &&
		month[6] >= '0' && month[6] <= '9')
		number = (month[5] - '0') * 10 + (month[6] - '0');
	if (number >= 1 && number <= 12)
		snprintf(out, outsize, "%s", names[number - 1]);
	else
		snprintf(out, outsize, "%s", month);
}

int
format_text_width(const char *text)
{
	int chars = 0;

	for (const unsigned char *p = (const unsigned char *) text; *p; p++)
		if ((*p & 0xC0) != 0x80)
			chars++;
	return chars;
}

int
format_text_width_n(const char *text, size_t length)
{
	int chars = 0;

	for (size_t i = 0; i < length && text[i]; i++)
		if ((text[i] & 0xC0) != 0x80)
			chars++;
	return chars;
}

void
format_write_padded(FILE *out, const char *text, int width, bool right)
{
	int chars = format_text_width(text);

	if (right)
		for (int i = chars; i < width; i++)
			fputc(' ', out);
	fputs(text, out);
	if (!right)
		for (int i = chars; i < width; i++)
			fputc(' ', out);
}

const char *
fr_s(long long count)
{
	return count >= 2 || count <= -2 ? "s" : "";
}

size_t
format_wrap_line(const char *text, int width, const char **next)
{
	size_t cut = 0;				/* bytes of the line: up to the last space that fits */
	int chars = 0;
	size_t i = 0;

	while (text[i] != '\0')
	{
		if (text[i] == ' ')
			cut = i;
		if (chars == width)
			break;
		i++;
		while ((text[i] & 0xC0) == 0x80)	/* the rest of a UTF-8 character */
			i++;
		chars++;
	}
	if (text[i] == '\0' || text[i] == ' ')
		cut = i;				/* it all fits, or the break falls on a space */
	else if (cut == 0)
		cut = i;				/* one word longer than the line: cut it */
	*next = text + cut;
	while (**next == ' ')
		(*next)++;
	while (cut > 0 && text[cut - 1] == ' ')
		cut--;
	return cut;
}

const char *
format_write_wrapped_first(FILE *out, const char *text, int width)
{
	const char *next;
	size_t length = format_wrap_line(text, width, &next);
	char line[512];

	snprintf(line, sizeof(line), "%.*s", (int) length, text);
	format_write_padded(out, line, width, false);
	return next;
}

void
format_write_wrapped_rest(FILE *out, const char *rest, int width, int indent)
{
	while (rest && *rest)
	{
		const char *next;
		size_t length = format_wrap_line(rest, width, &next);

		fprintf(out, "%*s%.*s\n", indent, "", (int) length, rest);
		rest = next;
	}
}

void
format_hex(const unsigned char *bytes, size_t len, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < len; i++)
	{
		out[2 * i] = digits[bytes[i] >> 4];
		out[2 * i + 1] = digits[bytes[i] & 0xF];
	}
	out[2 * len] = '\0';
}
