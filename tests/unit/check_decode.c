/*
 * Unit tests for importers/decode.c: encoding detection, BOM, UTF-8 validation
 * and Windows-1252 conversion, each driven by a table of byte strings.
 */
#include <check.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "importers/decode.h"
#include "src/lib/strbuf.h"

#define NCASES(array) ((int) (sizeof(array) / sizeof((array)[0])))

/* A byte string literal and its length, NUL bytes included. */
#define BYTES(literal) literal, sizeof(literal) - 1

typedef struct BytesCase
{
	const char *name;
	const char *bytes;
	size_t len;
} BytesCase;

/* decode_detect */

static const struct
{
	BytesCase in;
	Encoding expected;
}			detect_cases[] = {
	{{"pure ASCII", BYTES("nom;heures\nDupont;12,5\n")}, ENCODING_UTF8},
	{{"empty sample", BYTES("")}, ENCODING_UTF8},
	{{"UTF-8 accents", BYTES("\xC3\xA9t\xC3\xA9;Orl\xC3\xA9" "ans\n")}, ENCODING_UTF8},
	{{"UTF-8 euro and emoji", BYTES("\xE2\x82\xAC \xF0\x9F\x98\x80\n")}, ENCODING_UTF8},
	{{"cp1252 été", BYTES("\xE9t\xE9")}, ENCODING_CP1252},
	{{"cp1252 line", BYTES("nom;ville\nb\xE9" "b\xE9;Orl\xE9" "ans\n")}, ENCODING_CP1252},
	{{"cp1252 euro", BYTES("12 \x80\n")}, ENCODING_CP1252},
	{{"cp1252 œ", BYTES("c\x9Cur\n")}, ENCODING_CP1252},
	{{"BOM then ASCII", BYTES("\xEF\xBB\xBFnom;heures\n")}, ENCODING_UTF8},
	{{"BOM alone", BYTES("\xEF\xBB\xBF")}, ENCODING_UTF8},
	{{"2-byte sequence cut at end", BYTES("caf\xC3")}, ENCODING_UTF8},
	{{"3-byte sequence cut at end", BYTES("prix 12 \xE2\x82")}, ENCODING_UTF8},
	{{"4-byte sequence cut at end", BYTES("ok \xF0\x9F\x98")}, ENCODING_UTF8},
	{{"cut sequence with a bad continuation", BYTES("ok \xE2" "a")}, ENCODING_CP1252},
	{{"overlong", BYTES("a\xC0\x80")}, ENCODING_CP1252},
	{{"surrogate", BYTES("a\xED\xA0\x80")}, ENCODING_CP1252},
};

START_TEST(test_detect)
{
	Encoding got = decode_detect(detect_cases[_i].in.bytes, detect_cases[_i].in.len);

	ck_assert_msg(got == detect_cases[_i].expected, "decode_detect(%s) gave %s, expected %s",
				  detect_cases[_i].in.name, decode_encoding_name(got),
				  decode_encoding_name(detect_cases[_i].expected));
}
END_TEST

START_TEST(test_encoding_name)
{
	ck_assert_str_eq(decode_encoding_name(ENCODING_UTF8), "UTF-8");
	ck_assert_str_eq(decode_encoding_name(ENCODING_CP1252), "Windows-1252");
}
END_TEST

/* decode_bom_length */

static const struct
{
	BytesCase in;
	size_t expected;
}			bom_cases[] = {
	{{"BOM and text", BYTES("\xEF\xBB\xBFnom")}, 3},
	{{"BOM alone", BYTES("\xEF\xBB\xBF")}, 3},
	{{"no BOM", BYTES("nom")}, 0},
	{{"empty", BYTES("")}, 0},
	{{"BOM cut", BYTES("\xEF\xBB")}, 0},
	{{"BOM bytes later", BYTES("a\xEF\xBB\xBF")}, 0},
	{{"other bytes", BYTES("\xEF\xBB\xBE")}, 0},
	{{"UTF-16 BOM", BYTES("\xFF\xFEn\0")}, 0},
};

START_TEST(test_bom_length)
{
	ck_assert_msg(decode_bom_length(bom_cases[_i].in.bytes, bom_cases[_i].in.len) ==
				  bom_cases[_i].expected, "decode_bom_length(%s) should be %zu",
				  bom_cases[_i].in.name, bom_cases[_i].expected);
}
END_TEST

