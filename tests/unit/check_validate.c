/*
 * Unit tests for importers/validate.c: dates, months, decimals, SIRET, codes.
 * Each function is driven by a table of cases; a loop test runs one case each.
 */
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "importers/validate.h"

#define NCASES(array) ((int) (sizeof(array) / sizeof((array)[0])))

/*
 * Most validators turn an input into a canonical text or reject it with a
 * French reason: expected is the canonical output when ok, else a substring
 * the error message must contain.
 */
typedef struct CanonCase
{
	const char *input;
	bool ok;
	const char *expected;
} CanonCase;

static void
check_canon(const char *function, const CanonCase *c, bool got, const char *out,
			const char *err)
{
	if (c->ok)
	{
		ck_assert_msg(got, "%s(\"%s\") rejected: %s", function, c->input, err);
		ck_assert_msg(strcmp(out, c->expected) == 0,
					  "%s(\"%s\") gave \"%s\", expected \"%s\"",
					  function, c->input, out, c->expected);
	}
	else
	{
		ck_assert_msg(!got, "%s(\"%s\") accepted as \"%s\"", function, c->input, out);
		ck_assert_msg(err[0] != '\0', "%s(\"%s\"): empty error message", function, c->input);
		ck_assert_msg(strstr(err, c->expected) != NULL,
					  "%s(\"%s\"): error \"%s\" does not mention \"%s\"",
					  function, c->input, err, c->expected);
	}
}

/* validate_date */

static const CanonCase date_cases[] = {
	{"31/12/2021", true, "2021-12-31"},
	{"01/02/2021", true, "2021-02-01"},
	{"1/2/2021", true, "2021-02-01"},
	{"5/11/2021", true, "2021-11-05"},
	{"2021-03-15", true, "2021-03-15"},
	{"29/02/2020", true, "2020-02-29"},
	{"2020-02-29", true, "2020-02-29"},
	{"29/02/2000", true, "2000-02-29"},
	{"01/01/1900", true, "1900-01-01"},
	{"31/12/2100", true, "2100-12-31"},
	{"31/02/2021", false, "jour inexistant"},
	{"29/02/2021", false, "jour inexistant"},
	{"29/02/1900", false, "jour inexistant"},
	{"31/04/2021", false, "jour inexistant"},
	{"2021-02-29", false, "jour inexistant"},
	{"00/01/2021", false, "jour inexistant"},
	{"00/00/0000", false, "année hors limites"},
	{"2021-13-01", false, "mois inexistant"},
	{"01/13/2021", false, "mois inexistant"},
	{"2021-00-10", false, "mois inexistant"},
	{"31/12/1899", false, "année hors limites"},
	{"01/01/2101", false, "année hors limites"},
	{"1899-12-31", false, "année hors limites"},
	{"2021/01/01", false, "date non reconnue"},
	{"", false, "date non reconnue"},
	{"01/02/2021x", false, "date non reconnue"},
	{"2021-02-01x", false, "date non reconnue"},
	{"2021-02-011", false, "date non reconnue"},
	{"01/02/21", false, "date non reconnue"},
	{"001/02/2021", false, "date non reconnue"},
	{"01-02-2021", false, "date non reconnue"},
	{"12345-01-01", false, "date non reconnue"},
	{" 01/02/2021", false, "date non reconnue"},
	{"demain", false, "JJ/MM/AAAA"},
};

START_TEST(test_date)
{
	const CanonCase *c = &date_cases[_i];
	char out[11] = "";
	char err[VALIDATE_ERR_SIZE] = "";

	check_canon("validate_date", c, validate_date(c->input, out, err), out, err);
}
END_TEST

/* validate_month */

