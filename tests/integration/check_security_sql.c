/*
 * Safe on a shared machine, the SQL and output half (issue #12): formulas neutralised in
 * CSV, log lines that input cannot forge, pinned search_path, row-level security of
 * facilitateurs, and the role command.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "importers/rejects_file.h"
#include "reports/format_csv.h"
#include "src/lib/log.h"
#include "src/lib/migrate.h"
#include "testdb.h"

#define RULES "tests/data/rules"
#define REPORTS_TMP "tests/tmp"

/* What a CSV writer printed for one value, in a static buffer. */
static const char *
csv_output(void (*write)(FILE *, const char *, bool), const char *value)
{
	static char text[256];
	FILE *out = tmpfile();
	size_t n;

	ck_assert_ptr_nonnull(out);
	write(out, value, true);
	rewind(out);
	n = fread(text, 1, sizeof(text) - 1, out);
	text[n] = '\0';
	fclose(out);
	return text;
}

typedef struct CsvCase
{
	const char *value;
	bool numeric;				/* written by csv_write_numeric_text, else as text */
	const char *expected;
} CsvCase;

static const CsvCase CSV_CASES[] = {
	/* text cells a spreadsheet would run: an apostrophe first */
	{"=HYPERLINK(\"http://x\";\"y\")", false, "\"'=HYPERLINK(\"\"http://x\"\";\"\"y\"\")\""},
	{"=1+1", false, "'=1+1"},
	{"+33 5 56", false, "'+33 5 56"},
	{"-2+3", false, "'-2+3"},
	{"@SUM(A1)", false, "'@SUM(A1)"},
	{"\tcmd", false, "'\tcmd"},
	{"\rcmd", false, "\"'\rcmd\""},
	/* ordinary text untouched, including a formula sign further in */
	{"Propreté des quais", false, "Propreté des quais"},
	{"a=b", false, "a=b"},
	{"", false, ""},
	/* numbers clause writes as numbers stay numbers, negative ones too */
	{"-12.50", true, "-12,50"},
	{"-3", true, "-3"},
	{"42", true, "42"},
	/* a "numeric" column holding text is text */
	{"-inf", true, "'-inf"},
	{"=1+1", true, "'=1+1"},
};

START_TEST(test_csv_cells_neutralised)
{
	const CsvCase *c = &CSV_CASES[_i];

	ck_assert_str_eq(csv_output(c->numeric ? csv_write_numeric_text : csv_write_field, c->value),
					 c->expected);
}
END_TEST

static const char *
csv_number_output(double value)
{
	static char text[64];
	FILE *out = tmpfile();
	size_t n;

	ck_assert_ptr_nonnull(out);
	csv_write_number(out, value, 2, true);
	rewind(out);
	n = fread(text, 1, sizeof(text) - 1, out);
	text[n] = '\0';
	fclose(out);
	return text;
}

START_TEST(test_csv_negative_number)
{
	ck_assert_str_eq(csv_number_output(-7.25), "-7,25");
}
END_TEST

/* An opération named like a formula comes out as text in the CSV tableau d'impact. */
START_TEST(test_impact_csv_formula_name)
{
	testdb_import_referential(RULES);
	ck_assert_int_eq(testdb_import("heures", RULES "/heures_lot1.csv", false, NULL), IMPORT_ROWS_REJECTED);
	ck_assert(db_exec(testdb(), "UPDATE operation SET nom = '=HYPERLINK(\"http://evil\",\"x\")' "
					  "WHERE id = 'OP-BDX-2'"));
	ck_assert(db_exec(testdb(), "UPDATE marche SET intitule = '@SUM(1+1)' WHERE id = 'M2'"));
	ck_assert_int_eq(testdb_run("report impact --donneur BM --format csv -o " REPORTS_TMP "/impact-formule.csv"), 0);

	char *csv = testdb_read_file(REPORTS_TMP "/impact-formule.csv", NULL);

	ck_assert_ptr_nonnull(strstr(csv, ";\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\";"));
	ck_assert_ptr_null(strstr(csv, ";=HYPERLINK"));
	ck_assert_ptr_null(strstr(csv, ";\"=HYPERLINK"));
	free(csv);
}
END_TEST

