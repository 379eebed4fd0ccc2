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


/* Through a profile, an optional column the profile does not map is absent: kept as stored. */
START_TEST(test_contrats_profile_leaves_unmapped_alone)
{
	load_contrats_lot1();
	ck_assert_int_eq(testdb_run("import contrats --profile " DATA "/fin-de-mission.json " DATA "/fins-de-mission.csv"), 0);
	ck_assert_str_eq(testdb_text("SELECT date_fin || ' ' || motif_fin || ' ' || date_fin_prevue || ' ' || heures_hebdo "
								 "|| ' ' || metier FROM contrat WHERE participant_id = 'Q3' AND date_debut = '2021-01-04'"),
					 "2021-01-22 embauche_cdi 2021-01-29 35.00 Manœuvre");
}
END_TEST

/*
 * The report data set (tests/data/reports) with contracts_impact.csv: seven contracts sent,
 * by hand (DOMAIN.md "Contracts"; lengths from start to the real end, else the planned one):
 *   c1 Q3 ETTI ctt 04/01–29/01 terme            < 1 month
 *   c2 Q3 ETTI ctt 01/02–26/02 embauche_cdd     < 1 month, durable: c7 starts 01/03, 7 months
 *   c3 Q1 SGB  cdd 04/01–28/02 embauche_cdi     1–6 months, durable
 *   c4 Q2 EI   cddi 01/02, planned 31/12, open  ≥ 6 months, en cours
 *   c5 Q5 EI   cddi 01/03–30/04 formation       1–6 months
 *   c6 Q4 EI   cddi 01/06, planned 31/08, open  1–6 months, en cours, no hours at all
 *   c7 Q3 SGB  cdd 01/03, planned 30/09, open   ≥ 6 months, en cours
 * Inferred for BM, where no contract was sent for the participant and employer:
 * Q4 SGB cdi, Q6 SGB professionnalisation, Q6 EI cddi, Q1 EI cddi: 4.
 */
static void
load_contrats_impact(void)
{
	testdb_load_reports();
	ck_assert_int_eq(testdb_import("contrats", DATA "/contrats_impact.csv", false, NULL), IMPORT_LOADED);
	ck_assert_int_eq(testdb_run("config set seuil_masquage 1"), 0);
}

typedef struct ImpactCase
{
	const char *niveau;
	const char *groupe;
	const char *cle;
	const char *expected;		/* valeur as text, "masqué" when masked */
} ImpactCase;

static const ImpactCase IMPACT_CASES[] = {
	/* 7 sent + 4 inferred; before contracts were sent: 8 (Q3's two missions counted once) */
	{"total", "BM", "contrats", "11"},
	{"total", "BM", "contrats_deduits", "4"},
	{"total", "BM", "sorties_emploi_durable", "2"},
	{"total", "BM", "duree_moins_1_mois", "2"},
	{"total", "BM", "duree_de_1_a_6_mois", "3"},
	{"total", "BM", "duree_6_mois_plus", "2"},
	{"total", "BM", "duree_inconnue", "0"},
	{"total", "BM", "fin_terme", "1"},
	{"total", "BM", "fin_embauche_cdi", "1"},
	{"total", "BM", "fin_embauche_cdd", "1"},
	{"total", "BM", "fin_formation", "1"},
	{"total", "BM", "fin_en_cours", "3"},
	{"total", "BM", "fin_demission", "0"},
	/* by type: sent + inferred */
	{"total", "BM", "contrats_cdi", "1"},
	{"total", "BM", "contrats_cdd", "2"},
	{"total", "BM", "contrats_cddi", "5"},
	{"total", "BM", "contrats_ctt", "2"},
	{"total", "BM", "contrats_professionnalisation", "1"},
	/* OP-A: c1–c4, c7 on its marchés, c5 through Q5's hours on MA2 in March and April;
	 * inferred Q4 SGB cdi and Q6 SGB professionnalisation */
	{"operation", "OP-A", "contrats", "8"},
	{"operation", "OP-A", "contrats_deduits", "2"},
	/* OP-B: c5 and c6 on MB1, c4 through Q2's hours of October; inferred Q6 EI, Q1 EI */
	{"operation", "OP-B", "contrats", "5"},
	{"operation", "OP-B", "fin_en_cours", "2"},
	/* the hours are what they were */
	{"total", "BM", "heures_realisees", "1319.00"},
};

