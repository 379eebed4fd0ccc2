/*
 * The figures under real monthly practice (issue 11, DOMAIN.md rules 1-4, 9, 10): months
 * in the future, lines of 0 h, partial referential files. Every figure is computed by
 * hand in tests/data/pratique/README.md, on top of the rules data set.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/workflow/attribute.h"
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
	ck_assert_str_eq(testdb_status_of("heures_futur.csv", 2), "credite/GP2/grand_perigueux");
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
	ck_assert_str_eq(testdb_status_of("heures_zero.csv", 2), "credite/-/bordeaux");
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
	ck_assert_str_eq(testdb_status_of("heures_lot2_correctif.csv", 2), "credite/B1/bordeaux");
}
END_TEST

/*
 * Rule 10 in JSON, the two imports given as clause commands: the first file's objects have
 * no eligibility key (a column the file lacks: kept), the second gives them null (cleared).
 */
static void
assert_json_eligibility_kept_then_cleared(const char *without_keys, const char *with_nulls)
{
	char out[8192];

	load_rules();
	ck_assert_int_eq(testdb_run_output(without_keys, out, sizeof(out)), 0);
	ck_assert_str_eq(testdb_text("SELECT commune_insee || ' ' || criteres::text || ' ' "
								 "|| date_eligibilite FROM participant WHERE id = 'P1'"),
					 "33318 {rsa,qpv} 2021-01-10");
	ck_assert_ptr_null(strstr(out, "éligibilité modifiée"));
	ck_assert_str_eq(testdb_status_of("heures_lot2_correctif.csv", 2), "credite/B1/bordeaux");

	ck_assert_int_eq(testdb_run_output(with_nulls, out, sizeof(out)), 0);
	ck_assert_msg(strstr(out, "éligibilité modifiée") != NULL, "%s", out);
	ck_assert_str_eq(testdb_text("SELECT criteres::text || ' ' || coalesce(date_eligibilite::text, '-') "
								 "FROM participant WHERE id = 'P1'"), "{} -");
	ck_assert_str_eq(testdb_status_of("heures_lot2_correctif.csv", 2), "non_eligible/B1/bordeaux");
}

/* Canonical JSON: keys no object has are columns the file lacks; null or "" clears. */
START_TEST(test_participants_json_without_eligibility_keys)
{
	assert_json_eligibility_kept_then_cleared("import participants " PRATIQUE "/participants_adresse.json",
											  "import participants " PRATIQUE "/participants_criteres_null.json");
}
END_TEST

/* JSON read through a profile: a path the profile maps but no object has is a column the
 * file lacks, as for canonical JSON; a path given null clears. */
START_TEST(test_participants_json_profile_without_eligibility_keys)
{
	assert_json_eligibility_kept_then_cleared(
		"import participants --profile " PRATIQUE "/profil-participants-json.json "
		PRATIQUE "/participants_adresse_profil.json",
		"import participants --profile " PRATIQUE "/profil-participants-json.json "
		PRATIQUE "/participants_criteres_null_profil.json");
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
	ck_assert_str_eq(testdb_status_of("heures_lot2_correctif.csv", 2), "non_eligible/B1/bordeaux");
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
	ck_assert_str_eq(testdb_status_of("heures_lot1.csv", 5), "credite/GP2/grand_perigueux");
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
	ck_assert_str_eq(testdb_status_of("heures_lot1.csv", 5), "credite/-/grand_perigueux");
}
END_TEST

/* Credited hours of P4 on M4 for employer S2 (33100002000015) in a month. */
static double
credited_s2(const char *mois)
{
	char sql[256];

	snprintf(sql, sizeof(sql),
			 "SELECT coalesce(sum(heures_total), 0) FROM v_ligne WHERE credite AND participant_id = 'P4' "
			 "AND marche_id = 'M4' AND employeur_siret = '33100002000015' AND mois = '%s'", mois);
	return testdb_number(sql);
}

static void
import_expect(const char *file, ImportStatus status, long long loaded, long long rejected)
{
	ImportResult result = {0};
	char path[256];

	snprintf(path, sizeof(path), PRATIQUE "/%s", file);
	ck_assert_int_eq(testdb_import("heures", path, false, &result), status);
	ck_assert_int_eq(result.rows_loaded, loaded);
	ck_assert_int_eq(result.rows_rejected, rejected);
}