/* A rejected row sent back for correction: its formula cells are neutralised too. */
START_TEST(test_rejects_csv_formula)
{
	FILE *in = fopen(REPORTS_TMP "/participants-formule.csv", "w");

	ck_assert_ptr_nonnull(in);
	fputs("id,nom,prenom,date_naissance,sexe,commune_insee,qpv,criteres,date_eligibilite\n"
		  "=cmd|' /C calc'!A0,\"@Martin\",Léa,pas-une-date,F,33063,oui,rsa,2021-01-10\n", in);
	fclose(in);
	ImportResult result = {0};

	ck_assert_int_eq(testdb_import("participants", REPORTS_TMP "/participants-formule.csv", false, &result),
					 IMPORT_ROWS_REJECTED);
	ck_assert(rejects_file_write(testdb(), REPORTS_TMP "/participants-formule.csv", &result,
								 REPORTS_TMP "/rejets-formule.csv"));

	char *csv = testdb_read_file(REPORTS_TMP "/rejets-formule.csv", NULL);

	ck_assert_ptr_nonnull(csv);
	ck_assert_ptr_nonnull(strstr(csv, "\n'=cmd|' /C calc'!A0,'@Martin,Léa,"));
	ck_assert_ptr_null(strstr(csv, "\n=cmd"));
	free(csv);
}
END_TEST

/* A file name with a line break cannot forge a line of the log. */
START_TEST(test_log_escapes_newlines)
{
	char output[4096];

	ck_assert_int_ne(testdb_run_output("import heures \"$(printf '" REPORTS_TMP "/absent\\nclause: erreur : forgée.csv')\"",
									   output, sizeof(output)), 0);
	ck_assert_ptr_nonnull(strstr(output, "absent\\nclause: erreur : forgée.csv"));
	ck_assert_ptr_null(strstr(output, "\nclause: erreur : forgée"));
}
END_TEST

/* Every function of the schema runs with search_path = clause, pg_temp. */
START_TEST(test_functions_pin_search_path)
{
	ck_assert_int_ge(testdb_count("SELECT count(*) FROM pg_proc WHERE pronamespace = 'clause'::regnamespace"), 15);
	ck_assert_str_eq(testdb_text("SELECT coalesce(string_agg(proname, ','), 'aucune') FROM pg_proc "
								 "WHERE pronamespace = 'clause'::regnamespace AND prokind IN ('f', 'p') "
								 "AND NOT coalesce(proconfig @> ARRAY['search_path=clause, pg_temp'], false)"),
					 "aucune");
}
END_TEST

/* A session of clause does not search public. */
START_TEST(test_session_without_public)
{
	char output[4096];

	ck_assert(db_exec(testdb(), "CREATE TABLE IF NOT EXISTS public.chemin (valeur text)"));
	ck_assert(db_exec(testdb(), "TRUNCATE public.chemin"));
	ck_assert(db_exec(testdb(), "CREATE OR REPLACE FUNCTION public.clause_chemin() RETURNS trigger "
					  "LANGUAGE plpgsql AS $$ BEGIN INSERT INTO public.chemin "
					  "VALUES (current_setting('search_path')); RETURN NULL; END $$"));
	ck_assert(db_exec(testdb(), "CREATE TRIGGER chemin AFTER INSERT ON clause.lot_import "
					  "FOR EACH STATEMENT EXECUTE FUNCTION public.clause_chemin()"));
	ck_assert_int_eq(testdb_run_output("import donneurs " RULES "/donneurs.csv", output, sizeof(output)), 0);
	ck_assert_str_eq(testdb_text("SELECT string_agg(DISTINCT valeur, '|') FROM public.chemin"), "clause, pg_temp");
	ck_assert(db_exec(testdb(), "DROP FUNCTION public.clause_chemin() CASCADE; DROP TABLE public.chemin"));
}
END_TEST

/*
 * The attack of the issue: on a server whose public schema is writable (PostgreSQL 14
 * and before, simulated by a grant), a reader's role plants public.to_char(date, text),
 * a better match than pg_catalog's to_char(timestamptz, text) for the month labels of
 * impact(), to make itself superuser when the operator reports. It gains nothing.
 */
