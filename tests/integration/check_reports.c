/*
 * Reports against the hand-checked data set of tests/data/reports/ (its README derives
 * every figure): tableau d'impact figures and masking, golden text/CSV/JSON files, the
 * xlsx read back, the HTML well-formed and offline, the progress dashboard.
 * CLAUSE_UPDATE_GOLDEN=1 rewrites tests/expected/ instead of comparing.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testdb.h"

#define TMP "tests/tmp"
#define EXPECTED "tests/expected"
#define MASKED -1.0

/* One figure of impact(): -1 (MASKED) when the cell must be masked. */
typedef struct ImpactCase
{
	const char *args;			/* SQL arguments of impact() */
	const char *niveau;
	const char *groupe;
	const char *cle;
	double expected;
} ImpactCase;

#define ALL "'BM'"
#define Q1 "'BM', NULL, '2021-01-01', '2021-03-01'"

static const ImpactCase IMPACT_CASES[] = {
	/* totals: 1 000 + 300 + 500 planned; 790 + 160 + 290 worked; 24 + 55 training */
	{ALL, "total", "BM", "heures_prevues", 1800},
	{ALL, "total", "BM", "heures_realisees", 1319},
	{ALL, "total", "BM", "heures_travaillees", 1240},
	{ALL, "total", "BM", "heures_formation", 79},
	{ALL, "total", "BM", "taux_realisation", 0.7328},
	{ALL, "total", "BM", "etp", 0.82},
	{ALL, "total", "BM", "participants", 6},
	{ALL, "total", "BM", "contrats", 8},
	{ALL, "total", "BM", "femmes", 3},
	{ALL, "total", "BM", "hommes", 3},
	{ALL, "total", "BM", "age_moins_26", 3},	/* Q1 21, Q4 23, Q6 25 at their first hour */
	{ALL, "total", "BM", "age_26_49", MASKED},	/* Q2 */
	{ALL, "total", "BM", "age_50_plus", MASKED},	/* Q3, Q5 */
	{ALL, "total", "BM", "qpv", 3},
	{ALL, "total", "BM", "critere_qpv", 3},
	{ALL, "total", "BM", "critere_rsa", MASKED},
	{ALL, "total", "BM", "critere_ass", 0},		/* 0 is shown: no one to re-identify */
	/* 4 CDDI, but the four types masked add up to 8 - 4 = 4: all ones, so the CDDI are
	 * secret too (secondary masking, 25_impact_masque.sql) */
	{ALL, "total", "BM", "contrats_cddi", MASKED},
	{ALL, "total", "BM", "heures_cddi", 545},
	{ALL, "total", "BM", "contrats_cdi", MASKED},
	{ALL, "total", "BM", "heures_cdi", 290},
	{ALL, "total", "BM", "modalite_embauche_directe", 1074},
	{ALL, "total", "BM", "modalite_mise_a_disposition", 170},
	{ALL, "total", "BM", "modalite_sous_traitance", 40},
	{ALL, "total", "BM", "modalite_formation", 35},
	{ALL, "total", "BM", "mois_2021-02", 484},
	{ALL, "total", "BM", "mois_2021-11", 50},
	/* opérations */
	{ALL, "operation", "OP-A", "heures_realisees", 1029},
	{ALL, "operation", "OP-A", "taux_realisation", 0.7915},
	{ALL, "operation", "OP-A", "participants", 6},
	{ALL, "operation", "OP-B", "participants", 4},
	{ALL, "operation", "OP-B", "hommes", MASKED},
	/* marchés: Q6 is 25 at his first hour on MA1 (02/2021), 26 on MB1 (10/2021) */
	{ALL, "marche", "MA1", "heures_realisees", 814},
	/* 3, but MA1's two masked bands add up to 5 - 3 = 2: one each; so secret too */
	{ALL, "marche", "MA1", "age_moins_26", MASKED},
	{ALL, "marche", "MA2", "participants", MASKED},
	{ALL, "marche", "MA2", "contrats", MASKED},
	{ALL, "marche", "MA2", "heures_formation", 55},
	{ALL, "marche", "MB1", "heures_realisees", 290},	/* Q7 non éligible: not counted */
	{ALL, "marche", "MB1", "age_moins_26", MASKED},
	{ALL, "marche", "MB1", "age_26_49", MASKED},
	/* entreprises attributaires: POF holds MA2 and MB1 */
	{ALL, "entreprise", "33100002000015", "heures_prevues", 800},
	{ALL, "entreprise", "33100002000015", "heures_realisees", 505},
	{ALL, "entreprise", "33100002000015", "taux_realisation", 0.6313},
	{ALL, "entreprise", "33100002000015", "participants", 4},
	/* the first quarter only */
	{Q1, "total", "BM", "heures_realisees", 994},
	{Q1, "total", "BM", "heures_formation", 44},
	{Q1, "total", "BM", "participants", 6},
	{Q1, "marche", "MB1", "heures_realisees", 0},
	{Q1, "marche", "MB1", "participants", 0},
	/* one opération */
	{"'BM', 'OP-B'", "total", "BM", "heures_prevues", 500},
	{"'BM', 'OP-B'", "total", "BM", "heures_realisees", 290},
};

