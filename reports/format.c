/*
 * French formatting of figures. Grouping uses a plain space so terminal tables align;
 * CSV numbers never group (French Excel would read them as text).
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "format.h"

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

	if (negative && fabs(value) >= 0.5 * pow(10, -decimals))
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