/* decode_utf8_invalid_offset */

static const struct
{
	BytesCase in;
	size_t expected;
}			utf8_cases[] = {
	{{"ASCII", BYTES("abc")}, 3},
	{{"empty", BYTES("")}, 0},
	{{"NUL is valid UTF-8", BYTES("a\0b")}, 3},
	{{"é", BYTES("\xC3\xA9")}, 2},
	{{"euro", BYTES("\xE2\x82\xAC")}, 3},
	{{"emoji", BYTES("\xF0\x9F\x98\x80")}, 4},
	{{"U+10FFFF", BYTES("\xF4\x8F\xBF\xBF")}, 4},
	{{"U+FFFD", BYTES("x\xEF\xBF\xBD")}, 4},
	{{"overlong NUL C0 80", BYTES("a\xC0\x80")}, 1},
	{{"overlong C1 BF", BYTES("ab\xC1\xBF")}, 2},
	{{"overlong 3 bytes", BYTES("\xE0\x80\xAF")}, 0},
	{{"overlong 4 bytes", BYTES("\xF0\x80\x80\xAF")}, 0},
	{{"surrogate ED A0 80", BYTES("ab\xED\xA0\x80")}, 2},
	{{"surrogate ED BF BF", BYTES("\xED\xBF\xBF")}, 0},
	{{"F5 lead byte", BYTES("\xF5\x80\x80\x80")}, 0},
	{{"above U+10FFFF", BYTES("\xF4\x90\x80\x80")}, 0},
	{{"FF byte", BYTES("\xC3\xA9\xFF")}, 2},
	{{"lone continuation", BYTES("a\x80")}, 1},
	{{"truncated 2 bytes", BYTES("ab\xC3")}, 2},
	{{"truncated 3 bytes", BYTES("ab\xE2\x82")}, 2},
	{{"truncated 4 bytes", BYTES("\xF0\x9F\x98")}, 0},
	{{"missing continuation", BYTES("\xC3" "a")}, 0},
	{{"cp1252 é", BYTES("caf\xE9\n")}, 3},
};

START_TEST(test_utf8_invalid_offset)
{
	size_t got = decode_utf8_invalid_offset(utf8_cases[_i].in.bytes, utf8_cases[_i].in.len);

	ck_assert_msg(got == utf8_cases[_i].expected,
				  "decode_utf8_invalid_offset(%s) gave %zu, expected %zu",
				  utf8_cases[_i].in.name, got, utf8_cases[_i].expected);
}
END_TEST

/* decode_cp1252_to_utf8 */

static const struct
{
	BytesCase in;
	bool ok;
	const char *expected;		/* UTF-8 output when ok */
	size_t bad_offset;			/* when not ok */
}			cp1252_cases[] = {
	{{"ASCII", BYTES("Dupont;12,5\n")}, true, "Dupont;12,5\n", 0},
	{{"empty", BYTES("")}, true, "", 0},
	{{"é", BYTES("\xE9")}, true, "\xC3\xA9", 0},
	{{"è", BYTES("\xE8")}, true, "\xC3\xA8", 0},
	{{"à", BYTES("\xE0")}, true, "\xC3\xA0", 0},
	{{"ç", BYTES("\xE7")}, true, "\xC3\xA7", 0},
	{{"œ", BYTES("\x9C")}, true, "\xC5\x93", 0},
	{{"Œ", BYTES("\x8C")}, true, "\xC5\x92", 0},
	{{"€", BYTES("\x80")}, true, "\xE2\x82\xAC", 0},
	{{"’", BYTES("\x92")}, true, "\xE2\x80\x99", 0},
	{{"…", BYTES("\x85")}, true, "\xE2\x80\xA6", 0},
	{{"Ÿ", BYTES("\x9F")}, true, "\xC5\xB8", 0},
	{{"no-break space", BYTES("\xA0")}, true, "\xC2\xA0", 0},
	{{"ÿ", BYTES("\xFF")}, true, "\xC3\xBF", 0},
	{{"été", BYTES("\xE9t\xE9")}, true, "\xC3\xA9t\xC3\xA9", 0},
	{{"sentence", BYTES("L\x92\x9C" "uvre co\xFBte 12 \x80")}, true,
	 "L\xE2\x80\x99\xC5\x93uvre co\xC3\xBBte 12 \xE2\x82\xAC", 0},
	{{"undefined 0x81", BYTES("ab\x81")}, false, NULL, 2},
	{{"undefined 0x8D", BYTES("\x8D")}, false, NULL, 0},
	{{"undefined 0x8F", BYTES("\xE9\x8F")}, false, NULL, 1},
	{{"undefined 0x90", BYTES("abc\x90" "def")}, false, NULL, 3},
	{{"undefined 0x9D", BYTES("x\x9D")}, false, NULL, 1},
};