START_TEST(test_planted_function_never_runs)
{
	testdb_import_referential(RULES);
	ck_assert_int_eq(testdb_import("heures", RULES "/heures_lot1.csv", false, NULL), IMPORT_ROWS_REJECTED);
	ck_assert_int_eq(testdb_run("role donneur BM test_role_planteur"), 0);
	ck_assert(db_exec(testdb(), "GRANT CREATE ON SCHEMA public TO test_role_planteur"));

	Db db = {0};

	ck_assert(testdb_connect_as("test_role_planteur", &db));
	ck_assert(db_exec(&db, "CREATE OR REPLACE FUNCTION public.to_char(date, text) RETURNS text "
					  "LANGUAGE plpgsql AS $$ BEGIN ALTER ROLE test_role_planteur SUPERUSER; "
					  "RETURN '2021-01'; END $$"));
	ck_assert(db_exec(&db, "CREATE OR REPLACE FUNCTION public.date_trunc(text, date) RETURNS date "
					  "LANGUAGE plpgsql AS $$ BEGIN ALTER ROLE test_role_planteur SUPERUSER; "
					  "RETURN $2; END $$"));
	db_close(&db);

	ck_assert_int_eq(testdb_run("report impact --donneur BM -o " REPORTS_TMP "/impact-piege.txt"), 0);
	ck_assert_int_eq(testdb_run("report impact --donneur BM --format csv -o " REPORTS_TMP "/impact-piege.csv"), 0);
	ck_assert_int_eq(testdb_run("report suivi --plie bordeaux --mois 2021-03 -o " REPORTS_TMP "/suivi-piege.txt"), 0);
	ck_assert_int_eq(testdb_run("attribute"), 0);
	ck_assert_str_eq(testdb_text("SELECT rolsuper::text FROM pg_roles WHERE rolname = 'test_role_planteur'"), "false");
	/* the trap was armed: a session searching public (as clause's did) springs it */
	ck_assert(db_exec(testdb(), "SET search_path = clause, public"));
	ck_assert_str_eq(testdb_text("SELECT to_char(date '2021-03-01', 'YYYY-MM')"), "2021-01");
	ck_assert_str_eq(testdb_text("SELECT rolsuper::text FROM pg_roles WHERE rolname = 'test_role_planteur'"), "true");
	ck_assert(db_exec(testdb(), "ALTER ROLE test_role_planteur NOSUPERUSER"));
	ck_assert(db_exec(testdb(), "DROP FUNCTION public.to_char(date, text); DROP FUNCTION public.date_trunc(text, date); "
					  "REVOKE CREATE ON SCHEMA public FROM test_role_planteur"));
}
END_TEST

/* Migrating takes away the right of everyone to create in public (when it may). */
START_TEST(test_public_not_writable)
{
	ck_assert(db_exec(testdb(), "GRANT CREATE ON SCHEMA public TO PUBLIC"));
	ck_assert_str_eq(testdb_text("SELECT has_schema_privilege('public', 'public', 'CREATE')::text"), "true");
	ck_assert(db_exec(testdb(), "DELETE FROM clause.schema_migration WHERE nom LIKE 'migrations/0035%'"));
	ck_assert(migrate_apply(testdb(), false));
	ck_assert_str_eq(testdb_text("SELECT has_schema_privilege('public', 'public', 'CREATE')::text"), "false");
}
END_TEST

static void
write_file(const char *path, const char *text)
{
	FILE *out = fopen(path, "w");

	ck_assert_ptr_nonnull(out);
	fputs(text, out);
	ck_assert_int_eq(fclose(out), 0);
}

/*
 * The rules data set, plus what belongs to Grand Périgueux only: an entreprise imported
 * alone (attributaire of M4, OP-GP-1 names fiche GP2) and a file of hours on M4 alone.
 */