static const CanonCase month_cases[] = {
	{"2021-03", true, "2021-03-01"},
	{"2021-12", true, "2021-12-01"},
	{"03/2021", true, "2021-03-01"},
	{"3/2021", true, "2021-03-01"},
	{"12/2021", true, "2021-12-01"},
	{"2021-03-01", true, "2021-03-01"},
	{"2021-03-15", true, "2021-03-01"},
	{"2020-02-29", true, "2020-02-01"},
	{"2021-02-30", false, "jour inexistant"},
	{"2021-13", false, "mois inexistant"},
	{"2021-00", false, "mois inexistant"},
	{"13/2021", false, "mois inexistant"},
	{"00/2021", false, "mois inexistant"},
	{"1899-12", false, "année hors limites"},
	{"01/2101", false, "année hors limites"},
	{"2021-1x", false, "mois non reconnu"},
	{"2021-03-15x", false, "mois non reconnu"},
	{"03/2021x", false, "mois non reconnu"},
	{"03/20211", false, "mois non reconnu"},
	{"03/21", false, "mois non reconnu"},
	{"2021/03", false, "mois non reconnu"},
	{"mars 2021", false, "mois non reconnu"},
	{"", false, "AAAA-MM ou MM/AAAA"},
};

START_TEST(test_month)
{
	const CanonCase *c = &month_cases[_i];
	char out[11] = "";
	char err[VALIDATE_ERR_SIZE] = "";

	check_canon("validate_month", c, validate_month(c->input, out, err), out, err);
}
END_TEST

/* validate_days_in_month */

static const struct
{
	int year;
	int month;
	int days;
}			days_cases[] = {
	{2021, 1, 31}, {2021, 2, 28}, {2020, 2, 29}, {1900, 2, 28}, {2000, 2, 29},
	{2100, 2, 28}, {2021, 4, 30}, {2021, 12, 31},
};

START_TEST(test_days_in_month)
{
	ck_assert_int_eq(validate_days_in_month(days_cases[_i].year, days_cases[_i].month),
					 days_cases[_i].days);
}
END_TEST

/* validate_decimal */

typedef struct DecimalCase
{
	const char *input;
	int max_decimals;
	double max_value;
	bool allow_thousands;
	bool ok;
	const char *expected;		/* canonical text, or a substring of the error */
	double value;
} DecimalCase;

static const DecimalCase decimal_cases[] = {
	{"12,5", 2, 1000, false, true, "12.5", 12.5},
	{"12.5", 2, 1000, false, true, "12.5", 12.5},
	{"0", 2, 1000, false, true, "0", 0},
	{"0,25", 2, 1000, false, true, "0.25", 0.25},
	{"7", 0, 1000, false, true, "7", 7},
	{"+5", 2, 1000, false, true, "5", 5},
	{"24", 2, 24, false, true, "24", 24},
	{"1 234,50", 2, 1e6, true, true, "1234.50", 1234.5},
	{"1 234 567", 2, 1e9, true, true, "1234567", 1234567},
	{"1\xC2\xA0" "234,5", 2, 1e6, true, true, "1234.5", 1234.5},
	{"1\xE2\x80\xAF" "234,5", 2, 1e6, true, true, "1234.5", 1234.5},
	{"1 234,50", 2, 1e6, false, false, "nombre invalide", 0},
	{"1,2 5", 2, 1e6, true, false, "nombre invalide", 0},
	{" 5", 2, 1e6, true, false, "nombre invalide", 0},
	{"-0", 2, 1000, false, false, "négatif", 0},
	{"-3", 2, 1000, false, false, "négatif", 0},
	{"1e309", 2, 1e308, false, false, "nombre invalide", 0},
	{"NaN", 2, 1000, false, false, "nombre invalide", 0},
	{"inf", 2, 1000, false, false, "nombre invalide", 0},
	{"12,5,3", 2, 1000, false, false, "nombre invalide", 0},
	{"12.5.3", 2, 1000, false, false, "nombre invalide", 0},
	{"\xD9\xA3", 2, 1000, false, false, "nombre invalide", 0},
	{",5", 2, 1000, false, false, "nombre invalide", 0},
	{"5,", 2, 1000, false, false, "nombre invalide", 0},
	{"0x10", 2, 1000, false, false, "nombre invalide", 0},
	{"", 2, 1000, false, false, "vide", 0},
	{"+", 2, 1000, false, false, "vide", 0},
	{"1,234", 2, 1000, false, false, "trop de décimales", 0},
	{"12,0", 0, 1000, false, false, "trop de décimales", 0},
	{"25", 2, 24, false, false, "hors limites", 0},
	{"24,01", 2, 24, false, false, "hors limites", 0},
	{"1" "000000000000000000000000000000" "000000000000000000000000000000"
	 "000000000000000000000000000000", 2, 1e300, false, false, "nombre invalide", 0},
};