START_TEST(test_cp1252_to_utf8)
{
	StrBuf out = {0};
	size_t bad = (size_t) -1;
	bool got;

	/* output is appended: what was there stays */
	ck_assert(strbuf_puts(&out, ">"));
	got = decode_cp1252_to_utf8(cp1252_cases[_i].in.bytes, cp1252_cases[_i].in.len, &out, &bad);
	if (cp1252_cases[_i].ok)
	{
		ck_assert_msg(got, "decode_cp1252_to_utf8(%s) failed", cp1252_cases[_i].in.name);
		ck_assert_ptr_nonnull(out.data);
		ck_assert_int_eq(out.len, strlen(cp1252_cases[_i].expected) + 1);
		ck_assert_int_eq(out.data[0], '>');
		ck_assert_msg(memcmp(out.data + 1, cp1252_cases[_i].expected, out.len - 1) == 0,
					  "decode_cp1252_to_utf8(%s) gave \"%s\"", cp1252_cases[_i].in.name,
					  out.data + 1);
		ck_assert_int_eq(out.data[out.len], '\0');
	}
	else
	{
		ck_assert_msg(!got, "decode_cp1252_to_utf8(%s) accepted an undefined byte",
					  cp1252_cases[_i].in.name);
		ck_assert_msg(bad == cp1252_cases[_i].bad_offset,
					  "decode_cp1252_to_utf8(%s) bad_offset %zu, expected %zu",
					  cp1252_cases[_i].in.name, bad, cp1252_cases[_i].bad_offset);
	}
	strbuf_free(&out);
}
END_TEST

/* Every byte that Windows-1252 defines converts to valid UTF-8. */
START_TEST(test_cp1252_all_bytes)
{
	static const unsigned char undefined[] = {0x81, 0x8D, 0x8F, 0x90, 0x9D};

	for (int b = 0; b < 256; b++)
	{
		char byte = (char) b;
		StrBuf out = {0};
		size_t bad = (size_t) -1;
		bool expect_ok = memchr(undefined, b, sizeof(undefined)) == NULL;
		bool got = decode_cp1252_to_utf8(&byte, 1, &out, &bad);

		ck_assert_msg(got == expect_ok, "byte 0x%02X: conversion %s", (unsigned) b,
					  got ? "succeeded" : "failed");
		if (got)
		{
			ck_assert_msg(out.len >= 1 && out.len <= 3, "byte 0x%02X: %zu UTF-8 bytes",
						  (unsigned) b, out.len);
			ck_assert_msg(decode_utf8_invalid_offset(out.data, out.len) == out.len,
						  "byte 0x%02X: invalid UTF-8 produced", (unsigned) b);
		}
		else
			ck_assert_int_eq(bad, 0);
		strbuf_free(&out);
	}
}
END_TEST

static Suite *
decode_suite(void)
{
	Suite *s = suite_create("decode");
	TCase *tc = tcase_create("decode");

	tcase_add_loop_test(tc, test_detect, 0, NCASES(detect_cases));
	tcase_add_test(tc, test_encoding_name);
	tcase_add_loop_test(tc, test_bom_length, 0, NCASES(bom_cases));
	tcase_add_loop_test(tc, test_utf8_invalid_offset, 0, NCASES(utf8_cases));
	tcase_add_loop_test(tc, test_cp1252_to_utf8, 0, NCASES(cp1252_cases));
	tcase_add_test(tc, test_cp1252_all_bytes);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *runner = srunner_create(decode_suite());

	srunner_run_all(runner, CK_NORMAL);

	int failed = srunner_ntests_failed(runner);

	srunner_free(runner);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