START_TEST(test_impact_figures)
{
	const ImpactCase *c = &IMPACT_CASES[_i];
	char sql[512];

	testdb_load_reports();
	/* a figure is checked below the masking layer (impact_calcul(), where only counts
	 * below the threshold are masked); what impact() shows of it is the same figure,
	 * unless hidden so that no masked count can be worked out (check_masking) */
	snprintf(sql, sizeof(sql),
			 "SELECT CASE WHEN masque THEN 'masque' ELSE valeur::text END FROM %s(%s) "
			 "WHERE niveau = '%s' AND groupe_id = '%s' AND cle = '%s'",
			 c->expected == MASKED ? "impact" : "impact_calcul", c->args, c->niveau, c->groupe, c->cle);

	char text[64];

	snprintf(text, sizeof(text), "%s", testdb_text(sql));
	if (c->expected == MASKED)
		ck_assert_msg(strcmp(text, "masque") == 0, "%s %s %s : %s au lieu de masqué",
					  c->niveau, c->groupe, c->cle, text);
	else
	{
		ck_assert_msg(fabs(strtod(text, NULL) - c->expected) < 0.00051 && strcmp(text, "masque") != 0,
					  "%s %s %s (%s) : %s au lieu de %g", c->niveau, c->groupe, c->cle, c->args,
					  text, c->expected);
		snprintf(sql, sizeof(sql),
				 "SELECT CASE WHEN masque THEN 'masque' ELSE valeur::text END FROM impact(%s) "
				 "WHERE niveau = '%s' AND groupe_id = '%s' AND cle = '%s'",
				 c->args, c->niveau, c->groupe, c->cle);

		const char *shown = testdb_text(sql);

		ck_assert_msg(strcmp(shown, "masque") == 0 || strcmp(shown, text) == 0, "%s %s %s : %s affiché, %s calculé",
					  c->niveau, c->groupe, c->cle, shown, text);
	}
}
END_TEST

START_TEST(test_impact_scope)
{
	testdb_load_reports();
	/* the other donneur's marché and the line not credited stay out */
	ck_assert_int_eq(testdb_count("SELECT count(DISTINCT groupe_id) FROM impact('BM') WHERE niveau = 'marche'"), 3);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM impact('BM') WHERE groupe_id = 'MX1'"), 0);
	ck_assert_int_eq(testdb_count("SELECT count(DISTINCT niveau || groupe_id) FROM impact('BM', 'OP-B')"), 4);
	/* no value is ever given for a masked cell */
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM impact('BM') WHERE masque AND valeur IS NOT NULL"), 0);
	/* total: two age bands, six criteria (deld rsa aah rqth jeune senior), four contract
	 * types, and the CDDI count that would give them away (secret); and across levels
	 * (MA2 has 2 people): the hours of the months, modalités and contract types that
	 * MA2's would follow from, and the bounds of the bands and criteria the entreprises'
	 * "< 3" would force (check_masking) */
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM impact_calcul('BM') WHERE masque AND niveau = 'total'"), 12);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM impact('BM') WHERE masque AND niveau = 'total'"), 24);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM impact('BM') WHERE secret AND niveau = 'total'"), 18);
	/* below the masking layer, the figures computed by hand */
	ck_assert_int_eq(testdb_count("SELECT valeur FROM impact_calcul('BM') WHERE niveau = 'total' AND cle = 'contrats_cddi'"), 4);
	ck_assert_int_eq(testdb_count("SELECT valeur FROM impact_calcul('BM') WHERE groupe_id = 'MA1' AND cle = 'age_moins_26'"), 3);
	/* sources: the six referential files and the timesheet, not the conventions */
	ck_assert_str_eq(testdb_text("SELECT string_agg(nature, ',' ORDER BY lot_id) FROM impact_sources('BM')"),
					 "donneurs,entreprises,operations,marches,participants,heures");
}
END_TEST