START_TEST(test_impact_contracts_known_and_inferred)
{
	char sql[512];
	const ImpactCase *c = &IMPACT_CASES[_i];

	load_contrats_impact();
	snprintf(sql, sizeof(sql),
			 "SELECT CASE WHEN masque THEN 'masqué' ELSE valeur::text END FROM impact('BM') "
			 "WHERE niveau = '%s' AND groupe_id = '%s' AND cle = '%s'", c->niveau, c->groupe, c->cle);
	ck_assert_str_eq(testdb_text(sql), c->expected);
}
END_TEST

/* Masking applies to the new figures as to every count of contracts. */
START_TEST(test_impact_contracts_masked)
{
	load_contrats_impact();
	ck_assert_int_eq(testdb_run("config set seuil_masquage 3"), 0);
	ck_assert_str_eq(testdb_text("SELECT string_agg(cle || '=' || coalesce(valeur::text, 'masqué'), ' ' ORDER BY rang) "
								 "FROM impact('BM') WHERE niveau = 'total' AND rubrique = 'contrats_duree'"),
					 /* 1 to 6 months is 3, but the two masked lengths add up to 11 contracts - 4
					  * inferred - 3 = 4: two each; so it is secret too (25_impact_masque.sql) */
					 "duree_moins_1_mois=masqué duree_de_1_a_6_mois=masqué duree_6_mois_plus=masqué duree_inconnue=0");
	ck_assert_str_eq(testdb_text("SELECT valeur FROM impact_calcul('BM') WHERE niveau = 'total' "
								 "AND cle = 'duree_de_1_a_6_mois'"), "3");
	ck_assert_str_eq(testdb_text("SELECT coalesce(valeur::text, 'masqué') FROM impact('BM') "
								 "WHERE niveau = 'total' AND cle = 'sorties_emploi_durable'"), "masqué");
}
END_TEST

/* Without any contract sent, the tableau d'impact is what it was: no new figure. */
START_TEST(test_impact_without_contracts_unchanged)
{
	testdb_load_reports();
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM impact('BM') WHERE rubrique IN ('contrats_duree', 'contrats_fin') "
								  "OR cle IN ('contrats_deduits', 'sorties_emploi_durable')"), 0);
	ck_assert_str_eq(testdb_text("SELECT valeur FROM impact('BM') WHERE niveau = 'total' AND cle = 'contrats'"), "8");
}
END_TEST