START_TEST(test_decimal)
{
	const DecimalCase *c = &decimal_cases[_i];
	char out[64] = "";
	char err[VALIDATE_ERR_SIZE] = "";
	double value = -1;
	bool got = validate_decimal(c->input, c->max_decimals, c->max_value,
								c->allow_thousands, out, sizeof(out), &value, err);
	CanonCase canon = {c->input, c->ok, c->expected};

	check_canon("validate_decimal", &canon, got, out, err);
	if (c->ok)
		ck_assert_msg(value == c->value, "validate_decimal(\"%s\") value %g, expected %g",
					  c->input, value, c->value);
}
END_TEST

/* validate_siret and siret_key_is_valid */

static const CanonCase siret_cases[] = {
	{"73282932000074", true, "73282932000074"},
	{"33100001000016", true, "33100001000016"},
	{"732 829 320 00074", true, "73282932000074"},
	{"35600000000048", true, "35600000000048"},	/* La Poste head office, Luhn key */
	{"35600000000056", true, "35600000000056"},	/* La Poste: Luhn false, digit sum 25 */
	{"35600000000001", true, "35600000000001"},	/* La Poste: Luhn false, digit sum 15 */
	{"35600000000049", false, "clé de contrôle"},	/* La Poste: Luhn false, digit sum 27 */
	{"35600000000000", false, "clé de contrôle"},	/* La Poste: Luhn false, digit sum 14 */
	{"12345678901234", false, "clé de contrôle"},	/* digit sum 55, but not La Poste */
	{"73282932000004", false, "clé de contrôle"},	/* digit sum 40, but not La Poste */
	{"73282932000075", false, "clé de contrôle"},
	{"7328293200007", false, "14 chiffres"},
	{"732829320000745", false, "14 chiffres"},
	{"7328293200007A", false, "14 chiffres"},
	{"A3282932000074", false, "14 chiffres"},
	{"", false, "14 chiffres"},
};

START_TEST(test_siret)
{
	const CanonCase *c = &siret_cases[_i];
	char out[32] = "";
	char err[VALIDATE_ERR_SIZE] = "";

	check_canon("validate_siret", c, validate_siret(c->input, out, err), out, err);
}
END_TEST

static const struct
{
	const char *digits;
	bool valid;
}			siret_key_cases[] = {
	{"73282932000074", true},
	{"33100001000016", true},
	{"00000000000000", true},
	{"35600000000048", true},
	{"35600000000056", true},
	{"35600000000001", true},
	{"35600000000049", false},
	{"35600000000000", false},
	{"12345678901234", false},
	{"73282932000004", false},
	{"73282932000075", false},
	{"73282932000047", false},
};

START_TEST(test_siret_key)
{
	ck_assert_msg(siret_key_is_valid(siret_key_cases[_i].digits) == siret_key_cases[_i].valid,
				  "siret_key_is_valid(\"%s\") should be %s", siret_key_cases[_i].digits,
				  siret_key_cases[_i].valid ? "true" : "false");
}
END_TEST

/* validate_insee */

static const CanonCase insee_cases[] = {
	{"33063", true, "33063"},
	{"75056", true, "75056"},
	{"2A004", true, "2A004"},
	{"2B033", true, "2B033"},
	{"2a004", true, "2A004"},
	{"97101", true, "97101"},
	{"3306", false, "code commune INSEE invalide"},
	{"330633", false, "code commune INSEE invalide"},
	{"ABCDE", false, "code commune INSEE invalide"},
	{"2C004", false, "code commune INSEE invalide"},
	{"A2004", false, "code commune INSEE invalide"},
	{"3A004", false, "code commune INSEE invalide"},	/* only 2A and 2B are Corsica */
	{"", false, "5 caractères"},
};

START_TEST(test_insee)
{
	const CanonCase *c = &insee_cases[_i];
	char out[16] = "";
	char err[VALIDATE_ERR_SIZE] = "";

	check_canon("validate_insee", c, validate_insee(c->input, out, err), out, err);
}
END_TEST