START_TEST(test_threshold_is_configurable)
{
	testdb_load_reports();
	ck_assert_int_eq(testdb_run("config set seuil_masquage 5"), 0);
	/* below 5: OP-B (4), MA2 (2), MB1 (4), POF (4); MA1 and its attributaire have 5 */
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM impact_calcul('BM') WHERE cle = 'participants' AND masque"), 4);
	ck_assert_int_eq(testdb_count("SELECT valeur FROM impact('BM') WHERE niveau = 'total' AND cle = 'participants'"), 6);
	ck_assert_int_eq(testdb_run("report impact --donneur BM --format csv -o " TMP "/impact-seuil5.csv"), 0);

	char *csv = testdb_read_file(TMP "/impact-seuil5.csv", NULL);

	ck_assert_ptr_nonnull(strstr(csv, "operation;OP-B;Propreté des quais;personnes;participants;Participants;< 5;personnes"));
	free(csv);
	ck_assert_int_eq(testdb_run("config set seuil_masquage 1"), 0);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM impact('BM') WHERE masque"), 0);
}
END_TEST

/* Golden files: report impact in text, CSV and JSON, progress in CSV. */
static const GoldenCase GOLDEN_CASES[] = {
	{"report impact --donneur BM", "impact-BM.txt"},
	{"report impact --donneur BM --format csv", "impact-BM.csv"},
	{"report impact --donneur BM --format json", "impact-BM.json"},
	{"report impact --donneur BM --operation OP-A --from 2021-02 --to 2021-03", "impact-BM-OP-A-T1.txt"},
	{"report progress --plie bordeaux --as-of 2021-12-31 --format csv", "progress-bordeaux.csv"},
};

START_TEST(test_golden)
{
	testdb_load_reports();
	testdb_assert_golden_case(&GOLDEN_CASES[_i]);
}
END_TEST

START_TEST(test_csv_opens_in_french_excel)
{
	testdb_load_reports();
	ck_assert_int_eq(testdb_run("report impact --donneur BM --format csv -o " TMP "/impact.csv"), 0);

	size_t length = 0;
	char *csv = testdb_read_file(TMP "/impact.csv", &length);

	ck_assert(length > 3 && memcmp(csv, "\xEF\xBB\xBF", 3) == 0);	/* BOM */
	ck_assert_ptr_nonnull(strstr(csv, "niveau;identifiant;libellé;rubrique;clé;indicateur;valeur;unité\r\n"));
	ck_assert_ptr_nonnull(strstr(csv, ";taux_realisation;Taux de réalisation;73,3;%\r\n"));
	ck_assert_ptr_nonnull(strstr(csv, ";heures_realisees;Heures réalisées;1319;heures\r\n"));	/* no grouping */
	ck_assert_ptr_nonnull(strstr(csv, ";age_26_49;De 26 à 49 ans;< 3;personnes\r\n"));
	free(csv);
}
END_TEST

