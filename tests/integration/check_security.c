/*
 * Access per reader and data protection (issue #6): roles of donneurs d'ordre and of
 * facilitateurs try to read what they must not and fail; pseudonymised exports; no
 * password in any output.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "src/lib/log.h"
#include "testdb.h"

#define RULES "tests/data/rules"

static void
load_rules_with_roles(void)
{
	testdb_import_referential(RULES);
	ck_assert_int_eq(testdb_import("heures", RULES "/heures_lot1.csv", false, NULL), IMPORT_ROWS_REJECTED);
	ck_assert_int_eq(testdb_run("role donneur BM test_role_bm"), 0);
	ck_assert_int_eq(testdb_run("role donneur GP test_role_gp"), 0);
	ck_assert_int_eq(testdb_run("role facilitateur bordeaux test_role_fac_bdx"), 0);
}

typedef struct AccessCase
{
	const char *role;
	const char *sql;
	const char *expected;
} AccessCase;

static const AccessCase ACCESS_CASES[] = {
	/* a donneur d'ordre sees its own opérations and marchés, nothing of the others' */
	{"test_role_bm", "SELECT string_agg(id, ',' ORDER BY id) FROM clause.operation", "OP-BDX-2,OP-PESSAC"},
	{"test_role_bm", "SELECT string_agg(id, ',' ORDER BY id) FROM clause.marche", "M2,M6"},
	{"test_role_bm", "SELECT string_agg(id, ',' ORDER BY id) FROM clause.donneur", "BM"},
	{"test_role_bm", "SELECT count(*) FROM clause.operation WHERE donneur_id = 'GP'", "0"},
	{"test_role_gp", "SELECT string_agg(id, ',' ORDER BY id) FROM clause.marche", "M4,M5"},
	/* never a participant, a line, a rejected row, nor another donneur's impact */
	{"test_role_bm", "SELECT count(*) FROM clause.participant", "ERREUR 42501"},
	{"test_role_bm", "SELECT count(*) FROM clause.ligne_heures", "ERREUR 42501"},
	{"test_role_bm", "SELECT count(*) FROM clause.attribution", "ERREUR 42501"},
	{"test_role_bm", "SELECT count(*) FROM clause.rejet", "ERREUR 42501"},
	{"test_role_bm", "SELECT count(*) FROM clause.v_ligne", "ERREUR 42501"},
	{"test_role_bm", "SELECT count(*) FROM clause.impact('GP')", "ERREUR 42501"},
	{"test_role_bm", "SELECT count(*) FROM clause.acces_role", "ERREUR 42501"},
	{"test_role_bm", "DELETE FROM clause.marche", "ERREUR 42501"},
	/* its own aggregated impact: BM's marché M2 has 20 h (P1, hors période) … credited 0 */
	{"test_role_bm", "SELECT count(*) > 0 FROM clause.mon_impact()", "t"},
	{"test_role_bm", "SELECT count(*) FROM clause.mon_impact() WHERE groupe_id IN ('M4', 'M5', 'OP-GP-1')", "0"},
	{"test_role_gp", "SELECT valeur FROM clause.mon_impact() WHERE niveau = 'total' AND cle = 'heures_realisees'",
	 "130.00"},	/* P4 January 120 h + P1 April 10 h; P4 February is over the ceiling */
	/* a facilitateur sees its PLIE: opérations by territory or named fiche */
	{"test_role_fac_bdx", "SELECT string_agg(id, ',' ORDER BY id) FROM clause.operation", "OP-BDX-1,OP-BDX-2,OP-PESSAC"},
	{"test_role_fac_bdx", "SELECT string_agg(DISTINCT marche_id, ',' ORDER BY marche_id) FROM clause.ligne_heures",
	 "M1,M2,M6"},
	{"test_role_fac_bdx", "SELECT count(*) FROM clause.v_ligne WHERE marche_id IN ('M3', 'M4', 'M5')", "0"},
	/* a month's table of lines is read through ligne_heures only, whose policy filters */
	{"test_role_fac_bdx", "SELECT count(*) FROM clause.ligne_heures_2021_01", "ERREUR 42501"},
	{"test_role_fac_bdx", "SELECT count(*) FROM clause.ligne_heures_autres", "ERREUR 42501"},
	{"test_role_bm", "SELECT count(*) FROM clause.ligne_heures_2021_01", "ERREUR 42501"},
	/* and only a user who may add lines makes one */
	{"test_role_fac_bdx", "SELECT clause.ligne_heures_mois_table('2030-01-01')", "ERREUR 42501"},
	{"test_role_fac_bdx", "SELECT string_agg(id, ',' ORDER BY id) FROM clause.convention", "C1,C2,C3"},
	{"test_role_fac_bdx", "SELECT count(*) FROM clause.mon_impact()", "ERREUR 42501"},
	{"test_role_fac_bdx", "UPDATE clause.participant SET nom = 'x'", "ERREUR 42501"},
};

