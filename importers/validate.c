/*
 * Field validation and normalisation for every input format.
 * Each function accepts the shapes French files really use and rejects the rest
 * with a reason written for the person who must fix the file.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "importers/validate.h"

const char *const CRITERIA_VALUES[] = {
	"deld", "rsa", "ass", "aah", "rqth", "jeune", "senior", "iae", "plie", "qpv", "autre", NULL
};

static bool
is_nbsp(const unsigned char *p)
{
	/* U+00A0 no-break space and U+202F narrow no-break space, in UTF-8 */
	return (p[0] == 0xC2 && p[1] == 0xA0) ||
		(p[0] == 0xE2 && p[1] == 0x80 && p[2] == 0xAF);
}

static size_t
nbsp_len(const unsigned char *p)
{
	return p[0] == 0xC2 ? 2 : 3;
}

char *
validate_trim(char *text)
{
	unsigned char *start = (unsigned char *) text;

	for (;;)
	{
		if (*start == ' ' || *start == '\t')
			start++;
		else if (is_nbsp(start))
			start += nbsp_len(start);
		else
			break;
	}

	size_t len = strlen((char *) start);

	while (len > 0)
	{
		unsigned char c = start[len - 1];

		if (c == ' ' || c == '\t' || c == '\r')
			len--;
		else if (len >= 2 && start[len - 2] == 0xC2 && c == 0xA0)
			len -= 2;
		else if (len >= 3 && start[len - 3] == 0xE2 && start[len - 2] == 0x80 && c == 0xAF)
			len -= 3;
		else
			break;
	}
	memmove(text, start, len);
	text[len] = '\0';
	return text;
}

void
validate_copy(char *out, size_t outsize, const char *value)
{
	size_t len = strlen(value);

	if (outsize == 0)
		return;
	if (len >= outsize)
		len = outsize - 1;
	memcpy(out, value, len);
	out[len] = '\0';
}

/*
 * Digits, at most one '.', nothing else (validate_decimal's output). Up to 15 digits the
 * value is an integer divided by a power of ten: one correctly rounded division, the
 * same double as strtod gives, without strtod's cost on a million rows.
 */
double
validate_canonical_decimal(const char *digits)
{
	static const double powers[] = {1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
	1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18};
	unsigned long long mantissa = 0;
	int count = 0;
	int decimals = -1;

	for (const char *p = digits; *p; p++)
	{
		if (*p == '.' && decimals < 0)
			decimals = 0;
		else if (*p >= '0' && *p <= '9' && count < 15)
		{
			mantissa = mantissa * 10 + (unsigned long long) (*p - '0');
			count++;
			if (decimals >= 0)
				decimals++;
		}
		else
			return strtod(digits, NULL);
	}
	return (double) mantissa / powers[decimals < 0 ? 0 : decimals];
}

int
validate_days_in_month(int year, int month)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	if (month == 2 && ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0))
		return 29;
	return days[month - 1];
}

/* Reads 1 to max_digits ASCII digits; returns the count read, 0 when none. */
static int
read_number(const char *s, int max_digits, int *value)
{
	int n = 0;

	*value = 0;
	while (n < max_digits && s[n] >= '0' && s[n] <= '9')
	{
		*value = *value * 10 + (s[n] - '0');
		n++;
	}
	return n;
}

static bool
check_ymd(int year, int month, int day, const char *in, char *err)
{
	if (year < 1900 || year > 2100)
	{
		snprintf(err, VALIDATE_ERR_SIZE, "année hors limites dans « %s » (1900 à 2100)", in);
		return false;
	}
	if (month < 1 || month > 12)
	{
		snprintf(err, VALIDATE_ERR_SIZE, "mois inexistant dans « %s »", in);
		return false;
	}
	if (day < 1 || day > validate_days_in_month(year, month))
	{
		snprintf(err, VALIDATE_ERR_SIZE, "jour inexistant dans « %s »", in);
		return false;
	}
	return true;
}

/* Writes AAAA-MM-JJ (11 bytes with the NUL); the values were range-checked. */
static void
write_iso_date(char *out, int year, int month, int day)
{
	out[0] = (char) ('0' + year / 1000 % 10);
	out[1] = (char) ('0' + year / 100 % 10);
	out[2] = (char) ('0' + year / 10 % 10);
	out[3] = (char) ('0' + year % 10);
	out[4] = '-';
	out[5] = (char) ('0' + month / 10 % 10);
	out[6] = (char) ('0' + month % 10);
	out[7] = '-';
	out[8] = (char) ('0' + day / 10 % 10);
	out[9] = (char) ('0' + day % 10);
	out[10] = '\0';
}