START_TEST(test_xlsx_read_back)
{
	testdb_load_reports();
	ck_assert_int_eq(testdb_run("report impact --donneur BM --format xlsx -o " TMP "/impact.xlsx"), 0);

	const char *const sheets[] = {"Synthèse", "Opérations", "Marchés", "Entreprises", "Heures par mois", "Sources", NULL};

	testdb_assert_xlsx_sheets(TMP "/impact.xlsx", sheets);

	/* Synthèse: header on row 5, values from row 6 in column C */
	char *summary = testdb_command_output("unzip -p " TMP "/impact.xlsx xl/worksheets/sheet1.xml");
	bool is_text = false;
	double value = 0;

	ck_assert_ptr_nonnull(strstr(summary, "<pane ySplit=\"5\""));	/* frozen header */
	testdb_assert_numeric_cell(summary, "C6", 1800);
	testdb_assert_numeric_cell(summary, "C7", 1319);
	testdb_assert_numeric_cell(summary, "C10", 0.7328);
	testdb_assert_numeric_cell(summary, "C11", 0.82);
	testdb_assert_numeric_cell(summary, "C12", 6);
	ck_assert(testdb_xlsx_cell(summary, "C17", &is_text, &value) && is_text);	/* 26-49: "< 3" */
	free(summary);

	/* Marchés: a row per marché, numbers in the indicator columns */
	char *marches = testdb_command_output("unzip -p " TMP "/impact.xlsx xl/worksheets/sheet3.xml");

	testdb_assert_numeric_cell(marches, "D6", 1000);	/* MA1 heures prévues */
	testdb_assert_numeric_cell(marches, "E6", 814);
	testdb_assert_numeric_cell(marches, "E8", 290);	/* MB1 */
	free(marches);

	/* title row, sources with their SHA-256, no participant */
	char *strings = testdb_command_output("unzip -p " TMP "/impact.xlsx xl/sharedStrings.xml");

	ck_assert_ptr_nonnull(strstr(strings, "Tableau d'impact — Bordeaux Métropole (BM)"));
	ck_assert_ptr_nonnull(strstr(strings, "extraction du 15/01/2022"));
	ck_assert_ptr_nonnull(strstr(strings, "heures_2021.csv"));
	ck_assert_ptr_null(strstr(strings, "Zanetti"));
	free(strings);
	char *sources = testdb_command_output("unzip -p " TMP "/impact.xlsx xl/worksheets/sheet6.xml");

	testdb_assert_numeric_cell(sources, "A6", 1);
	free(sources);

	ck_assert_int_eq(testdb_run("report progress --as-of 2021-12-31 --format xlsx -o " TMP "/progress.xlsx"), 0);
	const char *const progress_sheets[] = {"Avancement", "Sources", NULL};

	testdb_assert_xlsx_sheets(TMP "/progress.xlsx", progress_sheets);
}
END_TEST

START_TEST(test_html_offline)
{
	testdb_load_reports();
	ck_assert_int_eq(testdb_run("report impact --donneur BM --format html -o " TMP "/impact.html"), 0);
	testdb_assert_offline_html(TMP "/impact.html", true);
	ck_assert_int_eq(testdb_run("report progress --as-of 2021-06-30 --format html -o " TMP "/progress.html"), 0);
	testdb_assert_offline_html(TMP "/progress.html", true);

	char *html = testdb_read_file(TMP "/progress.html", NULL);

	ck_assert_ptr_nonnull(strstr(html, "<polyline"));		/* the cumulative curve */
	ck_assert_ptr_nonnull(strstr(html, "Projection fin de période"));
	ck_assert_ptr_nonnull(strstr(html, "class=\"gauge\""));
	free(html);
}
END_TEST

START_TEST(test_no_participant_in_any_format)
{
	testdb_load_reports();
	testdb_assert_no_participant("report impact --donneur BM", "impact-privacy");
}
END_TEST