static void
load_two_plies(void)
{
	testdb_import_referential(RULES);
	ck_assert_int_eq(testdb_import("heures", RULES "/heures_lot1.csv", false, NULL), IMPORT_ROWS_REJECTED);
	write_file(REPORTS_TMP "/entreprise-gp.csv", "siret;raison_sociale;type\n24300009000007;Voirie du Périgord;entreprise\n");
	ck_assert_int_eq(testdb_import("entreprises", REPORTS_TMP "/entreprise-gp.csv", false, NULL), IMPORT_LOADED);
	ck_assert(db_exec(testdb(), "UPDATE marche SET attributaire_siret = '24300009000007' WHERE id = 'M4'"));
	write_file(REPORTS_TMP "/heures-gp.csv", "participant_id;employeur_siret;marche_id;mois;heures;heures_formation;"
			   "type_contrat;modalite\nP4;24300009000007;M4;2021-07;10;0;cddi;embauche_directe\n");
	ck_assert_int_eq(testdb_import("heures", REPORTS_TMP "/heures-gp.csv", false, NULL), IMPORT_LOADED);
	ck_assert_int_eq(testdb_run("role facilitateur bordeaux test_role_fac_bdx"), 0);
	ck_assert_int_eq(testdb_run("role facilitateur grand_perigueux test_role_fac_gp"), 0);
	/* every kept pair waiting as well (its months again: nothing changes), so that the
	 * waiting rows of both PLIEs are there to be hidden */
	ck_assert(db_exec(testdb(), "INSERT INTO envoi_attente SELECT * FROM envoi"));
}

typedef struct ReaderCase
{
	const char *role;
	const char *sql;
	const char *expected;
} ReaderCase;

static const ReaderCase RLS_CASES[] = {
	/* Bordeaux: its three entreprises (attributaires of M1, M2, M6, employers, SIAE of C2) */
	{"test_role_fac_bdx", "SELECT string_agg(siret, ',' ORDER BY siret) FROM clause.entreprise",
	 "33100001000016,33100002000015,33100003000014"},
	{"test_role_fac_bdx", "SELECT count(*) FROM clause.entreprise WHERE raison_sociale LIKE 'Voirie%'", "0"},
	/* Grand Périgueux: M4's new attributaire and employer, M5's attributaire; not the ETTI */
	{"test_role_fac_gp", "SELECT string_agg(siret, ',' ORDER BY siret) FROM clause.entreprise",
	 "24300009000007,33100001000016,33100002000015"},
	/* batches: the referential files and lot 1 hold rows of both PLIEs; the two files
	 * of Grand Périgueux only are not Bordeaux's */
	{"test_role_fac_bdx", "SELECT string_agg(fichier, ',' ORDER BY fichier) FROM clause.lot_import "
	 "WHERE fichier LIKE '%gp.csv'", "(null)"},
	{"test_role_fac_bdx", "SELECT count(*) FROM clause.lot_import", "7"},
	{"test_role_fac_gp", "SELECT string_agg(fichier, ',' ORDER BY fichier) FROM clause.lot_import "
	 "WHERE fichier LIKE '%gp.csv'", "entreprise-gp.csv,heures-gp.csv"},
	/* the facilitateur's views still show its lines with their batch: lot 1's lines
	 * 2, 3, 12, 13, 16 and 17 on M1 (the others on M1 were rejected) */
	{"test_role_fac_bdx", "SELECT count(*) FROM clause.v_ligne WHERE marche_id = 'M1'", "6"},
	/* the senders' last months (kept and waiting, as attendus() reads them): each
	 * facilitateur sees the pairs of its own marchés */
	{"test_role_fac_bdx", "SELECT string_agg(DISTINCT marche_id, ',' ORDER BY marche_id) FROM clause.v_envoi", "M1,M2,M6"},
	{"test_role_fac_gp", "SELECT string_agg(DISTINCT marche_id, ',' ORDER BY marche_id) FROM clause.v_envoi", "M4,M5"},
	{"test_role_fac_gp", "SELECT string_agg(DISTINCT marche_id, ',' ORDER BY marche_id) FROM clause.envoi_attente", "M4,M5"},
	{"test_role_fac_gp", "SELECT count(*) FROM clause.envoi_attente WHERE marche_id = 'M1'", "0"},
	{"test_role_fac_gp", "DELETE FROM clause.envoi_attente", "ERREUR 42501"},
};

START_TEST(test_facilitateur_rows)
{
	const ReaderCase *c = &RLS_CASES[_i];

	load_two_plies();
	ck_assert_str_eq(testdb_text_as(c->role, c->sql), c->expected);
}
END_TEST

