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
#include <sys/wait.h>
#include <unistd.h>

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

/*
 * A stand-in for a server program, first in PATH: it notes its environment, the mode
 * and path of the password file it was given and a copy of it, then runs the real one.
 */
static void
fake_tool(const char *name)
{
	char path[PATH_MAX], dir[PATH_MAX];
	FILE *out;

	ck_assert_ptr_nonnull(realpath(DIR, dir));
	snprintf(path, sizeof(path), DIR "/bin/%s", name);
	ck_assert_int_eq(system("mkdir -p " DIR "/bin"), 0);
	out = fopen(path, "w");
	ck_assert_ptr_nonnull(out);
	fprintf(out, "#!/bin/sh\n"
			"tr '\\0' '\\n' < /proc/$$/environ > %s/%s.env\n"
			"stat -c %%a \"$PGPASSFILE\" > %s/%s.mode\n"
			"cp \"$PGPASSFILE\" %s/%s.pgpass\n"
			"exec %s/%s \"$@\"\n",
			dir, name, dir, name, dir, name, testdb_cluster()->bindir, name);
	ck_assert_int_eq(fclose(out), 0);
	ck_assert_int_eq(chmod(path, 0700), 0);
}

/* What the stand-in for name noted: no password in its environment, a 0600 password file
 * holding the password escaped, gone now. */
static void
assert_tool_had_password_file(const char *name, const char *escaped)
{
	char path[PATH_MAX], line[PATH_MAX + 32];
	char *text;

	snprintf(path, sizeof(path), DIR "/%s.env", name);
	text = testdb_read_file(path, NULL);
	ck_assert_msg(strstr(text, "Secr3t") == NULL, "mot de passe dans l'environnement de %s", name);
	ck_assert_msg(strstr(text, "PGPASSWORD") == NULL, "PGPASSWORD transmis à %s", name);

	char *passfile = strstr(text, "\nPGPASSFILE=");

	ck_assert_ptr_nonnull(passfile);
	passfile += strlen("\nPGPASSFILE=");
	passfile[strcspn(passfile, "\n")] = '\0';
	ck_assert_msg(access(passfile, F_OK) != 0, "%s reste après %s", passfile, name);
	free(text);

	snprintf(path, sizeof(path), DIR "/%s.mode", name);
	text = testdb_read_file(path, NULL);
	ck_assert_str_eq(text, "600\n");
	free(text);
	snprintf(path, sizeof(path), DIR "/%s.pgpass", name);
	text = testdb_read_file(path, NULL);
	snprintf(line, sizeof(line), "*:*:*:*:%s\n", escaped);
	ck_assert_str_eq(text, line);
	free(text);
}

/*
 * Runs clause ARGS with --db on dbname as test_role_sauvegarde, with the stand-ins first
 * in PATH and a wrong PGPASSWORD of the operator's. The --db value reaches clause through
 * its argv only (env -u drops the variable that carries it to the shell).
 */
static int
run_as_password_role(const char *dbname, const char *args)
{
	char conninfo[PATH_MAX * 2], db_arg[PATH_MAX * 3], command[PATH_MAX * 2];

	cluster_conninfo(testdb_cluster(), dbname, conninfo, sizeof(conninfo));
	snprintf(db_arg, sizeof(db_arg), "%s user=test_role_sauvegarde password='Sauve:garde\\\\45-Secr3t'",
			 conninfo);
	ck_assert_int_eq(setenv("CLAUSE_TEST_DB", db_arg, 1), 0);
	snprintf(command, sizeof(command), "env -u CLAUSE_TEST_DB PATH=" DIR "/bin:$PATH PGPASSWORD=Autre-Env-45 "
			 "%s -q --db \"$CLAUSE_TEST_DB\" %s >/dev/null 2>&1", testdb_clause_bin(), args);

	int status = system(command);

	unsetenv("CLAUSE_TEST_DB");
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/*
 * An external server (--db) with a password-only (scram) role: pg_dump and pg_restore
 * log in through a password file, whatever PGPASSWORD the operator has; the password,
 * with the characters libpq's format escapes, is never in their environment.
 */
START_TEST(test_backup_password_file)
{
	char before[4096], after[4096];

	testdb_import_referential(RULES);
	figures_of(CLUSTER_DATABASE, before, sizeof(before));
	ck_assert(db_exec(testdb(), "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = "
					  "'test_role_sauvegarde') THEN CREATE ROLE test_role_sauvegarde LOGIN SUPERUSER; "
					  "END IF; END $$"));
	ck_assert(db_set_role_password(testdb(), "test_role_sauvegarde", "Sauve:garde\\45-Secr3t"));
	fake_tool("pg_dump");
	fake_tool("pg_restore");

	ck_assert_int_eq(run_as_password_role(CLUSTER_DATABASE, "db sauvegarde " DIR "/p.dump"), 0);
	assert_tool_had_password_file("pg_dump", "Sauve\\:garde\\\\45-Secr3t");
	ck_assert_int_eq(run_as_password_role("clause_restaure", "db restaure " DIR "/p.dump"), 0);
	assert_tool_had_password_file("pg_restore", "Sauve\\:garde\\\\45-Secr3t");
	figures_of("clause_restaure", after, sizeof(after));
	ck_assert_str_eq(after, before);

	/* the superuser made for the test goes, with what it restored */
	ck_assert(db_exec(testdb(), "DROP DATABASE clause_restaure"));
	ck_assert(db_exec(testdb(), "DROP ROLE test_role_sauvegarde"));
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
	tcase_add_test(tc, test_backup_password_file);
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
