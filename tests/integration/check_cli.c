/*
 * The command line as a user meets it: every command and subcommand, found from
 * `clause --help` down, answers --help with exit 0, its usage line, its own
 * subcommands (each walked in turn) and the common options.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/cli/cli.h"
#include "testdb.h"

#define HELP_OUTPUT_SIZE 16384
#define MAX_COMMANDS 64

typedef struct Walk
{
	int visited;
	char paths[MAX_COMMANDS][128];
} Walk;

/* The names listed under "Commandes :", up to the blank line that ends the list. */
static int
listed_subcommands(const char *help, char names[][32], int max)
{
	const char *list = strstr(help, "\nCommandes :\n");
	int count = 0;

	if (list == NULL)
		return 0;
	for (const char *line = list + strlen("\nCommandes :\n"); *line == ' ' && count < max;)
	{
		const char *end = strchr(line, '\n');

		ck_assert_msg(sscanf(line, " %31s", names[count]) == 1, "%s", help);
		count++;
		if (end == NULL)
			break;
		line = end + 1;
	}
	return count;
}

static void
walk_help(Walk *walk, const char *path)
{
	char command_line[160];
	char usage[160];
	char names[MAX_COMMANDS][32];
	char *help = malloc(HELP_OUTPUT_SIZE);

	ck_assert_ptr_nonnull(help);
	ck_assert_int_lt(walk->visited, MAX_COMMANDS);
	snprintf(walk->paths[walk->visited++], sizeof(walk->paths[0]), "%s", path);
	snprintf(command_line, sizeof(command_line), "%s --help", path);
	ck_assert_msg(testdb_run_output(command_line, help, HELP_OUTPUT_SIZE) == 0,
				  "clause %s --help: %s", path, help);
	snprintf(usage, sizeof(usage), "Usage : clause%s%s", *path ? " " : "", path);
	ck_assert_msg(strstr(help, usage) != NULL, "no « %s » in: %s", usage, help);
	ck_assert_msg(strstr(help, "Options communes :") != NULL, "%s", help);
	ck_assert_msg(strstr(help, "Codes de sortie :") != NULL, "%s", help);

	int count = listed_subcommands(help, names, MAX_COMMANDS);

	free(help);
	for (int i = 0; i < count; i++)
	{
		char sub[128] = "";

		ck_assert_uint_lt(strlen(path) + 1 + strlen(names[i]), sizeof(sub));
		if (*path)
		{
			strcat(sub, path);
			strcat(sub, " ");
		}
		strcat(sub, names[i]);
		walk_help(walk, sub);
	}
}

START_TEST(test_every_command_has_help)
{
	Walk *walk = calloc(1, sizeof(Walk));

	ck_assert_ptr_nonnull(walk);
	walk_help(walk, "");
	/* the walk reached the leaves, not only the top list */
	bool report_impact = false;
	bool db_start = false;

	for (int i = 0; i < walk->visited; i++)
	{
		report_impact = report_impact || strcmp(walk->paths[i], "report impact") == 0;
		db_start = db_start || strcmp(walk->paths[i], "db start") == 0;
	}
	ck_assert_msg(report_impact && db_start, "%d commands visited", walk->visited);
	ck_assert_int_ge(walk->visited, 30);
	free(walk);
}
END_TEST

/* An unknown command is a usage error (exit 1) that names it and points to --help. */
START_TEST(test_unknown_command_is_usage_error)
{
	char out[4096];

	ck_assert_int_eq(testdb_run_output("report impcat", out, sizeof(out)), 1);
	ck_assert_msg(strstr(out, "impcat") != NULL && strstr(out, "--help") != NULL, "%s", out);
}
END_TEST

static int
compare_codes(const void *a, const void *b)
{
	return strcmp(*(const char *const *) a, *(const char *const *) b);
}

/* The one PLIE list of the help texts is the catalogue's, code for code. */
START_TEST(test_help_plie_codes_are_the_catalogue)
{
	char list[] = CLI_PLIE_CODES;
	char *codes[16];
	int count = 0;
	char joined[512] = "";

	for (char *code = strtok(list, ", \n"); code; code = strtok(NULL, ", \n"))
	{
		ck_assert_int_lt(count, 16);
		codes[count++] = code;
	}
	qsort(codes, (size_t) count, sizeof(codes[0]), compare_codes);
	for (int i = 0; i < count; i++)
	{
		if (i > 0)
			strcat(joined, ",");
		strcat(joined, codes[i]);
	}
	ck_assert_str_eq(joined, testdb_text("SELECT string_agg(code, ',' ORDER BY code COLLATE \"C\") "
										 "FROM clause.plie"));
}
END_TEST

static Suite *
cli_suite(void)
{
	Suite *s = suite_create("cli");
	TCase *tc = tcase_create("cli");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_every_command_has_help);
	tcase_add_test(tc, test_unknown_command_is_usage_error);
	suite_add_tcase(s, tc);

	TCase *catalogue = tcase_create("catalogue");

	tcase_set_timeout(catalogue, 120);
	tcase_add_checked_fixture(catalogue, testdb_setup, testdb_teardown);
	tcase_add_test(catalogue, test_help_plie_codes_are_the_catalogue);
	suite_add_tcase(s, catalogue);
	return s;
}

int
main(void)
{
	SRunner *runner = srunner_create(cli_suite());

	srunner_run_all(runner, CK_NORMAL);

	int failed = srunner_ntests_failed(runner);

	srunner_free(runner);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
