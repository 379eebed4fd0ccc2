/*
 * Unit tests for src/lib/format.c: French numbers, percentages and dates,
 * and CSV numbers for French Excel, each driven by a table of cases.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "src/lib/format.h"

#define NCASES(array) ((int) (sizeof(array) / sizeof((array)[0])))

typedef struct NumberCase
{
	double value;
	int decimals;
	const char *expected;
} NumberCase;

/* format_fr_number */

static const NumberCase fr_number_cases[] = {
	{250000, 0, "250 000"},
	{1234.5, 1, "1 234,5"},
	{0, 0, "0"},
	{0, 2, "0,00"},
	{999, 0, "999"},
	{1000, 0, "1 000"},
	{999999, 0, "999 999"},
	{1000000, 0, "1 000 000"},
	{1234567.891, 2, "1 234 567,89"},
	{12.5, 0, "12"},			/* printf rounds half to even */
	{12.46, 1, "12,5"},
	{999.96, 1, "1 000,0"},
	{0.125, 3, "0,125"},
	{-1234.5, 1, "-1 234,5"},
	{-250000, 0, "-250 000"},
	{-999, 0, "-999"},
	{-0.01, 1, "0,0"},			/* rounds to zero: no minus sign */
	{-0.4, 0, "0"},
	{-0.5, 0, "0"},				/* "%.0f" gives 0 for 0.5: still zero, no sign */
	{-0.0, 0, "0"},
};

START_TEST(test_fr_number)
{
	const NumberCase *c = &fr_number_cases[_i];
	char out[64] = "";

	format_fr_number(c->value, c->decimals, out, sizeof(out));
	ck_assert_msg(strcmp(out, c->expected) == 0, "format_fr_number(%g, %d) gave \"%s\", expected \"%s\"",
				  c->value, c->decimals, out, c->expected);
}
END_TEST

/* format_fr_number_trim */

static const NumberCase fr_trim_cases[] = {
	{12, 1, "12"},
	{12.5, 1, "12,5"},
	{12.04, 1, "12"},
	{12.96, 1, "13"},
	{0.96, 1, "1"},
	{1234, 2, "1 234"},
	{1234.5, 2, "1 234,50"},
	{250000, 1, "250 000"},
	{0, 1, "0"},
	{-3, 1, "-3"},
	{-3.25, 2, "-3,25"},
	{7.1, 0, "7"},
};

START_TEST(test_fr_number_trim)
{
	const NumberCase *c = &fr_trim_cases[_i];
	char out[64] = "";

	format_fr_number_trim(c->value, c->decimals, out, sizeof(out));
	ck_assert_msg(strcmp(out, c->expected) == 0,
				  "format_fr_number_trim(%g, %d) gave \"%s\", expected \"%s\"",
				  c->value, c->decimals, out, c->expected);
}
END_TEST

/* format_fr_percent */

static const struct
{
	double ratio;
	const char *expected;
}			percent_cases[] = {
	{0.125, "12,5 %"},
	{0, "0,0 %"},
	{1, "100,0 %"},
	{0.5, "50,0 %"},
	{0.3333, "33,3 %"},
	{0.0004, "0,0 %"},
	{12.5, "1 250,0 %"},
	{-0.25, "-25,0 %"},
};

START_TEST(test_fr_percent)
{
	char out[64] = "";

	format_fr_percent(percent_cases[_i].ratio, out, sizeof(out));
	ck_assert_msg(strcmp(out, percent_cases[_i].expected) == 0,
				  "format_fr_percent(%g) gave \"%s\", expected \"%s\"",
				  percent_cases[_i].ratio, out, percent_cases[_i].expected);
}
END_TEST

/* format_fr_date */

static const struct
{
	const char *iso;
	const char *expected;
}			date_cases[] = {
	{"2021-12-31", "31/12/2021"},
	{"2021-01-05", "05/01/2021"},
	{"2020-02-29", "29/02/2020"},
	{"2021-12-31 10:00:00", "31/12/2021"},
	{"31/12/2021", "31/12/2021"},
	{"2021-12", "2021-12"},
	{"", ""},
	{"inconnue", "inconnue"},
};