/* The facilitateur's sheet of November 2021 for Bordeaux (all the data set's opérations). */
START_TEST(test_suivi_figures)
{
	testdb_load_reports();
	/* ending by February 2022 with hours due, same end date: most hours due first */
	ck_assert_str_eq(testdb_text("SELECT string_agg(marche_id || ':' || heures_dues::integer || ':' || jours_restants, ' ') "
								 "FROM suivi_echeances('bordeaux', '2021-11-01')"),
					 "MX1:300:60 MB1:210:60 MA1:186:60");
	/* active in October and November, no line in either month */
	ck_assert_str_eq(testdb_text("SELECT string_agg(marche_id || ':' || to_char(dernier_mois, 'YYYY-MM'), ' ') "
								 "FROM suivi_silencieux('bordeaux', '2021-11-01')"),
					 "MA1:2021-03 MX1:2021-05");
	ck_assert_str_eq(testdb_text("SELECT string_agg(participant_id || ':' || heures::integer, ' ') "
								 "FROM suivi_non_eligibles('bordeaux', '2021-11-01')"), "Q7:40");
	ck_assert_str_eq(testdb_text("SELECT string_agg(motif || ':' || lignes_mois || '/' || heures_mois::integer || ':' "
								 "|| lignes_annee || '/' || heures_annee::integer, ' ') "
								 "FROM suivi_non_comptabilisees('bordeaux', '2021-11-01')"),
					 "non_eligible:1/40:1/40 hors_periode_marche:0/0:1/50 depassement_plafond:0/0:0/0 remplacee:0/0:0/0");
	ck_assert_int_eq(testdb_run("report suivi --plie bordeaux --mois 2021-11 -o " TMP "/suivi.txt"), 0);
	testdb_assert_golden(TMP "/suivi.txt", EXPECTED "/suivi-bordeaux-2021-11.txt");
	ck_assert_int_eq(testdb_run("report suivi --plie inconnu --mois 2021-11"), 1);
	ck_assert_int_eq(testdb_run("report suivi --plie bordeaux --mois 2021"), 1);
}
END_TEST

/* The monthly sheet in the other formats: one CSV table, a workbook, a page. */
START_TEST(test_suivi_formats)
{
	testdb_load_reports();
	ck_assert_int_eq(testdb_run("report suivi --plie bordeaux --mois 2021-11 --format csv -o " TMP "/suivi.csv"), 0);
	testdb_assert_golden(TMP "/suivi.csv", EXPECTED "/suivi-bordeaux-2021-11.csv");

	char *csv = testdb_read_file(TMP "/suivi.csv", NULL);

	ck_assert(memcmp(csv, "\xEF\xBB\xBF", 3) == 0);
	ck_assert_ptr_nonnull(strstr(csv, "bordeaux;2021-11;echeances;MB1;Nettoyage des quais;Propreté des quais;"
								 "Propreté Œuvre Façades;31/12/2021;60;500;290;210;"));
	ck_assert_ptr_nonnull(strstr(csv, ";non_comptabilisees;;;;;;;;;;;;;;;;;;hors période du marché;0;0;1;50;;;\r\n"));
	free(csv);

	ck_assert_int_eq(testdb_run("report suivi --plie bordeaux --mois 2021-11 --format xlsx -o " TMP "/suivi.xlsx"), 0);

	const char *const sheets[] = {"Échéances", "Marchés muets", "Non éligibles", "Non comptabilisées", "Lignes du mois",
		"Sources", NULL};

	testdb_assert_xlsx_sheets(TMP "/suivi.xlsx", sheets);

	/* Échéances: MX1 first (row 6), end date a real date, hours due in column I */
	char *due = testdb_command_output("unzip -p " TMP "/suivi.xlsx xl/worksheets/sheet1.xml");

	ck_assert_ptr_nonnull(strstr(due, "<pane xSplit=\"1\" ySplit=\"5\""));
	testdb_assert_numeric_cell(due, "E6", 44561);		/* 31/12/2021 as an Excel date */
	testdb_assert_numeric_cell(due, "F6", 60);
	testdb_assert_numeric_cell(due, "I6", 300);
	testdb_assert_numeric_cell(due, "I7", 210);
	testdb_assert_numeric_cell(due, "I8", 186);
	free(due);

	char *motifs = testdb_command_output("unzip -p " TMP "/suivi.xlsx xl/worksheets/sheet4.xml");

	testdb_assert_numeric_cell(motifs, "E7", 50);		/* hors période since January */
	free(motifs);

	char *strings = testdb_command_output("unzip -p " TMP "/suivi.xlsx xl/sharedStrings.xml");

	ck_assert_ptr_nonnull(strstr(strings, "Suivi mensuel du facilitateur — PLIE de Bordeaux — novembre 2021"));
	/* the facilitateur's own sheet names the participant to call, with the id */
	ck_assert_ptr_nonnull(strstr(strings, "Tessier Théo (Q7)"));
	ck_assert_ptr_nonnull(strstr(strings, "non éligible : aucune date d'éligibilité au 30/11/2021"));
	free(strings);

	ck_assert_int_eq(testdb_run("report suivi --plie bordeaux --mois 2021-11 --format html -o " TMP "/suivi.html"), 0);
	testdb_assert_offline_html(TMP "/suivi.html", false);

	char *html = testdb_read_file(TMP "/suivi.html", NULL);

	ck_assert_ptr_nonnull(strstr(html, "<td>MB1</td>"));
	ck_assert_ptr_nonnull(strstr(html, "<td class=\"n\">210</td>"));
	ck_assert_ptr_nonnull(strstr(html, "<td>31/12/2021</td>"));
	ck_assert_ptr_nonnull(strstr(html, "<td>mars 2021</td>"));
	ck_assert_ptr_nonnull(strstr(html, "<td>Tessier Théo (Q7)</td>"));
	ck_assert_ptr_nonnull(strstr(html, "<td>aucun critère</td>"));
	free(html);
	ck_assert_int_eq(testdb_run("report suivi --plie bordeaux --mois 2021-11 --format xlsx"), 1);
	ck_assert_int_eq(testdb_run("report suivi --plie bordeaux --mois 2021-11 --format pdf"), 1);
}
END_TEST

