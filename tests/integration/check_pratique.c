/*
 * The figures under real monthly practice (issue 11, DOMAIN.md rules 1-4, 9, 10): months
 * in the future, lines of 0 h, partial referential files. Every figure is computed by
 * hand in tests/data/pratique/README.md, on top of the rules data set.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testdb.h"

#define RULES "tests/data/rules"
#define PRATIQUE "tests/data/pratique"

/* The rules data set, both batches (tests/data/rules/README.md). */
static void
load_rules(void)
{
	ImportResult result = {0};

	testdb_import_referential(RULES);
	ck_assert_int_eq(testdb_import("heures", RULES "/heures_lot1.csv", false, &result),
					 IMPORT_ROWS_REJECTED);
	ck_assert_int_eq(testdb_import("heures", RULES "/heures_lot2_correctif.csv", false, &result),
					 IMPORT_LOADED);
}

static const char *
status_of(const char *file, int line)
{
	char sql[512];

	snprintf(sql, sizeof(sql),
			 "SELECT coalesce(motif, 'credite') || '/' || coalesce(fiche, '-') || '/' || coalesce(plie, '-') "
			 "FROM v_ligne WHERE fichier = '%s' AND ligne = %d", file, line);
	return testdb_text(sql);
}

/* Runs "clause import KIND tests/data/pratique/FILE", keeping what it printed. */
static int
import_cli(const char *kind, const char *file, char *out, size_t outsize)
{
	char command[512];

	snprintf(command, sizeof(command), "import %s " PRATIQUE "/%s", kind, file);
	return testdb_run_output(command, out, outsize);
}

/* Rule 1: a month later than the month of the import is a rejected row, never a line. */
START_TEST(test_future_month_rejected)
{
	ImportResult result = {0};

	load_rules();
	ck_assert_int_eq(testdb_import("heures", PRATIQUE "/heures_futur.csv", false, &result),
					 IMPORT_ROWS_REJECTED);
	ck_assert_int_eq(result.rows_loaded, 1);
	ck_assert_int_eq(result.rows_rejected, 2);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM ligne_heures WHERE mois >= '2030-01-01'"), 0);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM rejet r JOIN lot_import b ON b.id = r.lot_id "
								  "WHERE b.fichier = 'heures_futur.csv' AND r.colonne = 'mois' "
								  "AND r.motif LIKE 'mois 20%-0_ postérieur au mois de l''import (%'"
								  "AND r.ligne IN (3, 4)"), 2);
	ck_assert_str_eq(status_of("heures_futur.csv", 2), "credite/GP2/grand_perigueux");
}
END_TEST

#define IMPACT_BM(key) "SELECT valeur FROM impact('BM') WHERE niveau = 'total' AND cle = '" key "'"

/* Rule 4: a line corrected to 0 h withdraws its person and its contract from reports. */
START_TEST(test_zero_hours_count_no_one)
{
	ImportResult result = {0};

	load_rules();
	testdb_count("UPDATE parametre SET valeur = 1 WHERE cle = 'seuil_masquage' RETURNING 1");

	/* BM: P3 on M2 (160 h, cddi of S2) and P4 on M6 (50 h, cdi of S1) */
	ck_assert_int_eq(testdb_count(IMPACT_BM("participants")), 2);
	ck_assert_int_eq(testdb_count(IMPACT_BM("contrats")), 2);
	ck_assert_int_eq(testdb_count("SELECT valeur FROM observatoire(2020) WHERE cle = 'participants'"), 1);

	ck_assert_int_eq(testdb_import("heures", PRATIQUE "/heures_zero.csv", false, &result),
					 IMPORT_LOADED);
	ck_assert_str_eq(status_of("heures_zero.csv", 2), "credite/-/bordeaux");
	ck_assert_int_eq(testdb_count(IMPACT_BM("participants")), 1);
	ck_assert_int_eq(testdb_count(IMPACT_BM("contrats")), 1);
	ck_assert_int_eq(testdb_count(IMPACT_BM("heures_realisees")), 160);
	ck_assert_int_eq(testdb_count("SELECT valeur FROM observatoire(2020) WHERE cle = 'participants'"), 0);
	ck_assert_int_eq(testdb_count("SELECT valeur FROM observatoire(2020) WHERE cle = 'contrats'"), 0);
}
END_TEST

