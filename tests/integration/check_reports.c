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

#define DATA "tests/data/reports"
#define TMP "tests/tmp"
#define EXPECTED "tests/expected"
#define MASKED -1.0

static void
load_reports(void)
{
	ImportResult result = {0};

	testdb_import_referential(DATA);
	ck_assert_int_eq(testdb_import("heures", DATA "/heures_2021.csv", false, &result), IMPORT_LOADED);
	ck_assert_int_eq(result.rows_loaded, 18);
	/* fixed import dates and extraction date: outputs are reproducible */
	ck_assert(db_exec(testdb(), "UPDATE lot_import SET importe_le = '2022-01-15 10:00:00+00'"));
	setenv("SOURCE_DATE_EPOCH", "1642242600", 1);	/* 2022-01-15 */
	setenv("TZ", "UTC", 1);
}

/* Reads a whole file; the caller frees. */
static char *
read_all(const char *path, size_t *length)
{
	FILE *in = fopen(path, "rb");
	char *data = NULL;
	size_t size = 0, cap = 0, n;
	char chunk[8192];

	ck_assert_msg(in != NULL, "impossible de lire %s", path);
	while ((n = fread(chunk, 1, sizeof(chunk), in)) > 0)
	{
		if (size + n + 1 > cap)
		{
			cap = (size + n + 1) * 2;
			data = realloc(data, cap);
			ck_assert_ptr_nonnull(data);
		}
		memcpy(data + size, chunk, n);
		size += n;
	}
	fclose(in);
	if (data == NULL)
		data = calloc(1, 1);
	data[size] = '\0';
	if (length)
		*length = size;
	return data;
}

/* Output of a command (popen), the caller frees. */
static char *
command_output(const char *command)
{
	FILE *in = popen(command, "r");
	char *data = NULL;
	size_t size = 0, cap = 0, n;
	char chunk[8192];

	ck_assert_msg(in != NULL, "impossible de lancer %s", command);
	while ((n = fread(chunk, 1, sizeof(chunk), in)) > 0)
	{
		if (size + n + 1 > cap)
		{
			cap = (size + n + 1) * 2;
			data = realloc(data, cap);
			ck_assert_ptr_nonnull(data);
		}
		memcpy(data + size, chunk, n);
		size += n;
	}
	pclose(in);
	if (data == NULL)
		data = calloc(1, 1);
	data[size] = '\0';
	return data;
}

/* Compares an output with its golden file, printing the diff when they differ. */
static void
assert_golden(const char *actual, const char *expected)
{
	char command[1024];

	if (getenv("CLAUSE_UPDATE_GOLDEN"))
	{
		snprintf(command, sizeof(command), "cp %s %s", actual, expected);
		ck_assert_int_eq(system(command), 0);
		return;
	}
	snprintf(command, sizeof(command), "diff -u %s %s", expected, actual);
	ck_assert_msg(system(command) == 0, "%s diffère de %s (diff ci-dessus)", actual, expected);
}

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
	{ALL, "total", "BM", "contrats_cddi", 4},
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
	{ALL, "marche", "MA1", "age_moins_26", 3},
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

	load_reports();
	snprintf(sql, sizeof(sql),
			 "SELECT CASE WHEN masque THEN 'masque' ELSE valeur::text END FROM impact(%s) "
			 "WHERE niveau = '%s' AND groupe_id = '%s' AND cle = '%s'",
			 c->args, c->niveau, c->groupe, c->cle);

	const char *text = testdb_text(sql);

	if (c->expected == MASKED)
		ck_assert_msg(strcmp(text, "masque") == 0, "%s %s %s : %s au lieu de masqué",
					  c->niveau, c->groupe, c->cle, text);
	else
		ck_assert_msg(fabs(strtod(text, NULL) - c->expected) < 0.00051 && strcmp(text, "masque") != 0,
					  "%s %s %s (%s) : %s au lieu de %g", c->niveau, c->groupe, c->cle, c->args,
					  text, c->expected);
}
END_TEST

