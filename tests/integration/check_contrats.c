/*
 * Employment contracts (kind contrats, DOMAIN.md "Contracts"): import rules, updates by
 * a later file, and what reports make of contracts known beside contracts inferred.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testdb.h"

#define DATA "tests/data/contrats"

static void
load_contrats_lot1(void)
{
	ImportResult result = {0};

	testdb_import_referential("tests/data/reports");
	ck_assert_int_eq(testdb_import("contrats", DATA "/contrats_lot1.csv", false, &result),
					 IMPORT_ROWS_REJECTED);
	ck_assert_int_eq(result.rows_read, 13);
	ck_assert_int_eq(result.rows_loaded, 3);
	ck_assert_int_eq(result.rows_rejected, 10);
}

START_TEST(test_contrats_rows_checked)
{
	load_contrats_lot1();
	/* every refused row with its line and the column to fix */
	ck_assert_str_eq(testdb_text("SELECT string_agg(ligne || ' ' || colonne, ' | ' ORDER BY ligne) FROM rejet"),
					 "5 participant_id | 6 date_fin | 7 motif_fin | 8 date_debut | 9 heures_hebdo | "
					 "10 marche_id | 11 employeur_siret | 12 date_debut | 13 date_debut | 14 date_fin");
	ck_assert_str_eq(testdb_text("SELECT motif FROM rejet WHERE ligne = 9"),
					 "50 heures par semaine dépassent la durée maximale de 48 heures");
	ck_assert_str_eq(testdb_text("SELECT motif FROM rejet WHERE ligne = 12"),
					 "contrat en double dans le fichier (même participant, employeur, type et date de "
					 "début, lignes 12, 13)");
	ck_assert_str_eq(testdb_text("SELECT motif FROM rejet WHERE ligne = 14"),
					 "fin réelle 01/01/2030 postérieure à aujourd'hui (une fin prévue va dans date_fin_prevue)");
	ck_assert_str_eq(testdb_text("SELECT motif FROM rejet WHERE ligne = 6"),
					 "date de fin 2020-12-01 antérieure à la date de début 2021-02-01");
}
END_TEST

START_TEST(test_contrats_values_stored)
{
	load_contrats_lot1();
	ck_assert_str_eq(testdb_text("SELECT string_agg(participant_id || ' ' || type_contrat || ' ' || date_debut || ' '"
								 " || coalesce(date_fin::text, '-') || ' ' || coalesce(motif_fin, '-') || ' '"
								 " || heures_hebdo || ' ' || metier, ' | ' ORDER BY participant_id, date_debut) FROM contrat"),
					 "Q1 cdd 2021-01-04 - - 35.00 F1703 | Q3 ctt 2021-01-04 2021-01-29 terme 35.00 Manœuvre | "
					 "Q3 ctt 2021-02-01 2021-02-26 terme 35.50 Manœuvre");
	/* each contract traceable to its batch and line */
	ck_assert_str_eq(testdb_text("SELECT b.fichier || ':' || c.ligne FROM contrat c JOIN lot_import b ON b.id = c.lot_id "
								 "WHERE c.participant_id = 'Q3' AND c.date_debut = '2021-02-01'"),
					 "contrats_lot1.csv:4");
}
END_TEST

/* A later file adds the real end: the columns it lacks keep their values, an empty cell clears. */
START_TEST(test_contrats_later_file_updates)
{
	ImportResult result = {0};

	load_contrats_lot1();
	ck_assert_int_eq(testdb_import("contrats", DATA "/contrats_lot2.csv", false, &result), IMPORT_LOADED);
	ck_assert_int_eq(result.rows_loaded, 2);
	ck_assert_int_eq(result.rows_unchanged, 1);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM contrat"), 3);
	ck_assert_str_eq(testdb_text("SELECT date_fin_prevue || ' ' || date_fin || ' ' || motif_fin || ' ' || heures_hebdo "
								 "|| ' ' || metier FROM contrat WHERE participant_id = 'Q1'"),
					 "2021-06-30 2021-02-28 embauche_cdi 35.00 F1703");
	ck_assert_str_eq(testdb_text("SELECT coalesce(date_fin::text, '-') || ' ' || coalesce(motif_fin, '-') || ' ' "
								 "|| date_fin_prevue FROM contrat WHERE participant_id = 'Q3' AND date_debut = '2021-01-04'"),
					 "- - 2021-01-29");
	ck_assert_str_eq(testdb_text("SELECT b.fichier || ':' || c.ligne FROM contrat c JOIN lot_import b ON b.id = c.lot_id "
								 "WHERE c.participant_id = 'Q1'"), "contrats_lot2.csv:2");
	/* the same file again changes nothing */
	ck_assert_int_eq(testdb_import("contrats", DATA "/contrats_lot2.csv", false, &result), IMPORT_ALREADY_DONE);
}
END_TEST

START_TEST(test_contrats_json)
{
	ImportResult result = {0};

	testdb_import_referential("tests/data/reports");
	ck_assert_int_eq(testdb_import("contrats", DATA "/contrats.json", false, &result), IMPORT_ROWS_REJECTED);
	ck_assert_int_eq(result.rows_loaded, 1);
	ck_assert_str_eq(testdb_text("SELECT date_fin_prevue || ' ' || heures_hebdo || ' ' || metier FROM contrat"),
					 "2021-12-31 26.00 Agent de propreté");
	ck_assert_str_eq(testdb_text("SELECT colonne FROM rejet"), "date_debut");
}
END_TEST

static Suite *
contrats_suite(void)
{
	Suite *suite = suite_create("contrats");
	TCase *tc = tcase_create("import");

	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, testdb_setup, testdb_teardown);
	tcase_add_test(tc, test_contrats_rows_checked);
	tcase_add_test(tc, test_contrats_values_stored);
	tcase_add_test(tc, test_contrats_later_file_updates);
	tcase_add_test(tc, test_contrats_json);
	suite_add_tcase(suite, tc);
	return suite;
}

int
main(void)
{
	SRunner *runner = srunner_create(contrats_suite());

	srunner_run_all(runner, CK_NORMAL);

	int failed = srunner_ntests_failed(runner);

	srunner_free(runner);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