/* Rule 10: a participants file without eligibility columns keeps the eligibility. */
START_TEST(test_participants_without_eligibility_columns)
{
	char out[8192];

	load_rules();
	ck_assert_int_eq(import_cli("participants", "participants_adresse.csv", out, sizeof(out)), 0);
	ck_assert_str_eq(testdb_text("SELECT commune_insee || ' ' || qpv || ' ' || criteres::text || ' ' "
								 "|| date_eligibilite FROM participant WHERE id = 'P1'"),
					 "33318 true {rsa,qpv} 2021-01-10");
	ck_assert_ptr_null(strstr(out, "éligibilité modifiée"));
	ck_assert_str_eq(status_of("heures_lot2_correctif.csv", 2), "credite/B1/bordeaux");
}
END_TEST

/* Rule 10: an empty cell of a column the file has clears it, and the change is shown. */
START_TEST(test_participant_eligibility_cleared_is_shown)
{
	char out[8192];

	load_rules();
	/* P1's credited hours: 90 + 10 (January), 80 + 60 (March), 10 (M5, April) = 250 */
	ck_assert_int_eq(import_cli("participants", "participants_sans_criteres.csv", out, sizeof(out)), 0);
	ck_assert_msg(strstr(out, "participants_sans_criteres.csv:2 : participant P1 : éligibilité modifiée "
						 "alors que 250,00 h sont déjà comptées (critères rsa|qpv → aucun, "
						 "date 10/01/2021 → aucune)") != NULL, "%s", out);
	ck_assert_str_eq(testdb_text("SELECT criteres::text || ' ' || coalesce(date_eligibilite::text, '-') "
								 "FROM participant WHERE id = 'P1'"), "{} -");
	ck_assert_str_eq(status_of("heures_lot2_correctif.csv", 2), "non_eligible/B1/bordeaux");
}
END_TEST

/* Rule 10: an opérations file without the fiche column keeps each fiche. */
START_TEST(test_operations_without_fiche_column)
{
	char out[8192];

	load_rules();
	ck_assert_int_eq(import_cli("operations", "operations_sans_fiche.csv", out, sizeof(out)), 0);
	ck_assert_str_eq(testdb_text("SELECT nom || ' ' || fiche FROM operation WHERE id = 'OP-GP-1'"),
					 "Voirie Périgueux (tranche 2) GP2");
	ck_assert_ptr_null(strstr(out, "fiche GP2"));
	ck_assert_str_eq(status_of("heures_lot1.csv", 5), "credite/GP2/grand_perigueux");
}
END_TEST

/* Rule 10: the fiche cleared moves credited hours off it: shown when loaded. */
START_TEST(test_operation_fiche_cleared_is_shown)
{
	char out[8192];

	load_rules();
	/* GP2: P4 on M4, 120 h in January and 150 h in February */
	ck_assert_int_eq(import_cli("operations", "operations_fiche_vide.csv", out, sizeof(out)), 0);
	ck_assert_msg(strstr(out, "operations_fiche_vide.csv:2 : opération OP-GP-1 : fiche GP2 → aucune "
						 "alors que 270,00 h sont déjà comptées") != NULL, "%s", out);
	ck_assert_str_eq(status_of("heures_lot1.csv", 5), "credite/-/grand_perigueux");
}
END_TEST

static Suite *
pratique_suite(void)
{
	Suite *suite = suite_create("pratique");
	TCase *regles = tcase_create("regles");

	tcase_set_timeout(regles, 60);
	tcase_add_checked_fixture(regles, testdb_setup, testdb_teardown);
	tcase_add_test(regles, test_future_month_rejected);
	tcase_add_test(regles, test_zero_hours_count_no_one);
	tcase_add_test(regles, test_participants_without_eligibility_columns);
	tcase_add_test(regles, test_participant_eligibility_cleared_is_shown);
	tcase_add_test(regles, test_operations_without_fiche_column);
	tcase_add_test(regles, test_operation_fiche_cleared_is_shown);
	suite_add_tcase(suite, regles);
	return suite;
}

int
main(void)
{
	SRunner *runner = srunner_create(pratique_suite());

	srunner_run_all(runner, CK_NORMAL);

	int failed = srunner_ntests_failed(runner);

	srunner_free(runner);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