bool
validate_date(const char *in, char *out, char *err)
{
	int a, b, c;
	int na = read_number(in, 4, &a);

	if (na == 4 && in[4] == '-')
	{
		int nb = read_number(in + 5, 2, &b);
		int nc = nb ? read_number(in + 5 + nb + 1, 2, &c) : 0;

		if (nb && in[5 + nb] == '-' && nc && in[5 + nb + 1 + nc] == '\0')
		{
			if (!check_ymd(a, b, c, in, err))
				return false;
			write_iso_date(out, a, b, c);
			return true;
		}
	}
	else if ((na == 1 || na == 2) && in[na] == '/')
	{
		int nb = read_number(in + na + 1, 2, &b);
		int nc = nb ? read_number(in + na + 1 + nb + 1, 4, &c) : 0;

		if (nb && in[na + 1 + nb] == '/' && nc == 4 && in[na + 1 + nb + 1 + nc] == '\0')
		{
			if (!check_ymd(c, b, a, in, err))
				return false;
			write_iso_date(out, c, b, a);
			return true;
		}
	}
	snprintf(err, VALIDATE_ERR_SIZE,
			 "date non reconnue « %.60s » (attendu JJ/MM/AAAA ou AAAA-MM-JJ)", in);
	return false;
}

bool
validate_month(const char *in, char *out, char *err)
{
	int year, month;
	int ny = read_number(in, 4, &year);

	if (ny == 4 && in[4] == '-')
	{
		int nm = read_number(in + 5, 2, &month);

		if (nm && (in[5 + nm] == '\0' ||
				   (in[5 + nm] == '-' && strlen(in + 5 + nm) <= 3)))
		{
			/* AAAA-MM-JJ is taken for its month: some exports write the 1st */
			if (in[5 + nm] == '-')
			{
				char date[11];

				if (!validate_date(in, date, err))
					return false;
			}
			if (!check_ymd(year, month, 1, in, err))
				return false;
			write_iso_date(out, year, month, 1);
			return true;
		}
	}
	else
	{
		int nm = read_number(in, 2, &month);

		if (nm && in[nm] == '/' && read_number(in + nm + 1, 4, &year) == 4 &&
			in[nm + 5] == '\0')
		{
			if (!check_ymd(year, month, 1, in, err))
				return false;
			write_iso_date(out, year, month, 1);
			return true;
		}
	}
	snprintf(err, VALIDATE_ERR_SIZE,
			 "mois non reconnu « %.60s » (attendu AAAA-MM ou MM/AAAA)", in);
	return false;
}

bool
validate_decimal(const char *in, int max_decimals, double max_value,
				 bool allow_thousands, char *out, size_t outsize,
				 double *value, char *err)
{
	char digits[64];
	size_t n = 0;
	int decimals = -1;			/* -1 before the separator */
	const unsigned char *p = (const unsigned char *) in;

	if (*p == '-')
	{
		snprintf(err, VALIDATE_ERR_SIZE, "nombre négatif « %.60s »", in);
		return false;
	}
	if (*p == '+')
		p++;
	if (*p == '\0')
	{
		snprintf(err, VALIDATE_ERR_SIZE, "nombre vide");
		return false;
	}
	while (*p)
	{
		if (*p >= '0' && *p <= '9')
		{
			if (decimals >= 0)
				decimals++;
			if (n + 2 >= sizeof(digits))
				goto invalid;
			digits[n++] = (char) *p++;
		}
		else if ((*p == ',' || *p == '.') && decimals < 0 && n > 0 && p[1] != '\0')
		{
			decimals = 0;
			digits[n++] = '.';
			p++;
		}
		else if (allow_thousands && decimals < 0 && n > 0 && (*p == ' ' || is_nbsp(p)))
			p += (*p == ' ') ? 1 : nbsp_len(p);
		else
			goto invalid;
	}
	digits[n] = '\0';
	if (decimals > max_decimals)
	{
		snprintf(err, VALIDATE_ERR_SIZE, "trop de décimales dans « %.60s » (%d au plus)",
				 in, max_decimals);
		return false;
	}

	double number = validate_canonical_decimal(digits);

	if (!isfinite(number) || number > max_value)
	{
		snprintf(err, VALIDATE_ERR_SIZE, "valeur hors limites « %.60s » (au plus %.0f)",
				 in, max_value);
		return false;
	}
	if (value)
		*value = number;
	validate_copy(out, outsize, digits);
	return true;

invalid:
	snprintf(err, VALIDATE_ERR_SIZE,
			 "nombre invalide « %.60s » (chiffres, virgule ou point décimal)", in);
	return false;
}