START_TEST(test_impact_scope)
{
	load_reports();
	/* the other donneur's marché and the line not credited stay out */
	ck_assert_int_eq(testdb_count("SELECT count(DISTINCT groupe_id) FROM impact('BM') WHERE niveau = 'marche'"), 3);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM impact('BM') WHERE groupe_id = 'MX1'"), 0);
	ck_assert_int_eq(testdb_count("SELECT count(DISTINCT niveau || groupe_id) FROM impact('BM', 'OP-B')"), 4);
	/* no value is ever given for a masked cell */
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM impact('BM') WHERE masque AND valeur IS NOT NULL"), 0);
	/* total: two age bands, six criteria (deld rsa aah rqth jeune senior), four contract types */
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM impact('BM') WHERE masque AND niveau = 'total'"), 12);
	/* sources: the six referential files and the timesheet, not the conventions */
	ck_assert_str_eq(testdb_text("SELECT string_agg(nature, ',' ORDER BY lot_id) FROM impact_sources('BM')"),
					 "donneurs,entreprises,operations,marches,participants,heures");
}
END_TEST

START_TEST(test_threshold_is_configurable)
{
	load_reports();
	ck_assert_int_eq(testdb_run("config set seuil_masquage 5"), 0);
	/* below 5: OP-B (4), MA2 (2), MB1 (4), POF (4); MA1 and its attributaire have 5 */
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM impact('BM') WHERE cle = 'participants' AND masque"), 4);
	ck_assert_int_eq(testdb_count("SELECT valeur FROM impact('BM') WHERE niveau = 'total' AND cle = 'participants'"), 6);
	ck_assert_int_eq(testdb_run("report impact --donneur BM --format csv -o " TMP "/impact-seuil5.csv"), 0);

	char *csv = read_all(TMP "/impact-seuil5.csv", NULL);

	ck_assert_ptr_nonnull(strstr(csv, "operation;OP-B;Propreté des quais;personnes;participants;Participants;< 5;personnes"));
	free(csv);
	ck_assert_int_eq(testdb_run("config set seuil_masquage 1"), 0);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM impact('BM') WHERE masque"), 0);
}
END_TEST

/* Golden files: report impact in text, CSV and JSON, progress in CSV. */
typedef struct GoldenCase
{
	const char *args;
	const char *file;
} GoldenCase;

static const GoldenCase GOLDEN_CASES[] = {
	{"report impact --donneur BM", "impact-BM.txt"},
	{"report impact --donneur BM --format csv", "impact-BM.csv"},
	{"report impact --donneur BM --format json", "impact-BM.json"},
	{"report impact --donneur BM --operation OP-A --from 2021-02 --to 2021-03", "impact-BM-OP-A-T1.txt"},
	{"report progress --plie bordeaux --as-of 2021-12-31 --format csv", "progress-bordeaux.csv"},
};

START_TEST(test_golden)
{
	const GoldenCase *c = &GOLDEN_CASES[_i];
	char command[512], actual[256], expected[256];

	load_reports();
	snprintf(actual, sizeof(actual), TMP "/%s", c->file);
	snprintf(expected, sizeof(expected), EXPECTED "/%s", c->file);
	snprintf(command, sizeof(command), "%s -o %s", c->args, actual);
	ck_assert_int_eq(testdb_run(command), 0);
	assert_golden(actual, expected);
}
END_TEST

START_TEST(test_csv_opens_in_french_excel)
{
	load_reports();
	ck_assert_int_eq(testdb_run("report impact --donneur BM --format csv -o " TMP "/impact.csv"), 0);

	size_t length = 0;
	char *csv = read_all(TMP "/impact.csv", &length);

	ck_assert(length > 3 && memcmp(csv, "\xEF\xBB\xBF", 3) == 0);	/* BOM */
	ck_assert_ptr_nonnull(strstr(csv, "niveau;identifiant;libellé;rubrique;clé;indicateur;valeur;unité\r\n"));
	ck_assert_ptr_nonnull(strstr(csv, ";taux_realisation;Taux de réalisation;73,3;%\r\n"));
	ck_assert_ptr_nonnull(strstr(csv, ";heures_realisees;Heures réalisées;1319;heures\r\n"));	/* no grouping */
	ck_assert_ptr_nonnull(strstr(csv, ";age_26_49;De 26 à 49 ans;< 3;personnes\r\n"));
	free(csv);
}
END_TEST