/* Moving a role between the two kinds takes it out of the former group. */
START_TEST(test_role_moves_between_groups)
{
	char output[4096];
	static const char *const member_of =
		"SELECT string_agg(g.rolname, ',' ORDER BY g.rolname) FROM pg_auth_members m "
		"JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles r ON r.oid = m.member "
		"WHERE r.rolname = 'test_role_mobile'";

	testdb_import_referential(RULES);
	ck_assert_int_eq(testdb_run("role facilitateur bordeaux test_role_mobile"), 0);
	ck_assert_str_eq(testdb_text(member_of), "clause_facilitateurs");
	ck_assert_int_eq(testdb_run_output("role donneur BM test_role_mobile", output, sizeof(output)), 0);
	ck_assert_ptr_nonnull(strstr(output, "retiré du groupe clause_facilitateurs"));
	ck_assert_str_eq(testdb_text(member_of), "clause_donneurs");
	ck_assert_str_eq(testdb_text_as("test_role_mobile", "SELECT count(*) FROM clause.participant"), "ERREUR 42501");
	ck_assert_int_eq(testdb_run("role facilitateur bordeaux test_role_mobile"), 0);
	ck_assert_str_eq(testdb_text(member_of), "clause_facilitateurs");
	ck_assert_str_eq(testdb_text_as("test_role_mobile", "SELECT count(*) FROM clause.mon_impact()"), "ERREUR 42501");
}
END_TEST

/* role list: every reader role, its group and scope, and the odd ones flagged. */
START_TEST(test_role_list)
{
	char output[8192];

	testdb_import_referential(RULES);
	ck_assert_int_eq(testdb_run("role donneur BM test_role_liste_bm"), 0);
	ck_assert_int_eq(testdb_run("role facilitateur bordeaux test_role_liste_fac"), 0);
	/* a role put in a group by hand, outside clause role */
	ck_assert(db_exec(testdb(), "DROP ROLE IF EXISTS test_role_liste_main"));
	ck_assert(db_exec(testdb(), "CREATE ROLE test_role_liste_main LOGIN IN ROLE clause_donneurs, clause_facilitateurs"));
	ck_assert_int_eq(testdb_run_output("role list", output, sizeof(output)), 0);
	ck_assert_ptr_nonnull(strstr(output, "périmètre"));
	ck_assert_ptr_nonnull(strstr(output, "test_role_liste_bm       donneur        donneur BM"));
	ck_assert_ptr_nonnull(strstr(output, "test_role_liste_fac      facilitateur   PLIE bordeaux"));
	ck_assert_ptr_nonnull(strstr(output, "test_role_liste_main     les deux !     aucun (ne voit rien)"));
	ck_assert(db_exec(testdb(), "DROP ROLE test_role_liste_main"));
}
END_TEST

static Suite *
security_sql_suite(void)
{
	Suite *suite = suite_create("security_sql");
	TCase *tc = tcase_create("outputs");

	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, testdb_setup, testdb_teardown);
	tcase_add_loop_test(tc, test_csv_cells_neutralised, 0, sizeof(CSV_CASES) / sizeof(CSV_CASES[0]));
	tcase_add_test(tc, test_csv_negative_number);
	tcase_add_test(tc, test_impact_csv_formula_name);
	tcase_add_test(tc, test_rejects_csv_formula);
	tcase_add_test(tc, test_log_escapes_newlines);
	suite_add_tcase(suite, tc);

	tc = tcase_create("search_path");
	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, testdb_setup, testdb_teardown);
	tcase_add_test(tc, test_functions_pin_search_path);
	tcase_add_test(tc, test_session_without_public);
	tcase_add_test(tc, test_planted_function_never_runs);
	tcase_add_test(tc, test_public_not_writable);
	suite_add_tcase(suite, tc);

	tc = tcase_create("readers");
	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, testdb_setup, testdb_teardown);
	tcase_add_loop_test(tc, test_facilitateur_rows, 0, sizeof(RLS_CASES) / sizeof(RLS_CASES[0]));
	tcase_add_test(tc, test_role_moves_between_groups);
	tcase_add_test(tc, test_role_list);
	suite_add_tcase(suite, tc);
	return suite;
}

int
main(void)
{
	SRunner *runner = srunner_create(security_sql_suite());

	srunner_run_all(runner, CK_NORMAL);

	int failed = srunner_ntests_failed(runner);

	srunner_free(runner);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
