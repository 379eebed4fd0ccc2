/*
 * Crash safety and concurrency (issue #6): clause killed with SIGKILL during the COPY,
 * the merge and the attribution of a large import leaves the batch whole or absent, and
 * the next run gives the figures of an uninterrupted one; concurrent imports and a report
 * read during an import stay consistent.
 */
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testdb.h"

#define BIG "tests/tmp/fiabilite"
#define BIG_ROWS "200000"

static void
prepare_big_data(void)
{
	if (access(BIG "/heures.csv", R_OK) != 0)
		ck_assert_int_eq(system("build/gen_data --bench " BIG_ROWS " " BIG " >/dev/null"), 0);
	testdb_import_referential(BIG);
}

static const char *
figures(void)
{
	static char text[1024];

	snprintf(text, sizeof(text), "%s",
			 testdb_text("SELECT string_agg(m || ':' || n || ':' || h, ' ' ORDER BY m) FROM "
						 "(SELECT coalesce(motif, 'credite') AS m, count(*) AS n, sum(heures_total) AS h "
						 " FROM v_ligne GROUP BY 1) x"));
	return text;
}

/* Starts `clause ARGS...` in the background, tagged for pg_stat_activity. */
static pid_t
spawn_clause(const char *app, const char *arg1, const char *arg2, const char *arg3)
{
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0)
	{
		setenv("PGAPPNAME", app, 1);
		freopen("/dev/null", "w", stdout);
		freopen("/dev/null", "w", stderr);
		execl(testdb_clause_bin(), "clause", "-q", arg1, arg2, arg3, (char *) NULL);
		_exit(127);
	}
	return pid;
}

static int
wait_exit(pid_t pid)
{
	int status = 0;

	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
}

/* Waits until the killed client's server process has finished its statement. */
static void
wait_backend_gone(const char *app)
{
	char sql[256];

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM pg_stat_activity WHERE application_name = '%s'", app);
	for (int i = 0; i < 3000 && testdb_count(sql) > 0; i++)
		usleep(20000);
	ck_assert_int_eq(testdb_count(sql), 0);
}

typedef struct KillPoint
{
	const char *phase;
	const char *query_prefix;	/* what pg_stat_activity shows during that phase */
} KillPoint;

static const KillPoint KILL_POINTS[] = {
	{"COPY", "COPY clause.ligne_heures"},
	{"merge", "-- After a large timesheet batch"},	/* 200,000 lines: the bulk index rebuild */
	{"attribution", "-- Attribution"},
};

START_TEST(test_sigkill_leaves_batch_whole_or_absent)
{
	const KillPoint *point = &KILL_POINTS[_i];
	char reference[1024];

	prepare_big_data();
	/* the uninterrupted run, then a fresh start */
	ck_assert_int_eq(testdb_run("import heures " BIG "/heures.csv"), 0);
	snprintf(reference, sizeof(reference), "%s", figures());
	ck_assert(db_exec(testdb(), "TRUNCATE attribution, ligne_heures; DELETE FROM lot_import WHERE nature = 'heures'"));

	pid_t child = spawn_clause("clause-crash", "import", "heures", BIG "/heures.csv");
	char sql[512];
	bool killed = false;

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'clause-crash' "
			 "AND state = 'active' AND query LIKE '%s%%'", point->query_prefix);
	for (int i = 0; i < 6000 && !killed; i++)
	{
		if (testdb_count(sql) > 0)
		{
			kill(child, SIGKILL);
			killed = true;
		}
		else
			usleep(5000);
	}
	ck_assert_msg(killed, "phase %s jamais observée", point->phase);
	ck_assert_int_eq(wait_exit(child), -SIGKILL);
	wait_backend_gone("clause-crash");

	/* nothing of the batch is there */
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM lot_import WHERE nature = 'heures'"), 0);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM ligne_heures"), 0);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM attribution"), 0);
	/* what the killed import switched off or dropped for itself is back */
	ck_assert_str_eq(testdb_text("SELECT tgenabled FROM pg_trigger WHERE tgname = 'ligne_heures_references'"),
					 "O");
	/* pkey, two btree, two block-range, and the partial one of periods across a month's end */
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM pg_indexes WHERE tablename = 'ligne_heures'"), 6);
	/* the next run completes the work, with the same figures */
	ck_assert_int_eq(testdb_run("import heures " BIG "/heures.csv"), 0);
	ck_assert_str_eq(figures(), reference);
}
END_TEST

