/*
 * Unit tests for src/lib/suggest.c (closest known ids, case ignored) and the label wrapping
 * of src/lib/format.c, each from a table of cases.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "src/lib/format.h"
#include "src/lib/suggest.h"

#define NCASES(array) ((int) (sizeof(array) / sizeof((array)[0])))

static const struct
{
	const char *a;
	const char *b;
	int distance;
} DISTANCE_CASES[] = {
	{"bm", "BM", 0},
	{"", "abc", 3},
	{"kitten", "sitting", 3},
	{"OP-A", "op-b", 1},
	{"bordeau", "bordeaux", 1},
	{"MA1", "MA1", 0},
};

START_TEST(test_distance)
{
	ck_assert_int_eq(suggest_distance(DISTANCE_CASES[_i].a, DISTANCE_CASES[_i].b), DISTANCE_CASES[_i].distance);
}
END_TEST

static const struct
{
	const char *unknown;
	const char *known[8];
	const char *expected;
} SUGGEST_CASES[] = {
	{"bm", {"BM", "GP", "VILLE-BDX", NULL}, " ; vouliez-vous dire « BM » ?"},
	{"OP-Z", {"OP-A", "OP-B", "OP-X", "OP-Y", NULL}, " ; vouliez-vous dire « OP-A », « OP-B » ou « OP-X » ?"},
	{"bordeau", {"agenais", "bordeaux", "sources", NULL}, " ; vouliez-vous dire « bordeaux » ?"},
	{"bord", {"agenais", "bordeaux", "sources", NULL}, " ; vouliez-vous dire « bordeaux » ?"},	/* a prefix */
	{"zzzzzz", {"BM", "GP", NULL}, ""},
	{"ma1", {"MA1", "MA2", "MB1", NULL}, " ; vouliez-vous dire « MA1 » ?"},	/* the exact one, not the near */
};

START_TEST(test_suggest)
{
	Suggestions s = {.best = -1};
	char text[256];

	for (int i = 0; SUGGEST_CASES[_i].known[i]; i++)
		suggest_offer(&s, SUGGEST_CASES[_i].unknown, SUGGEST_CASES[_i].known[i]);
	suggest_text(&s, text, sizeof(text));
	ck_assert_str_eq(text, SUGGEST_CASES[_i].expected);
}
END_TEST

static const struct
{
	const char *text;
	int width;
	const char *lines;			/* the lines, each ended by | */
} WRAP_CASES[] = {
	{"Nombre d'entreprises et/ou partenaires visités ou rencontrés", 34,
		"Nombre d'entreprises et/ou|partenaires visités ou rencontrés|"},
	{"court", 34, "court|"},
	{"", 10, "|"},
	{"éàèùâêîôûç éàèùâêîôûç", 10, "éàèùâêîôûç|éàèùâêîôûç|"},	/* characters, not bytes */
	{"abcdefghijklmnop", 6, "abcdef|ghijkl|mnop|"},	/* a word longer than the line is cut */
	{"un  deux", 4, "un|deux|"},
};

START_TEST(test_wrap)
{
	char lines[512] = "";
	const char *rest = WRAP_CASES[_i].text;

	do
	{
		const char *next;
		size_t length = format_wrap_line(rest, WRAP_CASES[_i].width, &next);

		strncat(lines, rest, length);
		strcat(lines, "|");
		rest = next;
	} while (*rest);
	ck_assert_str_eq(lines, WRAP_CASES[_i].lines);
}
END_TEST

static Suite *
suggest_suite(void)
{
	Suite *suite = suite_create("suggest");
	TCase *tc = tcase_create("cases");

	tcase_add_loop_test(tc, test_distance, 0, NCASES(DISTANCE_CASES));
	tcase_add_loop_test(tc, test_suggest, 0, NCASES(SUGGEST_CASES));
	tcase_add_loop_test(tc, test_wrap, 0, NCASES(WRAP_CASES));
	suite_add_tcase(suite, tc);
	return suite;
}

int
main(void)
{
	SRunner *runner = srunner_create(suggest_suite());

	srunner_run_all(runner, CK_NORMAL);

	int failed = srunner_ntests_failed(runner);

	srunner_free(runner);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