/* Rule 2: a week not sent before (a rejected row sent back corrected) adds to its month. */
START_TEST(test_rejected_week_sent_back_adds)
{
	load_rules();
	import_expect("heures_semaines_mars.csv", IMPORT_ROWS_REJECTED, 3, 1);
	ck_assert_double_eq_tol(credited_s2("2021-03-01"), 105, 0.001);
	import_expect("heures_semaine3_renvoyee.csv", IMPORT_LOADED, 1, 0);
	ck_assert_double_eq_tol(credited_s2("2021-03-01"), 140, 0.001);
	/* a week sent again corrects that week only: 35 + 30 + 35 + 35 */
	import_expect("heures_semaine2_corrigee.csv", IMPORT_LOADED, 1, 0);
	ck_assert_double_eq_tol(credited_s2("2021-03-01"), 135, 0.001);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM v_ligne WHERE fichier = 'heures_semaines_mars.csv' "
								  "AND motif = 'remplacee'"), 1);
	testdb_assert_same_as_whole();
}
END_TEST

/* Rules 1 and 2: a week straddling two months belongs to the month it starts in; a
 * later line overlapping it across the month's end replaces it. */
START_TEST(test_week_straddling_two_months)
{
	load_rules();
	import_expect("heures_juillet_semaines.csv", IMPORT_LOADED, 3, 0);
	import_expect("heures_aout_semaines.csv", IMPORT_LOADED, 2, 0);
	/* July: 35 + 35 + 28,5 + the week of 26/07 (35); August: the week of 02/08 */
	ck_assert_double_eq_tol(credited_s2("2021-07-01"), 133.5, 0.001);
	ck_assert_double_eq_tol(credited_s2("2021-08-01"), 35, 0.001);
	testdb_assert_same_as_whole();
	/* August sent again as a month: it overlaps both August's week and the week of
	 * 26/07 (on 1 August), which are replaced */
	import_expect("heures_aout_mois.csv", IMPORT_LOADED, 1, 0);
	ck_assert_double_eq_tol(credited_s2("2021-07-01"), 98.5, 0.001);
	ck_assert_double_eq_tol(credited_s2("2021-08-01"), 30, 0.001);
	ck_assert_str_eq(testdb_status_of("heures_aout_semaines.csv", 2), "remplacee/GP2/grand_perigueux");
	testdb_assert_same_as_whole();
}
END_TEST

/* Rule 2: lines of one file with the same key or overlapping periods are all rejected,
 * even when one of them is also wrong for another reason. */
START_TEST(test_repeated_keys_rejected_with_invalid_twin)
{
	load_rules();
	import_expect("heures_doubles.csv", IMPORT_ROWS_REJECTED, 1, 4);
	ck_assert_str_eq(testdb_text("SELECT motif FROM rejet r JOIN lot_import b ON b.id = r.lot_id "
								 "WHERE b.fichier = 'heures_doubles.csv' AND r.ligne = 2"),
					 "même participant, marché, employeur et mois en double dans le fichier "
					 "(lignes 2, 3) ; ligne 3 rejetée aussi pour une autre raison");
	ck_assert_str_eq(testdb_text("SELECT motif FROM rejet r JOIN lot_import b ON b.id = r.lot_id "
								 "WHERE b.fichier = 'heures_doubles.csv' AND r.ligne = 4"),
					 "même participant, marché et employeur sur des périodes qui se chevauchent "
					 "en double dans le fichier (lignes 4, 5)");
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM ligne_heures l JOIN lot_import b ON b.id = l.lot_id "
								  "WHERE b.fichier = 'heures_doubles.csv' AND l.ligne = 6"), 1);
}
END_TEST