bool
siret_key_is_valid(const char *digits14)
{
	int sum = 0;

	for (int i = 0; i < 14; i++)
	{
		int d = digits14[13 - i] - '0';

		if (i % 2 == 1)
		{
			d *= 2;
			if (d > 9)
				d -= 9;
		}
		sum += d;
	}
	if (sum % 10 == 0)
		return true;

	/*
	 * La Poste (SIREN 356 000 000) has more establishments than the Luhn key
	 * allows: its SIRETs are valid when the sum of their digits is a multiple of 5.
	 */
	if (strncmp(digits14, "356000000", 9) == 0)
	{
		int plain = 0;

		for (int i = 0; i < 14; i++)
			plain += digits14[i] - '0';
		return plain % 5 == 0;
	}
	return false;
}

bool
validate_siret(const char *in, char *out, char *err)
{
	int n = 0;

	for (const char *p = in; *p; p++)
	{
		if (*p == ' ' || *p == '.')
			continue;
		if (*p < '0' || *p > '9' || n >= 14)
		{
			snprintf(err, VALIDATE_ERR_SIZE, "SIRET invalide « %.60s » (14 chiffres attendus)", in);
			return false;
		}
		out[n++] = *p;
	}
	out[n] = '\0';
	if (n != 14)
	{
		snprintf(err, VALIDATE_ERR_SIZE, "SIRET invalide « %.60s » (14 chiffres attendus)", in);
		return false;
	}
	if (!siret_key_is_valid(out))
	{
		snprintf(err, VALIDATE_ERR_SIZE, "SIRET invalide « %s » (clé de contrôle fausse)", out);
		return false;
	}
	return true;
}

bool
validate_insee(const char *in, char *out, char *err)
{
	bool ok = strlen(in) == 5 && isdigit((unsigned char) in[0]) &&
		(isdigit((unsigned char) in[1]) ||
		 (in[0] == '2' && (in[1] == 'A' || in[1] == 'B' || in[1] == 'a' || in[1] == 'b'))) &&
		isdigit((unsigned char) in[2]) && isdigit((unsigned char) in[3]) &&
		isdigit((unsigned char) in[4]);

	if (!ok)
	{
		snprintf(err, VALIDATE_ERR_SIZE,
				 "code commune INSEE invalide « %.60s » (5 caractères, ex. 33063)", in);
		return false;
	}
	for (int i = 0; i < 5; i++)
		out[i] = (char) toupper((unsigned char) in[i]);
	out[5] = '\0';
	return true;
}

static bool
has_control_character(const char *in)
{
	for (const unsigned char *p = (const unsigned char *) in; *p; p++)
		if (*p < 0x20 && *p != '\t')
			return true;
	return false;
}

bool
validate_identifier(const char *in, char *err)
{
	if (*in == '\0')
	{
		snprintf(err, VALIDATE_ERR_SIZE, "identifiant vide");
		return false;
	}
	if (strlen(in) > 100)
	{
		snprintf(err, VALIDATE_ERR_SIZE, "identifiant trop long (100 caractères au plus)");
		return false;
	}
	if (has_control_character(in))
	{
		snprintf(err, VALIDATE_ERR_SIZE, "caractère de contrôle dans l'identifiant");
		return false;
	}
	return true;
}

bool
validate_text(const char *in, size_t max_len, char *err)
{
	if (strlen(in) > max_len)
	{
		snprintf(err, VALIDATE_ERR_SIZE, "texte trop long (%zu octets au plus)", max_len);
		return false;
	}
	if (has_control_character(in))
	{
		snprintf(err, VALIDATE_ERR_SIZE, "caractère de contrôle dans le texte");
		return false;
	}
	return true;
}