/* Attributes and value of cell REF in an xlsx sheet's XML: "t=s|12" style summary. */
static bool
xlsx_cell(const char *xml, const char *ref, bool *is_text, double *value)
{
	char needle[32];
	const char *cell, *end, *v;

	snprintf(needle, sizeof(needle), "<c r=\"%s\"", ref);
	cell = strstr(xml, needle);
	if (cell == NULL)
		return false;
	end = strchr(cell, '>');
	*is_text = end && memmem(cell, (size_t) (end - cell), " t=\"", 4) != NULL;
	v = strstr(cell, "<v>");
	if (v == NULL)
		return false;
	*value = strtod(v + 3, NULL);
	return true;
}

static void
assert_numeric_cell(const char *xml, const char *ref, double expected)
{
	bool is_text = true;
	double value = 0;

	ck_assert_msg(xlsx_cell(xml, ref, &is_text, &value), "cellule %s absente", ref);
	ck_assert_msg(!is_text, "cellule %s en texte", ref);
	ck_assert_msg(fabs(value - expected) < 1e-6, "cellule %s : %g au lieu de %g", ref, value, expected);
}

START_TEST(test_xlsx_read_back)
{
	load_reports();
	ck_assert_int_eq(testdb_run("report impact --donneur BM --format xlsx -o " TMP "/impact.xlsx"), 0);

	char *workbook = command_output("unzip -p " TMP "/impact.xlsx xl/workbook.xml");
	const char *sheets[] = {"Synthèse", "Opérations", "Marchés", "Entreprises", "Heures par mois", "Sources"};

	for (size_t i = 0; i < sizeof(sheets) / sizeof(sheets[0]); i++)
	{
		char needle[64];

		snprintf(needle, sizeof(needle), "<sheet name=\"%s\"", sheets[i]);
		ck_assert_msg(strstr(workbook, needle) != NULL, "feuille %s absente", sheets[i]);
	}
	free(workbook);

	/* Synthèse: header on row 5, values from row 6 in column C */
	char *summary = command_output("unzip -p " TMP "/impact.xlsx xl/worksheets/sheet1.xml");
	bool is_text = false;
	double value = 0;

	ck_assert_ptr_nonnull(strstr(summary, "<pane ySplit=\"5\""));	/* frozen header */
	assert_numeric_cell(summary, "C6", 1800);
	assert_numeric_cell(summary, "C7", 1319);
	assert_numeric_cell(summary, "C10", 0.7328);
	assert_numeric_cell(summary, "C11", 0.82);
	assert_numeric_cell(summary, "C12", 6);
	ck_assert(xlsx_cell(summary, "C17", &is_text, &value) && is_text);	/* 26-49: "< 3" */
	free(summary);

	/* Marchés: a row per marché, numbers in the indicator columns */
	char *marches = command_output("unzip -p " TMP "/impact.xlsx xl/worksheets/sheet3.xml");

	assert_numeric_cell(marches, "D6", 1000);	/* MA1 heures prévues */
	assert_numeric_cell(marches, "E6", 814);
	assert_numeric_cell(marches, "E8", 290);	/* MB1 */
	free(marches);

	/* title row, sources with their SHA-256, no participant */
	char *strings = command_output("unzip -p " TMP "/impact.xlsx xl/sharedStrings.xml");

	ck_assert_ptr_nonnull(strstr(strings, "Tableau d'impact — Bordeaux Métropole (BM)"));
	ck_assert_ptr_nonnull(strstr(strings, "extraction du 15/01/2022"));
	ck_assert_ptr_nonnull(strstr(strings, "heures_2021.csv"));
	ck_assert_ptr_null(strstr(strings, "Zanetti"));
	free(strings);
	char *sources = command_output("unzip -p " TMP "/impact.xlsx xl/worksheets/sheet6.xml");

	assert_numeric_cell(sources, "A6", 1);
	free(sources);

	ck_assert_int_eq(testdb_run("report progress --as-of 2021-12-31 --format xlsx -o " TMP "/progress.xlsx"), 0);
	char *progress = command_output("unzip -p " TMP "/progress.xlsx xl/workbook.xml");

	ck_assert_ptr_nonnull(strstr(progress, "<sheet name=\"Avancement\""));
	ck_assert_ptr_nonnull(strstr(progress, "<sheet name=\"Sources\""));
	free(progress);
}
END_TEST

