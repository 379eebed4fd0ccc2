/*
 * Senders' files as they come (issue #15): Excel workbooks through profiles and for
 * canonical kinds, old .xls and misnamed workbooks refused with what to do, nested
 * JSON, any file name in the box, and three senders' files giving their figures.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "profile.h"
#include "testdb.h"

#define XLSX_DIR "tests/data/xlsx"
#define GARONNE_XLSX XLSX_DIR "/garonne-classeur-2022.xlsx"

static ImportStatus
import_with_profile(const char *name, const char *path, ImportResult *result)
{
	Profile profile = {0};

	ck_assert_msg(profile_load(name, ".", &profile), "profil %s illisible", name);

	ImportOptions options = {.kind = profile.kind->name, .path = path, .profile = &profile};
	ImportStatus status = import_file(testdb(), &options, result);

	profile_free(&profile);
	return status;
}

/* participant|marché|hours|training|contract of the standing lines of a month. */
static const char *
lines_of(const char *month, const char *employer)
{
	char sql[640];

	snprintf(sql, sizeof(sql),
			 "SELECT string_agg(participant_id || '|' || marche_id || '|' || heures || '|' || "
			 "heures_formation || '|' || type_contrat, ' ; ' ORDER BY participant_id, marche_id) "
			 "FROM v_ligne WHERE mois = '%s' AND employeur_siret = '%s' "
			 "AND motif IS DISTINCT FROM 'remplacee'", month, employer);
	return testdb_text(sql);
}

START_TEST(test_xlsx_profile_title_rows_dates_total)
{
	ImportResult result = {0};

	testdb_import_referential_tolerant("data/sample");
	ck_assert_int_eq(import_with_profile(XLSX_DIR "/garonne-classeur.json", GARONNE_XLSX, &result),
					 IMPORT_ROWS_REJECTED);
	/* two merged title rows, an empty one, the header, three rows, a TOTAL of formulas */
	ck_assert_int_eq(result.rows_read, 3);
	ck_assert_int_eq(result.rows_loaded, 2);
	ck_assert_int_eq(result.header_line, 4);
	/* the month comes from date cells shown mm/yyyy, the hours from number cells */
	ck_assert_str_eq(lines_of("2022-01-01", "84567136100408"),
					 "P00001|2021-BM-045|151.67|0.00|cdi ; "
					 "P00002|2021-BM-045|120.00|7.00|professionnalisation");
	ck_assert_str_eq(testdb_text("SELECT ligne || ':' || colonne FROM rejet "
								 "WHERE lot_id = (SELECT max(id) FROM lot_import)"), "7:marche_id");
	/* the same workbook again changes nothing */
	ck_assert_int_eq(import_with_profile(XLSX_DIR "/garonne-classeur.json", GARONNE_XLSX, &result),
					 IMPORT_ALREADY_DONE);
}
END_TEST

START_TEST(test_xlsx_profile_second_sheet)
{
	ImportResult result = {0};

	testdb_import_referential_tolerant("data/sample");
	ck_assert_int_eq(import_with_profile(XLSX_DIR "/garonne-classeur-fevrier.json", GARONNE_XLSX,
										 &result), IMPORT_LOADED);
	ck_assert_int_eq(result.rows_loaded, 1);
	ck_assert_str_eq(lines_of("2022-02-01", "84567136100408"), "P00001|2021-BM-045|140.50|3.50|cdi");
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM ligne_heures WHERE mois = '2022-01-01'"), 0);
}
END_TEST

START_TEST(test_xlsx_canonical_kind)
{
	ImportResult result = {0};

	/* a CSV opened in LibreOffice and saved as .xlsx: no profile needed */
	ck_assert_int_eq(testdb_import("donneurs", XLSX_DIR "/donneurs.xlsx", false, &result), IMPORT_LOADED);
	ck_assert_int_eq(result.rows_loaded, 2);
	ck_assert_str_eq(testdb_text("SELECT nom || '|' || type FROM donneur WHERE id = 'X2'"),
					 "Office « Gironde Habitat »|bailleur");
}
END_TEST