/* Q5's 80 h of October on MB1 are credited, outside c5 (ended 30/04): listed, not dropped. */
START_TEST(test_hours_outside_contracts)
{
	char out[8192];

	load_contrats_impact();
	ck_assert_str_eq(testdb_text("SELECT string_agg(participant_id || ' ' || marche_id || ' ' || mois || ' ' || heures_total, ' | ') "
								 "FROM v_heures_hors_contrat"), "Q5 MB1 2021-10-01 80.00");
	ck_assert_str_eq(testdb_text("SELECT (a.motif IS NULL)::text FROM v_heures_hors_contrat h JOIN attribution a USING (ligne_id)"),
					 "true");
	ck_assert_str_eq(testdb_text("SELECT string_agg(participant_id || ' ' || heures || ' ' || fichier || ':' || ligne, ' | ') "
								 "FROM suivi_hors_contrat('bordeaux', '2021-11-01')"), "Q5 80.00 heures_2021.csv:15");
	/* c6 (Q4 at the EI, from June) has no hours; in March it had not started, while c7
	 * (Q3 at SGB from 1 March) had no hours yet: its first came in May */
	ck_assert_str_eq(testdb_text("SELECT string_agg(participant_id || ' ' || type_contrat || ' ' || date_debut, ' | ') "
								 "FROM suivi_contrats_sans_heures('bordeaux', '2021-11-01')"), "Q4 cddi 2021-06-01");
	ck_assert_str_eq(testdb_text("SELECT string_agg(participant_id || ' ' || type_contrat || ' ' || date_debut, ' | ') "
								 "FROM suivi_contrats_sans_heures('bordeaux', '2021-03-01')"), "Q3 cdd 2021-03-01");
	ck_assert_int_eq(testdb_run_output("report suivi --plie bordeaux --mois 2021-11", out, sizeof(out)), 0);
	ck_assert_msg(strstr(out, "Heures hors contrat connu") && strstr(out, "heures_2021.csv"), "%s", out);
	ck_assert_msg(strstr(out, "Contrats sans heures") && strstr(out, "Q4"), "%s", out);
	/* every format writes the two sections, the workbook as two more sheets */
	ck_assert_int_eq(testdb_run("report suivi --plie bordeaux --mois 2021-11 --format xlsx "
								"-o tests/tmp/suivi-contrats.xlsx"), 0);
	testdb_assert_xlsx_sheets("tests/tmp/suivi-contrats.xlsx",
							  (const char *const[]) {"Hors contrat", "Contrats sans heures", NULL});
	ck_assert_int_eq(testdb_run_output("report suivi --plie bordeaux --mois 2021-11 --format json", out, sizeof(out)), 0);
	ck_assert_msg(strstr(out, "\"heures_hors_contrat\"") && strstr(out, "\"contrats_sans_heures\""), "%s", out);
	ck_assert_int_eq(testdb_run("report suivi --plie bordeaux --mois 2021-11 --format html "
								"-o tests/tmp/suivi-contrats.html"), 0);
	ck_assert_int_eq(testdb_run("report impact --donneur BM --format xlsx -o tests/tmp/impact-contrats.xlsx"), 0);
	ck_assert_int_eq(testdb_run("report impact --donneur BM --format html -o tests/tmp/impact-contrats.html"), 0);
}
END_TEST

/* The compte-rendu of a box lists the hours it brought outside every contract sent. */
START_TEST(test_compte_rendu_hours_outside_contracts)
{
	char *text;

	testdb_load_reports();
	ck_assert_int_eq(system("rm -rf tests/tmp/boite-contrats && mkdir -p tests/tmp/boite-contrats && "
							"cp " DATA "/contrats_impact.csv tests/tmp/boite-contrats/contrats_2021.csv && "
							"cp " DATA "/heures_2021-12.csv tests/tmp/boite-contrats/heures_2021-12.csv"), 0);
	ck_assert_int_eq(testdb_run("batch tests/tmp/boite-contrats"), 0);
	text = testdb_read_file("tests/tmp/boite-contrats/compte-rendu.txt", NULL);
	ck_assert_ptr_nonnull(text);
	/* Q5's December (c5 ended in April) is out; Q2's is within c4 (to 31/12) */
	ck_assert_msg(strstr(text, "Heures hors contrat connu") != NULL, "%s", text);
	ck_assert_msg(strstr(text, "heures_2021-12.csv:2  Q5") != NULL, "%s", text);
	ck_assert_msg(strstr(text, "heures_2021-12.csv:3") == NULL, "%s", text);
	free(text);
}
END_TEST

/*
 * The observatoire of 2021 for Bordeaux: the seven contracts sent (all on its marchés, all
 * overlapping 2021) and the four inferred; Q3's CDI hours at SGB on MX1 fall within c7, so
 * that pair counts through c7 (before: 9 contracts, all inferred).
 */