/* Well-formed (parses as XML) and offline (no URL, script or external resource). */
static void
assert_offline_html(const char *path, bool chart)
{
	char command[512];

	snprintf(command, sizeof(command), "xmllint --noout %s", path);
	ck_assert_msg(system(command) == 0, "%s mal formé", path);

	char *html = read_all(path, NULL);
	const char *forbidden[] = {"http:", "https:", "//", "<script", "src=", "url(", "@import", "<link"};

	for (size_t i = 0; i < sizeof(forbidden) / sizeof(forbidden[0]); i++)
		ck_assert_msg(strstr(html, forbidden[i]) == NULL, "%s contient « %s »", path, forbidden[i]);
	ck_assert_ptr_nonnull(strstr(html, "<html lang=\"fr\">"));
	ck_assert_ptr_nonnull(strstr(html, "@media print"));
	if (chart)
		ck_assert_ptr_nonnull(strstr(html, "<svg"));
	ck_assert_ptr_nonnull(strstr(html, "Extraction du 15/01/2022"));
	ck_assert_ptr_nonnull(strstr(html, "heures_2021.csv"));
	free(html);
}

START_TEST(test_html_offline)
{
	load_reports();
	ck_assert_int_eq(testdb_run("report impact --donneur BM --format html -o " TMP "/impact.html"), 0);
	assert_offline_html(TMP "/impact.html", true);
	ck_assert_int_eq(testdb_run("report progress --as-of 2021-06-30 --format html -o " TMP "/progress.html"), 0);
	assert_offline_html(TMP "/progress.html", true);

	char *html = read_all(TMP "/progress.html", NULL);

	ck_assert_ptr_nonnull(strstr(html, "<polyline"));		/* the cumulative curve */
	ck_assert_ptr_nonnull(strstr(html, "Projection fin de période"));
	ck_assert_ptr_nonnull(strstr(html, "class=\"gauge\""));
	free(html);
}
END_TEST

START_TEST(test_no_participant_in_any_format)
{
	const char *formats[] = {"text", "csv", "json", "html"};
	const char *people[] = {"Q1", "Q2", "Q3", "Q4", "Q5", "Q6", "Q7", "Zanetti", "Yildiz", "Ullmann", "Zoé"};

	load_reports();
	for (size_t f = 0; f < sizeof(formats) / sizeof(formats[0]); f++)
	{
		char command[256], path[128];

		snprintf(path, sizeof(path), TMP "/impact-privacy.%s", formats[f]);
		snprintf(command, sizeof(command), "report impact --donneur BM --format %s -o %s", formats[f], path);
		ck_assert_int_eq(testdb_run(command), 0);

		char *text = read_all(path, NULL);

		for (size_t p = 0; p < sizeof(people) / sizeof(people[0]); p++)
			ck_assert_msg(strstr(text, people[p]) == NULL, "%s contient « %s »", path, people[p]);
		free(text);
	}
}
END_TEST

/* The facilitateur's sheet of November 2021 for Bordeaux (all the data set's opérations). */
START_TEST(test_suivi_figures)
{
	load_reports();
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
	assert_golden(TMP "/suivi.txt", EXPECTED "/suivi-bordeaux-2021-11.txt");
	ck_assert_int_eq(testdb_run("report suivi --plie inconnu --mois 2021-11"), 1);
	ck_assert_int_eq(testdb_run("report suivi --plie bordeaux --mois 2021"), 1);
}
END_TEST