START_TEST(test_xlsx_refusals_say_what_to_do)
{
	char out[4096];

	testdb_import_referential_tolerant("data/sample");
	/* an old .xls: said what it is and how to turn it into .xlsx */
	ck_assert_int_eq(testdb_run_output("import heures --profile " XLSX_DIR "/garonne-classeur.json "
									   XLSX_DIR "/garonne-classeur-2022.xls", out, sizeof(out)), 2);
	ck_assert_msg(strstr(out, "classeur Excel 97-2003 (.xls)") && strstr(out, "enregistrez-le au format .xlsx"),
				  "%s", out);
	/* a workbook named .csv */
	ck_assert_int_eq(system("cp " GARONNE_XLSX " tests/tmp/classeur-renomme.csv"), 0);
	ck_assert_int_eq(testdb_run_output("import heures --profile garonne-batiment-tableur "
									   "tests/tmp/classeur-renomme.csv", out, sizeof(out)), 2);
	ck_assert_msg(strstr(out, "est un classeur Excel (.xlsx), pas un CSV : renommez-le en .xlsx"), "%s", out);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM lot_import WHERE nature = 'heures'"), 0);
	/* profile check reads workbooks too, and says when nothing is read */
	ck_assert_int_eq(testdb_run_output("profile check " XLSX_DIR "/garonne-classeur-fevrier.json "
									   GARONNE_XLSX, out, sizeof(out)), 0);
	ck_assert_msg(strstr(out, "ligne 5 : participant_id=P00001") && strstr(out, "mois=2022-02-01"), "%s", out);
	ck_assert_int_eq(testdb_run_output("profile check garonne-batiment-tableur "
									   "tests/data/bad/header_only.csv", out, sizeof(out)), 2);
}
END_TEST

START_TEST(test_nested_json_fields_from_enclosing_objects)
{
	ImportResult result = {0};

	testdb_import_referential_tolerant("data/sample");
	/* periode at the root (after the array), structure.siret from the root, the
	 * employee's name and contract on the employee, marché and hours on each line */
	ck_assert_int_eq(import_with_profile("tests/data/json/siae-imbrique.json",
										 "tests/data/json/siae-imbrique-2022-02.json", &result),
					 IMPORT_ROWS_REJECTED);
	ck_assert_int_eq(result.rows_read, 4);
	ck_assert_int_eq(result.rows_loaded, 3);
	ck_assert_str_eq(lines_of("2022-02-01", "50178301300748"),
					 "P00012|2021-BM-017|60.00|0.00|cddi ; "
					 "P00014|2021-BM-017|80.00|4.00|cddi ; "
					 "P00014|2021-BM-045|12.50|0.00|cddi");
	/* a rejected line is named by the line where its own object starts */
	ck_assert_str_eq(testdb_text("SELECT ligne || ':' || colonne FROM rejet "
								 "WHERE lot_id = (SELECT max(id) FROM lot_import)"), "12:marche_id");
}
END_TEST

static Suite *
senders_suite(void)
{
	Suite *suite = suite_create("senders");
	TCase *tc = tcase_create("senders");

	tcase_set_timeout(tc, 120);
	tcase_add_checked_fixture(tc, testdb_setup, testdb_teardown);
	tcase_add_test(tc, test_xlsx_profile_title_rows_dates_total);
	tcase_add_test(tc, test_xlsx_profile_second_sheet);
	tcase_add_test(tc, test_xlsx_canonical_kind);
	tcase_add_test(tc, test_xlsx_refusals_say_what_to_do);
	tcase_add_test(tc, test_nested_json_fields_from_enclosing_objects);
	suite_add_tcase(suite, tc);
	return suite;
}

int
main(void)
{
	SRunner *runner = srunner_create(senders_suite());

	srunner_run_all(runner, CK_NORMAL);

	int failed = srunner_ntests_failed(runner);

	srunner_free(runner);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