/* Lower-cases ASCII into out; false when it does not fit. */
static bool
lower_copy(const char *in, char *out, size_t outsize)
{
	size_t n = strlen(in);

	if (n + 1 > outsize)
		return false;
	for (size_t i = 0; i <= n; i++)
		out[i] = (char) tolower((unsigned char) in[i]);
	return true;
}

bool
validate_enum(const char *in, const char *const *allowed, char *out,
			  size_t outsize, char *err)
{
	char lowered[64];

	if (lower_copy(in, lowered, sizeof(lowered)))
	{
		for (int i = 0; allowed[i]; i++)
		{
			if (strcmp(lowered, allowed[i]) == 0)
			{
				validate_copy(out, outsize, allowed[i]);
				return true;
			}
		}
	}

	char list[VALIDATE_ERR_SIZE] = "";
	size_t used = 0;

	for (int i = 0; allowed[i] && used < sizeof(list) - 1; i++)
	{
		int w = snprintf(list + used, sizeof(list) - used, "%s%s", i ? ", " : "", allowed[i]);

		if (w < 0)
			break;
		used += (size_t) w;
	}
	snprintf(err, VALIDATE_ERR_SIZE, "valeur inconnue « %.40s » (attendu : %.180s)", in, list);
	return false;
}

bool
validate_yes_no(const char *in, char *out, char *err)
{
	static const char *const yes[] = {"oui", "o", "1", "true", "vrai", "x", NULL};
	static const char *const no[] = {"non", "n", "0", "false", "faux", "", NULL};
	char lowered[16];

	if (lower_copy(in, lowered, sizeof(lowered)))
	{
		for (int i = 0; yes[i]; i++)
			if (strcmp(lowered, yes[i]) == 0)
			{
				strcpy(out, "true");
				return true;
			}
		for (int i = 0; no[i]; i++)
			if (strcmp(lowered, no[i]) == 0)
			{
				strcpy(out, "false");
				return true;
			}
	}
	snprintf(err, VALIDATE_ERR_SIZE, "valeur inconnue « %.40s » (attendu oui ou non)", in);
	return false;
}

bool
validate_sex(const char *in, char *out, char *err)
{
	if (strcmp(in, "F") == 0 || strcmp(in, "f") == 0)
	{
		strcpy(out, "F");
		return true;
	}
	if (strcmp(in, "M") == 0 || strcmp(in, "m") == 0 ||
		strcmp(in, "H") == 0 || strcmp(in, "h") == 0)
	{
		strcpy(out, "M");
		return true;
	}
	snprintf(err, VALIDATE_ERR_SIZE, "sexe inconnu « %.40s » (attendu F ou M)", in);
	return false;
}

bool
validate_criteria(const char *in, char *out, size_t outsize, char *err)
{
	size_t used = 0;
	const char *p = in;
	int count = 0;

	if (outsize < 3)
	{
		snprintf(err, VALIDATE_ERR_SIZE, "trop de critères");
		return false;
	}
	out[used++] = '{';
	while (*p)
	{
		const char *end = strchr(p, '|');
		size_t len = end ? (size_t) (end - p) : strlen(p);
		char item[32];

		while (len > 0 && *p == ' ')
		{
			p++;
			len--;
		}
		while (len > 0 && p[len - 1] == ' ')
			len--;
		if (len > 0)
		{
			if (len >= sizeof(item))
				len = sizeof(item) - 1;
			memcpy(item, p, len);
			item[len] = '\0';

			char canonical[32];

			if (!validate_enum(item, CRITERIA_VALUES, canonical, sizeof(canonical), err))
			{
				snprintf(err, VALIDATE_ERR_SIZE,
						 "critère inconnu « %.40s » (attendu : deld, rsa, ass, aah, rqth, jeune, "
						 "senior, iae, plie, qpv, autre, séparés par |)", item);
				return false;
			}
			size_t clen = strlen(canonical);

			if (used + clen + 3 > outsize)
			{
				snprintf(err, VALIDATE_ERR_SIZE, "trop de critères");
				return false;
			}
			if (count++ > 0)
				out[used++] = ',';
			memcpy(out + used, canonical, clen);
			used += clen;
		}
		if (end == NULL)
			break;
		p = end + 1;
	}
	out[used++] = '}';
	out[used] = '\0';
	return true;
}