START_TEST(test_usage_errors)
{
	testdb_load_reports();
	ck_assert_int_eq(testdb_run("report impact"), 1);
	ck_assert_int_eq(testdb_run("report impact --donneur INCONNU"), 1);
	ck_assert_int_eq(testdb_run("report impact --donneur BM --operation OP-X"), 1);	/* not BM's */
	ck_assert_int_eq(testdb_run("report impact --donneur BM --from 2021-13"), 1);
	ck_assert_int_eq(testdb_run("report impact --donneur BM --from 2021-05 --to 2021-01"), 1);
	ck_assert_int_eq(testdb_run("report impact --donneur BM --format xlsx"), 1);
	ck_assert_int_eq(testdb_run("report impact --donneur BM --format pdf"), 1);
	ck_assert_int_eq(testdb_run("report progress --format xlsx"), 1);
}
END_TEST

static Suite *
reports_suite(void)
{
	Suite *suite = suite_create("reports");
	TCase *impact = tcase_create("impact");

	tcase_set_timeout(impact, 120);
	tcase_add_checked_fixture(impact, testdb_setup, testdb_teardown);
	tcase_add_loop_test(impact, test_impact_figures, 0, sizeof(IMPACT_CASES) / sizeof(IMPACT_CASES[0]));
	tcase_add_test(impact, test_impact_scope);
	tcase_add_test(impact, test_threshold_is_configurable);
	tcase_add_loop_test(impact, test_golden, 0, sizeof(GOLDEN_CASES) / sizeof(GOLDEN_CASES[0]));
	tcase_add_test(impact, test_csv_opens_in_french_excel);
	tcase_add_test(impact, test_xlsx_read_back);
	tcase_add_test(impact, test_html_offline);
	tcase_add_test(impact, test_no_participant_in_any_format);
	tcase_add_test(impact, test_suivi_figures);
	tcase_add_test(impact, test_suivi_formats);
	tcase_add_test(impact, test_usage_errors);
	suite_add_tcase(suite, impact);
	return suite;
}

int
main(void)
{
	SRunner *runner = srunner_create(reports_suite());

	srunner_run_all(runner, CK_NORMAL);

	int failed = srunner_ntests_failed(runner);

	srunner_free(runner);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