START_TEST(test_fr_date)
{
	char out[32] = "";

	format_fr_date(date_cases[_i].iso, out, sizeof(out));
	ck_assert_msg(strcmp(out, date_cases[_i].expected) == 0,
				  "format_fr_date(\"%s\") gave \"%s\", expected \"%s\"",
				  date_cases[_i].iso, out, date_cases[_i].expected);
}
END_TEST

/* format_csv_number */

static const NumberCase csv_number_cases[] = {
	{1234.5, 2, "1234,50"},
	{250000, 0, "250000"},
	{1000000, 2, "1000000,00"},
	{0, 0, "0"},
	{0, 1, "0,0"},
	{12.5, 1, "12,5"},
	{-3.5, 1, "-3,5"},
	{0.125, 3, "0,125"},
};

START_TEST(test_csv_number)
{
	const NumberCase *c = &csv_number_cases[_i];
	char out[64] = "";

	format_csv_number(c->value, c->decimals, out, sizeof(out));
	ck_assert_msg(strcmp(out, c->expected) == 0,
				  "format_csv_number(%g, %d) gave \"%s\", expected \"%s\"",
				  c->value, c->decimals, out, c->expected);
}
END_TEST

/* French agreement: singular for 0 and 1, plural from 2. */
START_TEST(test_hex)
{
	const unsigned char bytes[] = {0x00, 0x0f, 0xa5, 0xff};
	char out[16];

	memset(out, 'x', sizeof(out));
	format_hex(bytes, sizeof(bytes), out);
	ck_assert_str_eq(out, "000fa5ff");
	format_hex(bytes, 0, out);
	ck_assert_str_eq(out, "");
}
END_TEST

START_TEST(test_fr_plural)
{
	char out[64];

	ck_assert_str_eq(fr_s(0), "");
	ck_assert_str_eq(fr_s(1), "");
	ck_assert_str_eq(fr_s(2), "s");
	ck_assert_str_eq(fr_s(41666), "s");
	ck_assert_str_eq(fr_s(-3), "s");
	snprintf(out, sizeof(out), "%d ligne%s lue%s, %d rejetée%s", 1, fr_s(1), fr_s(1), 7, fr_s(7));
	ck_assert_str_eq(out, "1 ligne lue, 7 rejetées");
}
END_TEST

/* A small buffer truncates, always NUL-terminated, never overflows. */
START_TEST(test_truncation)
{
	char out[8];

	memset(out, 'Z', sizeof(out));
	format_fr_number(1234567.5, 1, out, 6);
	ck_assert_str_eq(out, "1 234");
	ck_assert_int_eq(out[6], 'Z');

	memset(out, 'Z', sizeof(out));
	format_fr_date("2021-12-31", out, 6);
	ck_assert_str_eq(out, "31/12");
	ck_assert_int_eq(out[6], 'Z');

	memset(out, 'Z', sizeof(out));
	format_fr_percent(0.125, out, 5);
	ck_assert_str_eq(out, "12,5");
	ck_assert_int_eq(out[5], 'Z');
}
END_TEST

static Suite *
format_suite(void)
{
	Suite *s = suite_create("format");
	TCase *tc = tcase_create("format");

	tcase_add_loop_test(tc, test_fr_number, 0, NCASES(fr_number_cases));
	tcase_add_loop_test(tc, test_fr_number_trim, 0, NCASES(fr_trim_cases));
	tcase_add_loop_test(tc, test_fr_percent, 0, NCASES(percent_cases));
	tcase_add_loop_test(tc, test_fr_date, 0, NCASES(date_cases));
	tcase_add_loop_test(tc, test_csv_number, 0, NCASES(csv_number_cases));
	tcase_add_test(tc, test_truncation);
	tcase_add_test(tc, test_fr_plural);
	tcase_add_test(tc, test_hex);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *runner = srunner_create(format_suite());

	srunner_run_all(runner, CK_NORMAL);

	int failed = srunner_ntests_failed(runner);

	srunner_free(runner);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