START_TEST(test_same_file_twice_at_once)
{
	testdb_import_referential_tolerant("data/sample");

	pid_t a = spawn_clause("clause-a", "import", "heures", "data/sample/heures_2021-01.csv");
	pid_t b = spawn_clause("clause-b", "import", "heures", "data/sample/heures_2021-01.csv");

	ck_assert_int_eq(wait_exit(a), 0);
	ck_assert_int_eq(wait_exit(b), 0);
	/* one loaded it, the other found it done */
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM lot_import WHERE fichier = 'heures_2021-01.csv'"), 1);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM ligne_heures"), 168);
}
END_TEST

START_TEST(test_two_files_at_once_attribution_consistent)
{
	testdb_import_referential_tolerant("data/sample");

	pid_t a = spawn_clause("clause-a", "import", "heures", "data/sample/heures_2021-01.csv");
	pid_t b = spawn_clause("clause-b", "import", "heures", "data/sample/heures_2021-03.csv");

	ck_assert_int_eq(wait_exit(a), 0);
	ck_assert_int_eq(wait_exit(b), 0);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM lot_import WHERE nature = 'heures'"), 2);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM ligne_heures"), 168 + 188);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM attribution"), 168 + 188);

	char concurrent[1024];

	snprintf(concurrent, sizeof(concurrent), "%s", figures());
	ck_assert_int_eq(testdb_run("attribute"), 0);
	ck_assert_str_eq(figures(), concurrent);
}
END_TEST

START_TEST(test_report_during_import_sees_before_or_after)
{
	char before[256], after[256], seen[64][256];
	int nseen = 0;

	prepare_big_data();
	snprintf(before, sizeof(before), "%s",
			 testdb_text("SELECT count(*) || ' ' || coalesce(sum(heures_total), 0) FROM v_ligne"));

	pid_t child = spawn_clause("clause-import", "import", "heures", BIG "/heures.csv");
	int status = -1;

	while (waitpid(child, &status, WNOHANG) == 0)
	{
		const char *now = testdb_text("SELECT count(*) || ' ' || coalesce(sum(heures_total), 0) FROM v_ligne");
		bool known = false;

		for (int i = 0; i < nseen; i++)
			known = known || strcmp(seen[i], now) == 0;
		if (!known && nseen < 64)
			snprintf(seen[nseen++], sizeof(seen[0]), "%s", now);
		usleep(20000);
	}
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	snprintf(after, sizeof(after), "%s",
			 testdb_text("SELECT count(*) || ' ' || coalesce(sum(heures_total), 0) FROM v_ligne"));
	ck_assert_str_ne(before, after);
	for (int i = 0; i < nseen; i++)
		ck_assert_msg(strcmp(seen[i], before) == 0 || strcmp(seen[i], after) == 0,
					  "état intermédiaire vu : %s (avant %s, après %s)", seen[i], before, after);
}
END_TEST

static Suite *
reliability_suite(void)
{
	Suite *suite = suite_create("reliability");
	TCase *crash = tcase_create("crash");
	TCase *concurrency = tcase_create("concurrency");

	tcase_set_timeout(crash, 300);
	tcase_add_checked_fixture(crash, testdb_setup, testdb_teardown);
	tcase_add_loop_test(crash, test_sigkill_leaves_batch_whole_or_absent, 0,
						sizeof(KILL_POINTS) / sizeof(KILL_POINTS[0]));
	suite_add_tcase(suite, crash);

	tcase_set_timeout(concurrency, 300);
	tcase_add_checked_fixture(concurrency, testdb_setup, testdb_teardown);
	tcase_add_test(concurrency, test_same_file_twice_at_once);
	tcase_add_test(concurrency, test_two_files_at_once_attribution_consistent);
	tcase_add_test(concurrency, test_report_during_import_sees_before_or_after);
	suite_add_tcase(suite, concurrency);
	return suite;
}

int
main(void)
{
	SRunner *runner = srunner_create(reliability_suite());

	srunner_run_all(runner, CK_NORMAL);

	int failed = srunner_ntests_failed(runner);

	srunner_free(runner);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
