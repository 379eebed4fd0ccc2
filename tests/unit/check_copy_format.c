/*
 * Unit tests for importers/copy_format.c: the text format's escapes, and the binary
 * format's values byte for byte (tests/integration/check_heures_load.c has the server
 * read them back).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "importers/copy_format.h"

#define NCASES(array) ((int) (sizeof(array) / sizeof((array)[0])))

typedef struct BytesCase
{
	const char *input;
	const char *expected;		/* bytes written, or NULL: refused */
	size_t expected_len;
} BytesCase;

#define BYTES(s) s, sizeof(s) - 1
#define REFUSED NULL, 0

static void
assert_bytes(const StrBuf *buf, bool ok, const BytesCase *c)
{
	if (c->expected == NULL)
	{
		ck_assert_msg(!ok, "« %s » should be refused", c->input);
		return;
	}
	ck_assert_msg(ok, "« %s » refused", c->input);
	ck_assert_uint_eq(buf->len, c->expected_len);
	ck_assert_msg(memcmp(buf->data, c->expected, c->expected_len) == 0, "« %s »: other bytes", c->input);
}

/* copy_append_text */

static const BytesCase text_cases[] = {
	{"P0001", BYTES("P0001")},
	{"a\tb", BYTES("a\\tb")},
	{"back\\slash", BYTES("back\\\\slash")},
	{"two\nlines\r", BYTES("two\\nlines\\r")},
	{"", BYTES("")},
};

START_TEST(test_text)
{
	StrBuf buf = {0};
	bool ok = copy_append_text(&buf, text_cases[_i].input);

	if (text_cases[_i].expected_len == 0)
		ck_assert(ok && buf.len == 0);
	else
		assert_bytes(&buf, ok, &text_cases[_i]);
	strbuf_free(&buf);
}
END_TEST

/* copy_binary_numeric: length, ndigits, weight, sign, dscale, digits in base 10,000 */

static const BytesCase numeric_cases[] = {
	{"0", BYTES("\0\0\0\x08" "\0\0" "\0\0" "\0\0" "\0\0")},
	{"0.00", BYTES("\0\0\0\x08" "\0\0" "\0\0" "\0\0" "\0\x02")},
	{"12.5", BYTES("\0\0\0\x0c" "\0\x02" "\0\0" "\0\0" "\0\x01" "\0\x0c" "\x13\x88")},
	{"0.05", BYTES("\0\0\0\x0a" "\0\x01" "\xff\xff" "\0\0" "\0\x02" "\x01\xf4")},
	{"744", BYTES("\0\0\0\x0a" "\0\x01" "\0\0" "\0\0" "\0\0" "\x02\xe8")},
	{"12345.67", BYTES("\0\0\0\x0e" "\0\x03" "\0\x01" "\0\0" "\0\x02" "\0\x01" "\x09\x29" "\x1a\x2c")},
	{"10000", BYTES("\0\0\0\x0c" "\0\x02" "\0\x01" "\0\0" "\0\0" "\0\x01" "\0\0")},
	{"007.1234", BYTES("\0\0\0\x0c" "\0\x02" "\0\0" "\0\0" "\0\x04" "\0\x07" "\x04\xd2")},
	{"", REFUSED},
	{".5", REFUSED},
	{"12.", REFUSED},
	{"12,5", REFUSED},
	{"-1", REFUSED},
	{"1.23456", REFUSED},
	{"1e3", REFUSED},
	{"1234567890123456.5", BYTES("\0\0\0\x12" "\0\x05" "\0\x03" "\0\0" "\0\x01" "\x04\xd2" "\x16\x2e" "\x23\x34" "\x0d\x80" "\x13\x88")},
	{"12345678901234567", REFUSED},	/* beyond four groups */
};

START_TEST(test_numeric)
{
	StrBuf buf = {0};
	bool ok = copy_binary_numeric(&buf, numeric_cases[_i].input);

	assert_bytes(&buf, ok, &numeric_cases[_i]);
	strbuf_free(&buf);
}
END_TEST

/* copy_binary_date: length 4, days from 2000-01-01 */

static const BytesCase date_cases[] = {
	{"2000-01-01", BYTES("\0\0\0\x04" "\0\0\0\0")},
	{"2021-01-01", BYTES("\0\0\0\x04" "\0\0\x1d\xf7")},		/* 7,671 days */
	{"2024-02-29", BYTES("\0\0\0\x04" "\0\0\x22\x79")},		/* 8,825 */
	{"1999-12-31", BYTES("\0\0\0\x04" "\xff\xff\xff\xff")},
	{"2100-03-01", BYTES("\0\0\0\x04" "\0\0\x8e\xe8")},		/* 36,584: 2100 is no leap year */
	{"2021-02-29", REFUSED},
	{"2100-02-29", REFUSED},
	{"2021-13-01", REFUSED},
	{"2021-04-31", REFUSED},
	{"2021-1-01", REFUSED},
	{"21-01-01", REFUSED},
	{"2021-01-01T", REFUSED},
	{"0000-01-01", REFUSED},
};

START_TEST(test_date)
{
	StrBuf buf = {0};
	bool ok = copy_binary_date(&buf, date_cases[_i].input);

	assert_bytes(&buf, ok, &date_cases[_i]);
	strbuf_free(&buf);
}
END_TEST

/* a whole row: field count, then each value with its length; NULL is length -1 */
START_TEST(test_row)
{
	static const char expected[] = "\0\x04" "\0\0\0\x08" "\0\0\0\0\0\0\x01\x02"
		"\0\0\0\x04" "\xff\xff\xff\xfe" "\0\0\0\x02" "P1" "\xff\xff\xff\xff";
	StrBuf buf = {0};

	ck_assert(copy_binary_row(&buf, 4) && copy_binary_int8(&buf, 258) &&
			  copy_binary_int4(&buf, -2) && copy_binary_text(&buf, "P1") && copy_binary_null(&buf));
	ck_assert_uint_eq(buf.len, sizeof(expected) - 1);
	ck_assert(memcmp(buf.data, expected, buf.len) == 0);
	ck_assert(memcmp(COPY_BINARY_HEADER, "PGCOPY\n\377\r\n\0\0\0\0\0\0\0\0\0", COPY_BINARY_HEADER_SIZE) == 0);
	strbuf_free(&buf);
}
END_TEST

static Suite *
copy_format_suite(void)
{
	Suite *s = suite_create("copy_format");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_text, 0, NCASES(text_cases));
	tcase_add_loop_test(tc, test_numeric, 0, NCASES(numeric_cases));
	tcase_add_loop_test(tc, test_date, 0, NCASES(date_cases));
	tcase_add_test(tc, test_row);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *runner = srunner_create(copy_format_suite());

	srunner_run_all(runner, CK_NORMAL);

	int failed = srunner_ntests_failed(runner);

	srunner_free(runner);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