/* Rule 9: a cancelled batch's lines stop standing, the lines it replaced stand again. */
START_TEST(test_cancel_batch)
{
	char out[8192];
	char command[128];
	long long lot;

	load_rules();
	lot = testdb_count("SELECT id FROM lot_import WHERE fichier = 'heures_lot2_correctif.csv'");
	snprintf(command, sizeof(command), "lot annuler %lld --motif 'mauvais correctif'", lot);
	ck_assert_int_eq(testdb_run_output(command, out, sizeof(out)), 0);
	ck_assert_msg(strstr(out, "annulé") != NULL, "%s", out);
	/* P4 in February: M4 150 h and M5 50 h (lot 2) were credited; now lot 1's 70 h on M5
	 * stands again and 150 + 70 exceed 208 */
	ck_assert_msg(strstr(out, "Bernard Ahmed (P4), marché M4, 2021-02 : 150,00 h → 0,00 h "
						 "(depassement_plafond)") != NULL, "%s", out);
	ck_assert_msg(strstr(out, "Bernard Ahmed (P4), marché M5, 2021-02 : 50,00 h → 0,00 h "
						 "(lot_annule)") != NULL, "%s", out);
	ck_assert_msg(strstr(out, "2 lignes déjà comptées baissent : −200,00 h") != NULL, "%s", out);
	/* lot 1 line 2 stands again (100 + 10); lot 1 line 7 too: P4 has 150 + 70 = 220 h in
	 * February, over 208: both held back */
	ck_assert_str_eq(testdb_status_of("heures_lot1.csv", 2), "credite/B1/bordeaux");
	ck_assert_str_eq(testdb_status_of("heures_lot1.csv", 6), "depassement_plafond/GP2/grand_perigueux");
	ck_assert_str_eq(testdb_status_of("heures_lot1.csv", 7), "depassement_plafond/-/grand_perigueux");
	ck_assert_str_eq(testdb_status_of("heures_lot2_correctif.csv", 2), "lot_annule/B1/bordeaux");
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM ligne_heures l JOIN lot_import b ON b.id = l.lot_id "
								  "WHERE b.fichier = 'heures_lot2_correctif.csv'"), 2);
	ck_assert_str_eq(testdb_text("SELECT annule_motif || ' / ' || annule_par FROM lot_import "
								 "WHERE fichier = 'heures_lot2_correctif.csv'"),
					 testdb_text("SELECT 'mauvais correctif / ' || current_user"));
	testdb_assert_same_as_whole();

	/* twice: said, nothing changes */
	ck_assert_int_eq(testdb_run_output(command, out, sizeof(out)), 0);
	ck_assert_msg(strstr(out, "déjà annulé") != NULL, "%s", out);
	ck_assert_str_eq(testdb_text("SELECT annule_motif FROM lot_import "
								 "WHERE fichier = 'heures_lot2_correctif.csv'"), "mauvais correctif");

	ck_assert_int_eq(testdb_run_output("report batches", out, sizeof(out)), 0);
	ck_assert_msg(strstr(out, "annulé le ") != NULL && strstr(out, " : mauvais correctif") != NULL,
				  "%s", out);
	ck_assert_int_eq(testdb_run_output("report history --participant P1 --marche M1", out, sizeof(out)), 0);
	ck_assert_msg(strstr(out, "lot_annule") != NULL && strstr(out, "mauvais correctif") != NULL,
				  "%s", out);
	/* the facilitateur's sheet counts them apart, only in a year that has some */
	ck_assert_int_eq(testdb_run_output("report suivi --plie bordeaux --mois 2021-12", out, sizeof(out)), 0);
	ck_assert_msg(strstr(out, "lot annulé") != NULL, "%s", out);
	ck_assert_int_eq(testdb_run_output("report suivi --plie bordeaux --mois 2020-12", out, sizeof(out)), 0);
	ck_assert_msg(strstr(out, "lot annulé") == NULL, "%s", out);
	ck_assert_int_eq(testdb_run("lot annuler 1 --motif 'référentiel'"), 1);
	ck_assert_int_eq(testdb_run("lot annuler 999"), 1);
}
END_TEST

/* Rules 2 and 9: the month sent again whole with its third week fixed keeps its
 * unchanged weeks when the first file is then cancelled as wrong: 140 h, not 35 h. */