/* The monthly sheet in the other formats: one CSV table, a workbook, a page. */
START_TEST(test_suivi_formats)
{
	load_reports();
	ck_assert_int_eq(testdb_run("report suivi --plie bordeaux --mois 2021-11 --format csv -o " TMP "/suivi.csv"), 0);
	assert_golden(TMP "/suivi.csv", EXPECTED "/suivi-bordeaux-2021-11.csv");

	char *csv = read_all(TMP "/suivi.csv", NULL);

	ck_assert(memcmp(csv, "\xEF\xBB\xBF", 3) == 0);
	ck_assert_ptr_nonnull(strstr(csv, "bordeaux;2021-11;echeances;MB1;Nettoyage des quais;Propreté des quais;"
								 "Propreté Œuvre Façades;31/12/2021;60;500;290;210;"));
	ck_assert_ptr_nonnull(strstr(csv, ";non_comptabilisees;;;;;;;;;;;;;;;;;;hors_periode_marche;0;0;1;50\r\n"));
	free(csv);

	ck_assert_int_eq(testdb_run("report suivi --plie bordeaux --mois 2021-11 --format xlsx -o " TMP "/suivi.xlsx"), 0);

	char *workbook = command_output("unzip -p " TMP "/suivi.xlsx xl/workbook.xml");
	const char *sheets[] = {"Échéances", "Marchés muets", "Non éligibles", "Non comptabilisées", "Sources"};

	for (size_t i = 0; i < sizeof(sheets) / sizeof(sheets[0]); i++)
	{
		char needle[64];

		snprintf(needle, sizeof(needle), "<sheet name=\"%s\"", sheets[i]);
		ck_assert_msg(strstr(workbook, needle) != NULL, "feuille %s absente", sheets[i]);
	}
	free(workbook);

	/* Échéances: MX1 first (row 6), end date a real date, hours due in column I */
	char *due = command_output("unzip -p " TMP "/suivi.xlsx xl/worksheets/sheet1.xml");

	ck_assert_ptr_nonnull(strstr(due, "<pane xSplit=\"1\" ySplit=\"5\""));
	assert_numeric_cell(due, "E6", 44561);		/* 31/12/2021 as an Excel date */
	assert_numeric_cell(due, "F6", 60);
	assert_numeric_cell(due, "I6", 300);
	assert_numeric_cell(due, "I7", 210);
	assert_numeric_cell(due, "I8", 186);
	free(due);

	char *motifs = command_output("unzip -p " TMP "/suivi.xlsx xl/worksheets/sheet4.xml");

	assert_numeric_cell(motifs, "E7", 50);		/* hors période since January */
	free(motifs);

	char *strings = command_output("unzip -p " TMP "/suivi.xlsx xl/sharedStrings.xml");

	ck_assert_ptr_nonnull(strstr(strings, "Suivi mensuel du facilitateur — PLIE de Bordeaux — novembre 2021"));
	ck_assert_ptr_nonnull(strstr(strings, "Q7"));	/* the pseudonymous id the facilitateur acts on */
	ck_assert_ptr_null(strstr(strings, "Tessier"));
	free(strings);

	ck_assert_int_eq(testdb_run("report suivi --plie bordeaux --mois 2021-11 --format html -o " TMP "/suivi.html"), 0);
	assert_offline_html(TMP "/suivi.html", false);

	char *html = read_all(TMP "/suivi.html", NULL);

	ck_assert_ptr_nonnull(strstr(html, "<td>MB1</td>"));
	ck_assert_ptr_nonnull(strstr(html, "<td class=\"n\">210</td>"));
	ck_assert_ptr_nonnull(strstr(html, "<td>31/12/2021</td>"));
	ck_assert_ptr_nonnull(strstr(html, "<td>mars 2021</td>"));
	ck_assert_ptr_null(strstr(html, "Tessier"));
	free(html);
	ck_assert_int_eq(testdb_run("report suivi --plie bordeaux --mois 2021-11 --format xlsx"), 1);
	ck_assert_int_eq(testdb_run("report suivi --plie bordeaux --mois 2021-11 --format pdf"), 1);
}
END_TEST

START_TEST(test_usage_errors)
{
	load_reports();
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