/* validate_enum */

static const char *const contract_values[] = {"cdi", "cdd", "interim", NULL};

static const CanonCase enum_cases[] = {
	{"cdi", true, "cdi"},
	{"CDD", true, "cdd"},
	{"Interim", true, "interim"},
	{"stage", false, "valeur inconnue"},
	{"cd", false, "attendu : cdi, cdd, interim"},
	{"", false, "valeur inconnue"},
	{"cdi-cdd-interim-cdi-cdd-interim-cdi-cdd-interim-cdi-cdd-interim-cdi", false,
	 "valeur inconnue"},
};

START_TEST(test_enum)
{
	const CanonCase *c = &enum_cases[_i];
	char out[32] = "";
	char err[VALIDATE_ERR_SIZE] = "";

	check_canon("validate_enum", c,
				validate_enum(c->input, contract_values, out, sizeof(out), err), out, err);
}
END_TEST

/* validate_yes_no */

static const CanonCase yes_no_cases[] = {
	{"oui", true, "true"},
	{"OUI", true, "true"},
	{"o", true, "true"},
	{"1", true, "true"},
	{"true", true, "true"},
	{"Vrai", true, "true"},
	{"x", true, "true"},
	{"non", true, "false"},
	{"Non", true, "false"},
	{"n", true, "false"},
	{"0", true, "false"},
	{"false", true, "false"},
	{"faux", true, "false"},
	{"", true, "false"},
	{"peut-être", false, "attendu oui ou non"},
	{"2", false, "valeur inconnue"},
	{"ouiii", false, "valeur inconnue"},
};

START_TEST(test_yes_no)
{
	const CanonCase *c = &yes_no_cases[_i];
	char out[8] = "";
	char err[VALIDATE_ERR_SIZE] = "";

	check_canon("validate_yes_no", c, validate_yes_no(c->input, out, err), out, err);
}
END_TEST

/* validate_sex */

static const CanonCase sex_cases[] = {
	{"F", true, "F"},
	{"f", true, "F"},
	{"M", true, "M"},
	{"m", true, "M"},
	{"H", true, "M"},
	{"h", true, "M"},
	{"X", false, "sexe inconnu"},
	{"FM", false, "sexe inconnu"},
	{"", false, "attendu F ou M"},
};

START_TEST(test_sex)
{
	const CanonCase *c = &sex_cases[_i];
	char out[4] = "";
	char err[VALIDATE_ERR_SIZE] = "";

	check_canon("validate_sex", c, validate_sex(c->input, out, err), out, err);
}
END_TEST

/* validate_criteria */

typedef struct CriteriaCase
{
	const char *input;
	size_t outsize;
	bool ok;
	const char *expected;
} CriteriaCase;

static const CriteriaCase criteria_cases[] = {
	{"rsa|deld", 128, true, "{rsa,deld}"},
	{"", 128, true, "{}"},
	{"rsa", 128, true, "{rsa}"},
	{" rsa | qpv ", 128, true, "{rsa,qpv}"},
	{"RSA|Jeune", 128, true, "{rsa,jeune}"},
	{"rsa||qpv", 128, true, "{rsa,qpv}"},
	{"deld|rsa|ass|aah|rqth|jeune|senior|iae|plie|qpv|autre", 128, true,
	 "{deld,rsa,ass,aah,rqth,jeune,senior,iae,plie,qpv,autre}"},
	{"rsa|deld", 11, true, "{rsa,deld}"},
	{"rsa|inconnu", 128, false, "critère inconnu « inconnu »"},
	{"rsa,deld", 128, false, "critère inconnu"},
	{"rsa|deld", 10, false, "trop de critères"},
	{"rsa", 2, false, ""},		/* a too small buffer still needs a reason */
};

START_TEST(test_criteria)
{
	const CriteriaCase *c = &criteria_cases[_i];
	char out[128] = "";
	char err[VALIDATE_ERR_SIZE] = "";
	CanonCase canon = {c->input, c->ok, c->expected};

	ck_assert(c->outsize <= sizeof(out));
	check_canon("validate_criteria", &canon,
				validate_criteria(c->input, out, c->outsize, err), out, err);
}
END_TEST