START_TEST(test_cancel_keeps_lines_sent_again_unchanged)
{
	ImportResult result = {0};
	char command[128];

	load_rules();
	import_expect("heures_semaines_mars.csv", IMPORT_ROWS_REJECTED, 3, 1);
	ck_assert_int_eq(testdb_import("heures", PRATIQUE "/heures_semaines_mars_complet.csv", false,
								   &result), IMPORT_LOADED);
	ck_assert_int_eq(result.rows_loaded, 1);
	ck_assert_int_eq(result.rows_unchanged, 3);
	ck_assert_double_eq_tol(credited_s2("2021-03-01"), 140, 0.001);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM ligne_inchangee i JOIN lot_import b ON b.id = i.lot_id "
								  "WHERE b.fichier = 'heures_semaines_mars_complet.csv'"), 3);

	snprintf(command, sizeof(command), "lot annuler %lld --motif 'envoyé deux fois'",
			 testdb_count("SELECT id FROM lot_import WHERE fichier = 'heures_semaines_mars.csv'"));
	ck_assert_int_eq(testdb_run(command), 0);
	ck_assert_double_eq_tol(credited_s2("2021-03-01"), 140, 0.001);
	ck_assert_str_eq(testdb_status_of("heures_semaines_mars.csv", 2), "lot_annule/GP2/grand_perigueux");
	/* the three weeks stand again in the batch that sent them, at their own line */
	ck_assert_str_eq(testdb_text("SELECT string_agg(l.ligne::text, ',' ORDER BY l.ligne) "
								 "FROM ligne_heures l JOIN lot_import b ON b.id = l.lot_id "
								 "WHERE b.fichier = 'heures_semaines_mars_complet.csv'"), "2,3,4,5");
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM ligne_inchangee i JOIN lot_import b ON b.id = i.lot_id "
								  "WHERE b.fichier = 'heures_semaines_mars_complet.csv'"), 0);
	testdb_assert_same_as_whole();
}
END_TEST

/* A file identical to an earlier batch names it, and the later batches to cancel. */
START_TEST(test_reimport_names_batch_and_later_ones)
{
	char out[8192];

	load_rules();
	ck_assert_int_eq(testdb_run_output("import heures " RULES "/heures_lot1.csv", out, sizeof(out)), 0);
	ck_assert_msg(strstr(out, "déjà importé (lot n° 7 du ") != NULL, "%s", out);
	ck_assert_msg(strstr(out, "(8) priment sur lui") != NULL &&
				  strstr(out, "clause lot annuler N --motif TEXTE") != NULL, "%s", out);
}
END_TEST

/* Rule 1 through a profile: a start column and a length of 7 days, one line per week. */
START_TEST(test_profile_weeks_keep_the_senders_grain)
{
	char out[8192];

	load_rules();
	ck_assert_msg(testdb_run_output("import heures --profile " PRATIQUE "/profil-semaines.json "
									PRATIQUE "/heures_semaines_profil.csv", out, sizeof(out)) == 0,
				  "%s", out);
	ck_assert_str_eq(testdb_text("SELECT string_agg(ligne || ':' || date_debut || '/' || date_fin || '/' "
								 "|| heures, ' ' ORDER BY ligne) FROM ligne_heures l "
								 "JOIN lot_import b ON b.id = l.lot_id "
								 "WHERE b.fichier = 'heures_semaines_profil.csv'"),
					 "2:2021-07-05/2021-07-11/35.00 3:2021-07-12/2021-07-18/35.00 "
					 "4:2021-07-26/2021-08-01/20.00");
	ck_assert_double_eq_tol(credited_s2("2021-07-01"), 90, 0.001);
}
END_TEST

/* Rule 3: a correction to a lower value is shown, line by line, with a total. */
START_TEST(test_lowered_by_correction_is_shown)
{
	ImportResult result = {0};
	char out[8192];

	testdb_import_referential(RULES);
	ck_assert_int_eq(testdb_import("heures", RULES "/heures_lot1.csv", false, &result),
					 IMPORT_ROWS_REJECTED);
	/* P1 M1 January: 100 + 10 corrected to 90 + 10; P4's February goes up (both credited) */
	ck_assert_int_eq(testdb_run_output("import heures " RULES "/heures_lot2_correctif.csv", out,
									   sizeof(out)), 0);
	ck_assert_msg(strstr(out, "Martin Léa (P1), marché M1, 2021-01 : 110,00 h → 100,00 h (remplacee)")
				  != NULL, "%s", out);
	ck_assert_msg(strstr(out, "1 ligne déjà comptée baisse : −10,00 h") != NULL, "%s", out);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM baisse"), 1);
}
END_TEST

/* Rule 3: eligibility removed takes back every credited hour of the participant. */
START_TEST(test_lowered_by_eligibility_removed_is_shown)
{
	char out[8192];

	load_rules();
	ck_assert_int_eq(import_cli("participants", "participants_sans_criteres.csv", out, sizeof(out)), 0);
	ck_assert_msg(strstr(out, "Martin Léa (P1), marché M1, 2021-03 : 140,00 h → 0,00 h (non_eligible)")
				  != NULL, "%s", out);
	ck_assert_msg(strstr(out, "3 lignes déjà comptées baissent : −250,00 h") != NULL, "%s", out);
}
END_TEST