START_TEST(test_reader_access)
{
	const AccessCase *c = &ACCESS_CASES[_i];

	load_rules_with_roles();
	ck_assert_str_eq(testdb_text_as(c->role, c->sql), c->expected);
}
END_TEST

START_TEST(test_role_errors)
{
	testdb_import_referential(RULES);
	ck_assert_int_eq(testdb_run("role donneur INCONNU test_role_x"), 1);
	ck_assert_int_eq(testdb_run("role facilitateur atlantide test_role_x"), 1);
	/* a role name with quotes is quoted, never executed */
	ck_assert_int_eq(testdb_run("role donneur BM 'test_role\"; DROP TABLE clause.marche; --'"), 0);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM marche"), 6);
}
END_TEST

/* Runs an export into a file and reads it back. */
static char *
export_to(const char *options, const char *path)
{
	static char text[65536];
	char command[1024];

	snprintf(command, sizeof(command), "export participants %s -o %s", options, path);
	ck_assert_int_eq(testdb_run(command), 0);

	FILE *in = fopen(path, "r");
	size_t n;

	ck_assert_ptr_nonnull(in);
	n = fread(text, 1, sizeof(text) - 1, in);
	text[n] = '\0';
	fclose(in);
	return text;
}

START_TEST(test_pseudonymised_export)
{
	char first[65536];

	testdb_import_referential(RULES);
	unlink("tests/tmp/cle-a.key");
	unlink("tests/tmp/cle-b.key");
	snprintf(first, sizeof(first), "%s", export_to("--pseudonymise --cle tests/tmp/cle-a.key", "tests/tmp/pseudo-1.csv"));

	/* no name, no id, no full birth date; the year and the commune only */
	ck_assert_ptr_null(strstr(first, "Martin"));
	ck_assert_ptr_null(strstr(first, "Léa"));
	ck_assert_ptr_null(strstr(first, "P1;"));
	ck_assert_ptr_null(strstr(first, "1990-05-01"));
	ck_assert_ptr_nonnull(strstr(first, "\xEF\xBB\xBFpseudonyme;annee_naissance;sexe;commune_insee;"));
	ck_assert_ptr_nonnull(strstr(first, ";1990;F;33063;oui;rsa|qpv;2021-01-10\r\n"));

	/* the key: created with mode 0600 */
	struct stat st;

	ck_assert_int_eq(stat("tests/tmp/cle-a.key", &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);

	/* same key, same pseudonyms: even after the participant's name was re-typed in capitals */
	ck_assert(db_exec(testdb(), "UPDATE participant SET nom = 'MARTIN', prenom = 'LEA' WHERE id = 'P1'"));
	ck_assert_str_eq(export_to("--pseudonymise --cle tests/tmp/cle-a.key", "tests/tmp/pseudo-2.csv"), first);

	/* another key: no pseudonym in common */
	char *other = export_to("--pseudonymise --cle tests/tmp/cle-b.key", "tests/tmp/pseudo-3.csv");

	for (char *p = strstr(first, "PS-"); p; p = strstr(p + 3, "PS-"))
	{
		char pseudonym[40];

		snprintf(pseudonym, sizeof(pseudonym), "%.35s", p);
		ck_assert_ptr_null(strstr(other, pseudonym));
	}

	/* a key others may read is refused */
	ck_assert_int_eq(chmod("tests/tmp/cle-a.key", 0644), 0);
	ck_assert_int_eq(testdb_run("export participants --pseudonymise --cle tests/tmp/cle-a.key -o tests/tmp/x.csv"), 1);
}
END_TEST

START_TEST(test_password_never_printed)
{
	char output[8192];

	/* a wrong server with a password: the error must not show it */
	ck_assert_int_ne(testdb_run_output("-vv --db 'host=/nonexistent port=5999 user=x password=Secr3t-P4ss' db status",
									   output, sizeof(output)), 0);
	ck_assert_ptr_nonnull(strstr(output, "connexion à PostgreSQL impossible"));
	ck_assert_ptr_null(strstr(output, "Secr3t-P4ss"));
	ck_assert_int_ne(testdb_run_output("--db 'postgresql://x:Secr3t-P4ss@/clause?host=/nonexistent' report progress",
									   output, sizeof(output)), 0);
	ck_assert_ptr_null(strstr(output, "Secr3t-P4ss"));
}
END_TEST

static Suite *
security_suite(void)
{
	Suite *suite = suite_create("security");
	TCase *tc = tcase_create("access");

	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, testdb_setup, testdb_teardown);
	tcase_add_loop_test(tc, test_reader_access, 0, sizeof(ACCESS_CASES) / sizeof(ACCESS_CASES[0]));
	tcase_add_test(tc, test_role_errors);
	tcase_add_test(tc, test_pseudonymised_export);
	tcase_add_test(tc, test_password_never_printed);
	suite_add_tcase(suite, tc);
	return suite;
}

int
main(void)
{
	SRunner *runner = srunner_create(security_suite());

	srunner_run_all(runner, CK_NORMAL);

	int failed = srunner_ntests_failed(runner);

	srunner_free(runner);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