START_TEST(test_observatoire_contracts)
{
	load_contrats_impact();
	ck_assert_str_eq(testdb_text("SELECT string_agg(cle || '=' || valeur, ' ' ORDER BY rang) FROM observatoire(2021, 'bordeaux') "
								 "WHERE cle IN ('contrats', 'contrats_deduits', 'sorties_emploi_durable', 'duree_moins_1_mois', "
								 "'duree_de_1_a_6_mois', 'duree_6_mois_plus', 'fin_embauche_cdi', 'fin_en_cours')"),
					 "contrats=11 contrats_deduits=4 sorties_emploi_durable=2 duree_moins_1_mois=2 "
					 "duree_de_1_a_6_mois=3 duree_6_mois_plus=2 fin_embauche_cdi=1 fin_en_cours=3");
	/* another PLIE: no contract sent there, nothing new */
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM observatoire(2021, 'agenais') WHERE rang > 9"), 0);
}
END_TEST

START_TEST(test_observatoire_without_contracts_unchanged)
{
	testdb_load_reports();
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM observatoire(2021, 'bordeaux') WHERE rang > 9"), 0);
	ck_assert_str_eq(testdb_text("SELECT valeur FROM observatoire(2021, 'bordeaux') WHERE cle = 'contrats'"), "9");
}
END_TEST

/*
 * Contracts are read like the lines of hours: a facilitateur sees those on its PLIE's
 * marchés and the batch they came from; a donneur d'ordre none, only its aggregated impact.
 */
START_TEST(test_contracts_access)
{
	load_contrats_impact();
	ck_assert_int_eq(testdb_run("role facilitateur bordeaux test_role_fac_contrats"), 0);
	ck_assert_int_eq(testdb_run("role facilitateur agenais test_role_fac_agen"), 0);
	ck_assert_int_eq(testdb_run("role donneur BM test_role_bm_contrats"), 0);
	ck_assert_str_eq(testdb_text_as("test_role_fac_contrats", "SELECT count(*) FROM clause.contrat"), "7");
	ck_assert_str_eq(testdb_text_as("test_role_fac_agen", "SELECT count(*) FROM clause.contrat"), "0");
	ck_assert_str_eq(testdb_text_as("test_role_bm_contrats", "SELECT count(*) FROM clause.contrat"), "ERREUR 42501");
	/* and the batch the contracts came from (the file the suivi names), not another PLIE */
	ck_assert_str_eq(testdb_text_as("test_role_fac_contrats", "SELECT string_agg(fichier, ',') FROM clause.lot_import "
							 "WHERE nature = 'contrats'"), "contrats_impact.csv");
	ck_assert_str_eq(testdb_text_as("test_role_fac_agen", "SELECT count(*) FROM clause.lot_import WHERE nature = 'contrats'"),
					 "0");
	/* the donneur's own impact counts them, aggregated */
	ck_assert_str_eq(testdb_text_as("test_role_bm_contrats", "SELECT valeur FROM clause.mon_impact() "
							 "WHERE niveau = 'total' AND cle = 'contrats'"), "11");
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
	tcase_add_test(tc, test_contrats_profile_leaves_unmapped_alone);
	suite_add_tcase(suite, tc);

	TCase *reports = tcase_create("reports");

	tcase_set_timeout(reports, 60);
	tcase_add_checked_fixture(reports, testdb_setup, testdb_teardown);
	tcase_add_loop_test(reports, test_impact_contracts_known_and_inferred, 0,
						sizeof(IMPACT_CASES) / sizeof(IMPACT_CASES[0]));
	tcase_add_test(reports, test_impact_contracts_masked);
	tcase_add_test(reports, test_impact_without_contracts_unchanged);
	tcase_add_test(reports, test_hours_outside_contracts);
	tcase_add_test(reports, test_compte_rendu_hours_outside_contracts);
	tcase_add_test(reports, test_observatoire_contracts);
	tcase_add_test(reports, test_observatoire_without_contracts_unchanged);
	tcase_add_test(reports, test_contracts_access);
	suite_add_tcase(suite, reports);
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