/* Rule 3 in the inbox: the compte-rendu lists what the batches of the run lowered. */
START_TEST(test_compte_rendu_lists_what_went_down)
{
	const char *dir = "tests/tmp/boite-baisse";

	ck_assert_int_eq(system("rm -rf tests/tmp/boite-baisse && mkdir -p tests/tmp/boite-baisse && "
							"for k in donneurs entreprises operations marches participants conventions; do "
							"cp " RULES "/$k.csv tests/tmp/boite-baisse/; done && "
							"cp " RULES "/heures_lot1.csv tests/tmp/boite-baisse/heures_lot1.csv"), 0);
	ck_assert_int_eq(testdb_run("batch tests/tmp/boite-baisse"), 2);

	char path[256];
	size_t length = 0;

	snprintf(path, sizeof(path), "%s/compte-rendu.txt", dir);

	/* the first run's lines not counted, by reason: those of check_attribution's table */
	char *text = testdb_read_file(path, &length);

	ck_assert_ptr_nonnull(text);
	ck_assert_msg(strstr(text, "Lignes non comptabilisées de ces lots, par motif\n"
						 "  plafond mensuel dépassé                 4 lignes       440,00 h\n"
						 "  hors période du marché                  2 lignes        80,00 h\n"
						 "  non éligible                            3 lignes       120,00 h\n") != NULL,
				  "%s", text);
	free(text);

	ck_assert_int_eq(system("cp " RULES "/heures_lot2_correctif.csv tests/tmp/boite-baisse/heures_lot2.csv"), 0);
	ck_assert_int_eq(testdb_run("batch tests/tmp/boite-baisse"), 0);
	text = testdb_read_file(path, &length);
	ck_assert_ptr_nonnull(text);
	ck_assert_msg(strstr(text, "Heures déjà comptées qui baissent avec ces lots\n"
						 "  Martin Léa (P1), marché M1, 2021-01 : 110,00 h → 100,00 h (remplacee)\n"
						 "  1 ligne déjà comptée baisse : −10,00 h\n") != NULL, "%s", text);
	free(text);
}
END_TEST

/* The case, through the shipped ETTI profile (cumul_mensuel): a rejected week sent
 * back corrected adds to its month: 35 + 35 + 35, then the third week, 140 h, not 35. */
START_TEST(test_etti_rejected_week_sent_back)
{
	const char *sum = "SELECT sum(heures_total) FROM v_ligne WHERE credite AND participant_id = 'P00010' "
		"AND mois = '2022-01-01'";

	testdb_import_referential_tolerant("data/sample");
	ck_assert_int_eq(testdb_run("import heures --profile etti-idees-bordeaux "
								PRATIQUE "/heures--etti-semaines.csv"), 2);
	ck_assert_double_eq_tol(testdb_number(sum), 105, 0.001);
	ck_assert_int_eq(testdb_run("import heures --profile etti-idees-bordeaux "
								PRATIQUE "/heures--etti-semaine3.csv"), 0);
	ck_assert_double_eq_tol(testdb_number(sum), 140, 0.001);
	testdb_assert_same_as_whole();
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
	tcase_add_test(regles, test_participants_json_without_eligibility_keys);
	tcase_add_test(regles, test_participants_json_profile_without_eligibility_keys);
	tcase_add_test(regles, test_operations_without_fiche_column);
	tcase_add_test(regles, test_operation_fiche_cleared_is_shown);
	tcase_add_test(regles, test_rejected_week_sent_back_adds);
	tcase_add_test(regles, test_week_straddling_two_months);
	tcase_add_test(regles, test_repeated_keys_rejected_with_invalid_twin);
	tcase_add_test(regles, test_cancel_batch);
	tcase_add_test(regles, test_cancel_keeps_lines_sent_again_unchanged);
	tcase_add_test(regles, test_reimport_names_batch_and_later_ones);
	tcase_add_test(regles, test_profile_weeks_keep_the_senders_grain);
	tcase_add_test(regles, test_lowered_by_correction_is_shown);
	tcase_add_test(regles, test_lowered_by_eligibility_removed_is_shown);
	tcase_add_test(regles, test_compte_rendu_lists_what_went_down);
	tcase_add_test(regles, test_etti_rejected_week_sent_back);
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