/* validate_trim */

static const struct
{
	const char *input;
	const char *expected;
}			trim_cases[] = {
	{"abc", "abc"},
	{"  abc  ", "abc"},
	{"\tabc\t", "abc"},
	{" \t a b \t ", "a b"},
	{"abc\r", "abc"},
	{"\xC2\xA0" "abc" "\xC2\xA0", "abc"},
	{"\xE2\x80\xAF" "abc" "\xE2\x80\xAF", "abc"},
	{" \xC2\xA0\t\xE2\x80\xAF" "12,5" "\xE2\x80\xAF \xC2\xA0", "12,5"},
	{"1\xC2\xA0" "234", "1\xC2\xA0" "234"},
	{"voil\xC3\xA0", "voil\xC3\xA0"},	/* à ends with A0 but is no space */
	{"\xC3\xA0 ", "\xC3\xA0"},
	{"", ""},
	{"   ", ""},
	{"\xC2\xA0", ""},
	{"\xC2", "\xC2"},
};

START_TEST(test_trim)
{
	char buffer[64];

	snprintf(buffer, sizeof(buffer), "%s", trim_cases[_i].input);

	char *got = validate_trim(buffer);

	ck_assert_ptr_eq(got, buffer);
	ck_assert_msg(strcmp(got, trim_cases[_i].expected) == 0,
				  "validate_trim case %d gave \"%s\", expected \"%s\"", _i, got,
				  trim_cases[_i].expected);
}
END_TEST

/* validate_identifier and validate_text */

START_TEST(test_identifier_and_text)
{
	char err[VALIDATE_ERR_SIZE] = "";
	char long_id[102];

	memset(long_id, 'a', 101);
	long_id[101] = '\0';
	ck_assert(validate_identifier("P-000123", err));
	ck_assert(validate_identifier(long_id + 1, err));
	ck_assert(!validate_identifier(long_id, err));
	ck_assert_ptr_nonnull(strstr(err, "trop long"));
	ck_assert(!validate_identifier("", err));
	ck_assert_ptr_nonnull(strstr(err, "vide"));
	ck_assert(!validate_identifier("a\nb", err));
	ck_assert_ptr_nonnull(strstr(err, "contrôle"));
	ck_assert(validate_text("Chantier d'insertion\tBordeaux", 100, err));
	ck_assert(!validate_text("abcdef", 5, err));
	ck_assert_ptr_nonnull(strstr(err, "trop long"));
	ck_assert(!validate_text("a\x01" "b", 100, err));
	ck_assert_ptr_nonnull(strstr(err, "contrôle"));
}
END_TEST

static Suite *
validate_suite(void)
{
	Suite *s = suite_create("validate");
	TCase *tc = tcase_create("validate");

	tcase_add_loop_test(tc, test_date, 0, NCASES(date_cases));
	tcase_add_loop_test(tc, test_month, 0, NCASES(month_cases));
	tcase_add_loop_test(tc, test_days_in_month, 0, NCASES(days_cases));
	tcase_add_loop_test(tc, test_decimal, 0, NCASES(decimal_cases));
	tcase_add_loop_test(tc, test_siret, 0, NCASES(siret_cases));
	tcase_add_loop_test(tc, test_siret_key, 0, NCASES(siret_key_cases));
	tcase_add_loop_test(tc, test_insee, 0, NCASES(insee_cases));
	tcase_add_loop_test(tc, test_enum, 0, NCASES(enum_cases));
	tcase_add_loop_test(tc, test_yes_no, 0, NCASES(yes_no_cases));
	tcase_add_loop_test(tc, test_sex, 0, NCASES(sex_cases));
	tcase_add_loop_test(tc, test_criteria, 0, NCASES(criteria_cases));
	tcase_add_loop_test(tc, test_trim, 0, NCASES(trim_cases));
	tcase_add_test(tc, test_identifier_and_text);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *runner = srunner_create(validate_suite());

	srunner_run_all(runner, CK_NORMAL);

	int failed = srunner_ntests_failed(runner);

	srunner_free(runner);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
