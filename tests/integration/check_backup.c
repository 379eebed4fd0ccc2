/*
 * Backups (issue #12): clause db sauvegarde writes a private dump with its control
 * figures and SHA-256; clause db restaure brings back the same figures into an empty
 * database, and refuses a non-empty one or an altered file.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "src/lib/log.h"
#include "testdb.h"

#define RULES "tests/data/rules"
#define DIR "tests/tmp/sauvegarde"

/* Credited hours by fiche, and the rows of the main tables, as one line of text. */
static const char FIGURES_SQL[] =
	"SELECT coalesce((SELECT string_agg(fiche || '=' || h, ',' ORDER BY fiche) FROM "
	"        (SELECT fiche, sum(heures_total) AS h FROM clause.v_ligne WHERE credite GROUP BY fiche) f), '') "
	"       || ' lignes=' || (SELECT count(*) FROM clause.ligne_heures) "
	"       || ' participants=' || (SELECT count(*) FROM clause.participant) "
	"       || ' rejets=' || (SELECT count(*) FROM clause.rejet) "
	"       || ' lots=' || (SELECT count(*) FROM clause.lot_import)";

static void
figures_of(const char *dbname, char *out, size_t outsize)
{
	char conninfo[PATH_MAX * 2];
	Db db = {0};
	bool isnull = true;

	cluster_conninfo(testdb_cluster(), dbname, conninfo, sizeof(conninfo));
	ck_assert(db_connect(&db, conninfo));
	ck_assert(db_query_value(&db, FIGURES_SQL, 0, NULL, out, outsize, &isnull));
	ck_assert(!isnull);
	db_close(&db);
}

static int
restore_into(const char *dbname, const char *file)
{
	char conninfo[PATH_MAX * 2], command[PATH_MAX * 3];

	cluster_conninfo(testdb_cluster(), dbname, conninfo, sizeof(conninfo));
	snprintf(command, sizeof(command), "--db \"%s\" db restaure %s", conninfo, file);
	return testdb_run(command);
}

static void
backup_setup(void)
{
	testdb_setup();
	mkdir("tests/tmp", 0755);
	ck_assert_int_eq(system("rm -rf " DIR " && mkdir -p " DIR), 0);
	ck_assert(db_exec(testdb(), "DROP DATABASE IF EXISTS clause_restaure"));
	ck_assert(db_exec(testdb(), "DROP DATABASE IF EXISTS clause_restaure_2"));
	ck_assert(db_exec(testdb(), "CREATE DATABASE clause_restaure"));
	ck_assert(db_exec(testdb(), "CREATE DATABASE clause_restaure_2"));
}

static void
backup_teardown(void)
{
	db_exec(testdb(), "DROP DATABASE IF EXISTS clause_restaure");
	db_exec(testdb(), "DROP DATABASE IF EXISTS clause_restaure_2");
	testdb_teardown();
}

START_TEST(test_backup_then_restore)
{
	char before[4096], after[4096];
	struct stat st;

	testdb_import_referential(RULES);
	ck_assert_int_eq(testdb_import("heures", RULES "/heures_lot1.csv", false, NULL), IMPORT_ROWS_REJECTED);
	figures_of(CLUSTER_DATABASE, before, sizeof(before));
	/* by hand from heures_lot1.csv: 17 lines kept, 7 rejected, seven files */
	ck_assert_ptr_nonnull(strstr(before, " lignes=17 "));
	ck_assert_ptr_nonnull(strstr(before, " rejets=7 "));
	ck_assert_ptr_nonnull(strstr(before, " lots=7"));

	ck_assert_int_eq(testdb_run("db sauvegarde " DIR "/b.dump"), 0);
	ck_assert_int_eq(stat(DIR "/b.dump", &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	ck_assert_int_eq(system("cd " DIR " && sha256sum --quiet -c b.dump.sha256"), 0);
	/* a backup never replaces another */
	ck_assert_int_ne(testdb_run("db sauvegarde " DIR "/b.dump"), 0);

	ck_assert_int_eq(restore_into("clause_restaure", DIR "/b.dump"), 0);
	figures_of("clause_restaure", after, sizeof(after));
	ck_assert_str_eq(after, before);

	/* the restored database is not empty any more: a second restore is refused */
	ck_assert_int_ne(restore_into("clause_restaure", DIR "/b.dump"), 0);
	figures_of("clause_restaure", after, sizeof(after));
	ck_assert_str_eq(after, before);
}
END_TEST

START_TEST(test_altered_backup_refused)
{
	char figures[4096];

	testdb_import_referential(RULES);
	ck_assert_int_eq(testdb_run("db sauvegarde " DIR "/c.dump"), 0);
	ck_assert_int_eq(system("printf x >> " DIR "/c.dump"), 0);
	ck_assert_int_ne(restore_into("clause_restaure_2", DIR "/c.dump"), 0);
	figures_of("clause_restaure_2", figures, sizeof(figures));
	ck_assert_ptr_nonnull(strstr(figures, " lots=0"));

	/* a control file made to agree with a different database is caught after restore */
	ck_assert_int_eq(testdb_run("db sauvegarde " DIR "/d.dump"), 0);
	ck_assert_int_eq(system("cd " DIR " && sed -i 's/^table\\tdonneur\\t.*/table\\tdonneur\\t99/' d.dump.controle && "
							"sha256sum d.dump d.dump.controle > d.dump.sha256"), 0);
	ck_assert_int_ne(restore_into("clause_restaure_2", DIR "/d.dump"), 0);
}
END_TEST

static Suite *
backup_suite(void)
{
	Suite *suite = suite_create("backup");
	TCase *tc = tcase_create("backup");

	tcase_set_timeout(tc, 120);
	tcase_add_checked_fixture(tc, backup_setup, backup_teardown);
	tcase_add_test(tc, test_backup_then_restore);
	tcase_add_test(tc, test_altered_backup_refused);
	suite_add_tcase(suite, tc);
	return suite;
}

int
main(void)
{
	SRunner *runner = srunner_create(backup_suite());

	srunner_run_all(runner, CK_NORMAL);

	int failed = srunner_ntests_failed(runner);

	srunner_free(runner);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
