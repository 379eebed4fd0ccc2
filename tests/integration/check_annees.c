/*
 * Years as data (DOMAIN.md, "Years"; issue 14): fiches and territories loaded by
 * clause import fiches|territoires, resolved by the month, against the hand-computed data
 * set of tests/data/annees/ (its README explains every line and figure).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/lib/migrate.h"
#include "testdb.h"

#define DATA "tests/data/annees"

/* Referential files and the timesheets of late 2021 and early 2022. */
static void
load_year_data(void)
{
	ImportResult result = {0};

	testdb_import_referential(DATA);
	ck_assert_int_eq(testdb_import("heures", DATA "/heures.csv", false, &result), IMPORT_LOADED);
	ck_assert_int_eq(result.rows_loaded, 11);
}

/* The 2022 territory and catalogue, in CSV (format 0) or JSON (format 1). */
static void
load_2022(int format)
{
	ImportResult result = {0};

	ck_assert_int_eq(testdb_import("territoires", format ? DATA "/territoires-2022.json"
								   : DATA "/territoires-2022.csv", false, &result), IMPORT_LOADED);
	ck_assert_int_eq(result.rows_loaded, 3);
	ck_assert_int_eq(testdb_import("fiches", format ? DATA "/fiches-2022.json"
								   : DATA "/fiches-2022.csv", false, &result), IMPORT_LOADED);
	ck_assert_int_eq(result.rows_read, 7);
	ck_assert_int_eq(result.rows_loaded, 7);
}

static const char *
line_status(int line)
{
	return testdb_status_of("heures.csv", line);
}

/* A figure of progression_fiche(year, as_of) for a fiche code and indicator. */
static double
progress_figure(const char *column, int year, const char *as_of, const char *fiche, const char *key)
{
	char sql[512];

	snprintf(sql, sizeof(sql), "SELECT %s FROM progression_fiche(%d, '%s') WHERE fiche = '%s' AND cle = '%s'",
			 column, year, as_of, fiche, key);
	return testdb_number(sql);
}

START_TEST(test_reference_files_are_the_2021_catalogue)
{
	ImportResult result = {0};
	const char *catalogue =
		"SELECT string_agg(f.plie || f.code || f.titre || f.date_debut || f.date_fin || f.clause_insertion "
		"|| k.rang || coalesce(k.cle, '-') || k.libelle || k.cible || k.unite || k.a_minima || k.par_etp, "
		"'|' ORDER BY f.plie, f.code, k.rang) FROM fiche f JOIN fiche_indicateur k ON k.fiche_id = f.id";
	const char *territories =
		"SELECT string_agg(plie || annee || code_insee || commune || confirme, '|' ORDER BY code_insee) "
		"FROM plie_commune";
	char *fiches_sql = strdup(testdb_text(catalogue));
	char *communes_sql = strdup(testdb_text(territories));

	ck_assert_ptr_nonnull(fiches_sql);
	ck_assert_ptr_nonnull(communes_sql);
	/* the data files, loaded into an empty catalogue, give back what migration 0002 wrote */
	ck_assert(db_exec(testdb(), "DELETE FROM fiche_indicateur; DELETE FROM fiche; DELETE FROM plie_commune"));
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM fiche"), 0);
	ck_assert_int_eq(testdb_import("territoires", "data/reference/territoires-plie-2021.csv", false, &result),
					 IMPORT_LOADED);
	ck_assert_int_eq(result.rows_loaded, 191);
	ck_assert_int_eq(testdb_import("fiches", "data/reference/fiches-2021.csv", false, &result), IMPORT_LOADED);
	ck_assert_int_eq(result.rows_loaded, 27);
	ck_assert_str_eq(testdb_text(catalogue), fiches_sql);
	ck_assert_str_eq(testdb_text(territories), communes_sql);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM plie_commune WHERE NOT confirme"), 94);
	ck_assert_str_eq(testdb_text("SELECT string_agg(k.cible || ' ' || k.unite || CASE WHEN k.par_etp THEN ' par ETP' "
								 "ELSE '' END, ', ' ORDER BY k.rang) FROM fiche_indicateur k "
								 "JOIN fiche f ON f.id = k.fiche_id WHERE f.code = 'S3'"),
					 "30000 heures par ETP, 15 marchés par ETP");
	free(fiches_sql);
	free(communes_sql);
}
END_TEST

typedef struct LineCase
{
	int line;
	const char *before;			/* with the 2021 catalogue only */
	const char *after;			/* once the 2022 territory and fiches are loaded */
} LineCase;

static const LineCase LINE_CASES[] = {
	{2, "credite/-/-", "credite/-/-"},	/* Villeneuve-sur-Lot, 2021: in no territory */
	{3, "credite/-/-", "credite/-/-"},
	{4, "credite/-/-", "credite/A3/agenais"},	/* joins the Agenais in 2022 */
	{5, "credite/-/-", "credite/A3/agenais"},
	{6, "credite/A3/agenais", "credite/A3/agenais"},	/* Agen, 2021: A3 of 2021 */
	{7, "credite/-/agenais", "credite/A3/agenais"},	/* 2021 territory carried; no 2022 fiche yet */
	{8, "credite/B1/bordeaux", "credite/B1/bordeaux"},
	{9, "credite/-/bordeaux", "credite/B1/bordeaux"},	/* names B1: the 2022–2023 one */
	{10, "credite/-/-", "credite/MA1/marmandais"},	/* a PLIE created by the territory file */
	{11, "credite/-/grand_perigueux", "credite/-/grand_perigueux"},	/* GP2 or GP4 */
	{12, "credite/-/grand_perigueux", "credite/-/grand_perigueux"},	/* no GP fiche in 2022 */
};

START_TEST(test_lines_before_the_2022_catalogue)
{
	load_year_data();
	ck_assert_str_eq(line_status(LINE_CASES[_i].line), LINE_CASES[_i].before);
}
END_TEST

START_TEST(test_lines_after_the_2022_catalogue)
{
	load_year_data();
	load_2022(_i % 2);
	ck_assert_str_eq(line_status(LINE_CASES[_i / 2].line), LINE_CASES[_i / 2].after);
}
END_TEST

START_TEST(test_catalogue_first_then_hours)
{
	/* the incremental attribution of the new months gives what a whole one gives */
	testdb_import_referential(DATA);
	load_2022(1);

	ImportResult result = {0};

	ck_assert_int_eq(testdb_import("heures", DATA "/heures.csv", false, &result), IMPORT_LOADED);

	const char *snapshot = "SELECT string_agg(ligne_id || ':' || coalesce(plie, '-') || ':' || coalesce(fiche, '-'), ' ' "
		"ORDER BY ligne_id) FROM attribution";
	const char *sums = "SELECT string_agg(plie || fiche || mois || ':' || heures, ' ' ORDER BY plie, fiche, mois) "
		"FROM fiche_heures_mois";
	char before[1024], sums_before[1024];

	snprintf(before, sizeof(before), "%s", testdb_text(snapshot));
	snprintf(sums_before, sizeof(sums_before), "%s", testdb_text(sums));
	ck_assert_int_eq(testdb_run("attribute"), 0);
	ck_assert_str_eq(testdb_text(snapshot), before);
	ck_assert_str_eq(testdb_text(sums), sums_before);
	for (size_t i = 0; i < sizeof(LINE_CASES) / sizeof(LINE_CASES[0]); i++)
		ck_assert_str_eq(line_status(LINE_CASES[i].line), LINE_CASES[i].after);
}
END_TEST

START_TEST(test_progress_2022_and_two_year_fiche)
{
	load_year_data();
	load_2022(0);
	/* A3 2022: 50 + (60 + 10) on Villeneuve-sur-Lot, 80 on Agen */
	ck_assert_double_eq_tol(progress_figure("realise", 2022, "2022-12-31", "A3", "heures"), 200, 1e-9);
	ck_assert_double_eq_tol(progress_figure("attendu", 2022, "2022-12-31", "A3", "heures"), 45000, 1e-9);
	/* marchés active in 2022 in the Agenais: M-VSL (to 30/06/2022) and M-AGEN */
	ck_assert_double_eq_tol(progress_figure("realise", 2022, "2022-12-31", "A3", "marches"), 2, 1e-9);
	/* A3 2021 keeps its figure: Agen's 100 h of December 2021 */
	ck_assert_double_eq_tol(progress_figure("realise", 2021, "2021-12-31", "A3", "heures"), 100, 1e-9);
	ck_assert_double_eq_tol(progress_figure("realise", 2021, "2021-12-31", "B1", "heures"), 20, 1e-9);
	/* B1 over 2022–2023 (730 days): at the end of 2022, half the target is expected */
	ck_assert_double_eq_tol(progress_figure("realise", 2022, "2022-12-31", "B1", "heures"), 25, 1e-9);
	ck_assert_double_eq_tol(progress_figure("attendu", 2022, "2022-12-31", "B1", "heures"), 250000, 1e-9);
	ck_assert_double_eq_tol(progress_figure("projection", 2022, "2022-12-31", "B1", "heures"), 50, 1e-9);
	/* 30/06/2023: 365 + 181 = 546 days of 730: 500 000 × 546 / 730 = 373 972,60 */
	ck_assert_double_eq_tol(progress_figure("attendu", 2023, "2023-06-30", "B1", "heures"), 373972.60, 1e-9);
	ck_assert_double_eq_tol(progress_figure("attendu", 2023, "2023-06-30", "B1", "conventions"), 29.92, 1e-9);
	/* C1 runs from 01/06/2021 to 30/06/2022: in force during the fiche */
	ck_assert_double_eq_tol(progress_figure("realise", 2023, "2023-06-30", "B1", "conventions"), 1, 1e-9);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM progression_fiche(2023, '2023-06-30')"), 3);

	char out[8192];

	ck_assert_int_eq(testdb_run_output("report progress --year 2022 --plie bordeaux --as-of 2022-12-31",
									   out, sizeof(out)), 0);
	ck_assert_msg(strstr(out, "B1 — bordeaux — Facilitateur Clauses d'Insertion FSE+") != NULL, "%s", out);
	ck_assert_msg(strstr(out, "Heures d'insertion                      500 000           25    0,0 %      250 000           50")
				  != NULL, "%s", out);
	ck_assert_msg(strstr(out, "Sessions de sensibilisation") != NULL, "%s", out);
	ck_assert_msg(strstr(out, "bordeaux : territoire de 2021") != NULL, "%s", out);
}
END_TEST

START_TEST(test_hours_without_fiche)
{
	load_year_data();
	/* before 2022 is loaded: Agen's 80 h of January 2022 (no A3 covers it), B1's 25 h */
	ck_assert_str_eq(testdb_text("SELECT string_agg(plie || ' ' || heures || ' ' || motif, ' | ' ORDER BY plie) "
								 "FROM heures_sans_fiche('2022-01-01', '2022-12-31')"),
					 "agenais 80.00 aucune fiche clause du PLIE ne couvre le mois | "
					 "bordeaux 25.00 aucune fiche clause du PLIE ne couvre le mois | "
					 "grand_perigueux 12.00 aucune fiche clause du PLIE ne couvre le mois");
	ck_assert_str_eq(testdb_text("SELECT string_agg(plie || ' ' || heures || ' ' || motif, ' | ') "
								 "FROM heures_sans_fiche('2021-01-01', '2021-12-31')"),
					 "grand_perigueux 15.00 opération sans fiche (PLIE du Grand Périgueux) : GP2 ou GP4 à choisir");
	load_2022(1);
	ck_assert_str_eq(testdb_text("SELECT string_agg(plie || ' ' || heures, ' | ') "
								 "FROM heures_sans_fiche('2022-01-01', '2022-12-31')"),
					 "grand_perigueux 12.00");

	char out[8192];

	ck_assert_int_eq(testdb_run_output("report suivi --plie grand_perigueux --mois 2022-03", out, sizeof(out)), 0);
	ck_assert_msg(strstr(out, "Territoire 2022 non chargé (clause import territoires) : celui de 2021 s'applique.")
				  != NULL, "%s", out);
	ck_assert_msg(strstr(out, "Heures créditées sans fiche depuis janvier : 12 h, 1 ligne — aucune fiche clause "
						 "du PLIE ne couvre le mois.") != NULL, "%s", out);
	/* the same notes in the CSV (rubrique remarque) and the XLSX (sheet Remarques) */
	ck_assert_int_eq(system("mkdir -p tests/tmp"), 0);
	ck_assert_int_eq(testdb_run("report suivi --plie grand_perigueux --mois 2022-03 --format csv "
								"-o tests/tmp/annees-suivi.csv"), 0);

	char *csv = testdb_read_file("tests/tmp/annees-suivi.csv", NULL);

	ck_assert_ptr_nonnull(csv);
	ck_assert_msg(strstr(csv, "grand_perigueux;2022-03;remarque;Territoire 2022 non chargé (clause import "
						 "territoires) : celui de 2021 s'applique.;") != NULL, "%s", csv);
	ck_assert_msg(strstr(csv, "grand_perigueux;2022-03;remarque;Heures créditées sans fiche depuis janvier : "
						 "12 h, 1 ligne — aucune fiche clause du PLIE ne couvre le mois.;") != NULL, "%s", csv);
	free(csv);
	ck_assert_int_eq(testdb_run("report suivi --plie grand_perigueux --mois 2022-03 --format xlsx "
								"-o tests/tmp/annees-suivi.xlsx"), 0);

	const char *const sheets[] = {"Remarques", NULL};

	testdb_assert_xlsx_sheets("tests/tmp/annees-suivi.xlsx", sheets);

	char *strings = testdb_command_output("unzip -p tests/tmp/annees-suivi.xlsx xl/sharedStrings.xml");

	ck_assert_ptr_nonnull(strings);
	ck_assert_msg(strstr(strings, "Heures créditées sans fiche depuis janvier : 12 h, 1 ligne — aucune fiche "
						 "clause du PLIE ne couvre le mois.") != NULL, "%s", strings);
	free(strings);
	ck_assert_int_eq(testdb_run_output("report suivi --plie agenais --mois 2022-03", out, sizeof(out)), 0);
	ck_assert_msg(strstr(out, "Territoire 2022") == NULL, "%s", out);
	ck_assert_int_eq(testdb_run_output("report progress --year 2021 --plie grand_perigueux --as-of 2021-12-31",
									   out, sizeof(out)), 0);
	ck_assert_msg(strstr(out, "grand_perigueux : 15 h, 1 ligne sur 1 mois — opération sans fiche "
						 "(PLIE du Grand Périgueux) : GP2 ou GP4 à choisir") != NULL, "%s", out);
}
END_TEST

START_TEST(test_progress_notes_in_every_format)
{
	static const char *const formats[] = {"text", "csv", "json", "html", "xlsx"};
	/* what each format says of the Agenais in 2022, before the 2022 files: its 2021
	 * territory holds, and Agen's 80 h of January 2022 have no fiche */
	static const char *const territory[] = {
		"agenais : territoire de 2021",
		";agenais;;Territoire 2022 non chargé (clause import territoires) : celui de 2021 s'applique;"
		"territoire_reporte;;;;;;;2022-12-31\r\n",
		"\"territoires_reportes\":\t[{\n\t\t\t\"plie\":\t\"agenais\",\n\t\t\t\"annee_territoire\":\t2021",
		"Territoire 2022 de agenais non chargé : celui de 2021 s'applique.",
		"Territoire 2022 non chargé (clause import territoires) : celui de 2021 s'applique",
	};
	static const char *const orphans[] = {
		"agenais : 80 h, 1 ligne sur 1 mois — aucune fiche clause du PLIE ne couvre le mois",
		";agenais;;Heures créditées sans fiche (1 ligne sur 1 mois) — aucune fiche clause du PLIE ne couvre "
		"le mois;heures_sans_fiche;heures;;80;;;;2022-12-31\r\n",
		"\"motif\":\t\"aucune fiche clause du PLIE ne couvre le mois\",\n\t\t\t\"mois\":\t1,\n"
		"\t\t\t\"lignes\":\t1,\n\t\t\t\"heures\":\t80",
		"agenais : 80 h, 1 ligne — aucune fiche clause du PLIE ne couvre le mois",
		"Heures créditées sans fiche (1 ligne sur 1 mois) — aucune fiche clause du PLIE ne couvre le mois",
	};
	char command[256], path[128];

	load_year_data();
	ck_assert_int_eq(system("mkdir -p tests/tmp"), 0);
	snprintf(path, sizeof(path), "tests/tmp/annees-progress-%s", formats[_i]);
	snprintf(command, sizeof(command), "report progress --year 2022 --plie agenais --as-of 2022-12-31 "
			 "--format %s -o %s", formats[_i], path);
	ck_assert_int_eq(testdb_run(command), 0);

	char *text;

	if (strcmp(formats[_i], "xlsx") == 0)
	{
		snprintf(command, sizeof(command), "unzip -p %s xl/sharedStrings.xml xl/worksheets/sheet1.xml", path);
		text = testdb_command_output(command);
		ck_assert_ptr_nonnull(text);
		/* the 80 h in the Réalisé column, on the row of the note */
		ck_assert_msg(strstr(text, "<v>80</v>") != NULL, "%s", text);
	}
	else
		text = testdb_read_file(path, NULL);
	ck_assert_ptr_nonnull(text);
	ck_assert_msg(strstr(text, territory[_i]) != NULL, "%s", text);
	ck_assert_msg(strstr(text, orphans[_i]) != NULL, "%s", text);
	free(text);
}
END_TEST

START_TEST(test_territory_holds_until_replaced)
{
	load_year_data();
	load_2022(0);
	/* the Agenais's 2022 territory (Agen, Villeneuve-sur-Lot) holds in 2025; 2021's had 31 communes */
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM v_territoire WHERE plie = 'agenais' "
								  "AND 2025 BETWEEN annee_debut AND annee_fin"), 2);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM v_territoire WHERE plie = 'agenais' "
								  "AND 2021 BETWEEN annee_debut AND annee_fin"), 31);
	ck_assert_str_eq(testdb_text("SELECT string_agg(plie || ':' || annee_territoire, ' ') "
								 "FROM territoire_repli(2022) WHERE plie IN ('agenais', 'bordeaux', 'marmandais')"),
					 "bordeaux:2021");
	ck_assert_str_eq(testdb_text("SELECT nom FROM plie WHERE code = 'marmandais'"), "PLIE du Marmandais");
	/* a commune of another PLIE's year, and an unknown PLIE without a name: refused */

	ImportResult result = {0};

	ck_assert_int_eq(testdb_import("territoires", DATA "/territoires-conflit.csv", false, &result),
					 IMPORT_ROWS_REJECTED);
	ck_assert_int_eq(result.rows_rejected, 3);
	ck_assert_int_eq(result.rows_loaded, 1);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM rejet WHERE motif = "
								  "'la commune 47001 est déjà dans le territoire 2022 de agenais'"), 1);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM rejet WHERE motif LIKE 'PLIE inconnu « landes »%'"), 1);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM rejet WHERE motif LIKE "
								  "'territoire 2022 de sources non chargé : sa ligne 2 est rejetée'"), 1);
	/* a PLIE created by a territory file has conventions like any other */
	ck_assert_int_eq(testdb_import("conventions", DATA "/conventions-2022.csv", false, &result),
					 IMPORT_ROWS_REJECTED);
	ck_assert_int_eq(result.rows_loaded, 1);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM rejet WHERE colonne = 'plie' AND motif = "
								  "'PLIE inconnu « landes » (voir clause import territoires)'"), 1);
	ck_assert_double_eq_tol(progress_figure("realise", 2022, "2022-12-31", "MA1", "heures"), 10, 1e-9);
	/* technowest 2023 replaces its 2021 territory from 2023 on */
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM v_territoire WHERE plie = 'technowest' "
								  "AND 2023 BETWEEN annee_debut AND annee_fin"), 1);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM v_territoire WHERE plie = 'technowest' "
								  "AND 2022 BETWEEN annee_debut AND annee_fin"), 16);
}
END_TEST

START_TEST(test_fiche_rows_rejected_together)
{
	ImportResult result = {0};

	ck_assert_int_eq(testdb_import("fiches", DATA "/fiches-desaccord.csv", false, &result), IMPORT_ROWS_REJECTED);
	ck_assert_int_eq(result.rows_read, 7);
	ck_assert_int_eq(result.rows_loaded, 1);
	ck_assert_int_eq(result.rows_rejected, 6);
	ck_assert_str_eq(testdb_text("SELECT string_agg(ligne || ':' || colonne, ' ' ORDER BY ligne) FROM rejet"),
					 "2:titre 3:titre 5:code 6:cible 7:date_debut 8:date_debut");
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM fiche WHERE code IN ('PS2', 'S3', 'S4') "
								  "AND date_fin > '2021-12-31'"), 0);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM fiche WHERE code = 'ET2'"), 2);
}
END_TEST

START_TEST(test_import_again_updates_the_fiche)
{
	ImportResult result = {0};

	load_2022(0);

	long long id = testdb_count("SELECT id FROM fiche WHERE code = 'A3' AND date_debut = '2022-01-01'");

	ck_assert_int_eq(testdb_import("fiches", DATA "/fiches-2022-maj.csv", false, &result), IMPORT_LOADED);
	ck_assert_int_eq(result.rows_loaded, 2);	/* A3's two indicators; MA1 unchanged */
	ck_assert_int_eq(result.rows_unchanged, 1);
	ck_assert_int_eq(testdb_count("SELECT id FROM fiche WHERE code = 'A3' AND date_debut = '2022-01-01'"), id);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM fiche WHERE code = 'A3'"), 2);
	ck_assert_str_eq(testdb_text("SELECT string_agg(k.cle || '=' || k.cible, ' ' ORDER BY k.rang) "
								 "FROM fiche_indicateur k WHERE k.fiche_id = (SELECT id FROM fiche "
								 "WHERE code = 'A3' AND date_debut = '2022-01-01')"),
					 "heures=46000 marches=32");
	/* the 2021 fiche is untouched */
	ck_assert_str_eq(testdb_text("SELECT string_agg(k.cle || '=' || k.cible, ' ' ORDER BY k.rang) "
								 "FROM fiche_indicateur k JOIN fiche f ON f.id = k.fiche_id "
								 "WHERE f.code = 'A3' AND f.date_debut = '2021-01-01'"),
					 "marches=30 heures=40000");
}
END_TEST

START_TEST(test_fiche_commands)
{
	char out[8192];

	load_2022(0);
	ck_assert_int_eq(testdb_run_output("fiche list --year 2022", out, sizeof(out)), 0);
	ck_assert_msg(strstr(out, "B1    bordeaux         01/01/2022 – 31/12/2023  clause Facilitateur") != NULL,
				  "%s", out);
	ck_assert_msg(strstr(out, "2021 – ") == NULL, "%s", out);
	ck_assert_int_eq(testdb_run_output("fiche show B1", out, sizeof(out)), 0);
	ck_assert_msg(strstr(out, "période : 01/01/2021 – 31/12/2021") != NULL, "%s", out);
	ck_assert_msg(strstr(out, "période : 01/01/2022 – 31/12/2023") != NULL, "%s", out);
	ck_assert_msg(strstr(out, "source : fiches-2022.csv (lot 2, ligne 4)") != NULL, "%s", out);
	ck_assert_msg(strstr(out, "non suivi par clause") != NULL, "%s", out);
	ck_assert_int_eq(testdb_run("fiche show B1 --year 2030"), 1);
	/* two B1: the year picks one */
	ck_assert_int_eq(testdb_run_output("fiche etp B1 2", out, sizeof(out)), 1);
	ck_assert_msg(strstr(out, "2 fiches B1 : précisez l'année (--year AAAA)") != NULL, "%s", out);
	ck_assert_int_eq(testdb_run("fiche etp B1 2 --year 2023"), 0);
	ck_assert_str_eq(testdb_text("SELECT string_agg(coalesce(etp_declares::text, '-'), ' ' ORDER BY date_debut) "
								 "FROM fiche WHERE code = 'B1'"), "- 2");
}
END_TEST

START_TEST(test_monthly_box_with_next_year)
{
	testdb_import_referential(DATA);
	/* the box's order: territories, then fiches, then hours, whatever the names */
	ck_assert_int_eq(system("rm -rf tests/tmp/boite-annees && mkdir -p tests/tmp/boite-annees && "
							"cp " DATA "/heures.csv tests/tmp/boite-annees/heures_annees.csv && "
							"cp " DATA "/fiches-2022.csv tests/tmp/boite-annees/fiches_2022.csv && "
							"cp " DATA "/territoires-2022.json tests/tmp/boite-annees/territoires_2022.json"), 0);
	ck_assert_int_eq(testdb_run("batch tests/tmp/boite-annees"), 0);
	ck_assert_str_eq(testdb_text("SELECT string_agg(nature, ' ' ORDER BY id) FROM lot_import "
								 "WHERE nature IN ('territoires', 'fiches', 'heures')"),
					 "territoires fiches heures");
	for (size_t i = 0; i < sizeof(LINE_CASES) / sizeof(LINE_CASES[0]); i++)
		ck_assert_str_eq(testdb_status_of("heures_annees.csv", LINE_CASES[i].line), LINE_CASES[i].after);

	char *report = testdb_read_file("tests/tmp/boite-annees/compte-rendu.txt", NULL);

	ck_assert_ptr_nonnull(report);
	ck_assert_msg(strstr(report, "Territoires des mois reçus (clause import territoires)\n"
						 "  bordeaux : territoire 2022 non chargé, celui de 2021 s'applique\n") != NULL,
				  "%s", report);
	ck_assert_msg(strstr(report, "agenais : territoire 2022") == NULL, "%s", report);
	ck_assert_msg(strstr(report, "territoire 2021") == NULL, "%s", report);
	free(report);
}
END_TEST

/* The tables of ligne_heures (0170, 0220), by name and by count of lines. */
static const char *
year_tables(void)
{
	return testdb_text("SELECT string_agg(c.relname || '=' || "
					   "(SELECT count(*) FROM ligne_heures l WHERE l.tableoid = c.oid), ' ' ORDER BY c.relname) "
					   "FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
					   "WHERE i.inhparent = 'clause.ligne_heures'::regclass");
}

/* The months each table of lines holds from FROM on, as ligne_heures_tables() reads its bounds. */
static const char *
table_bounds(const char *from)
{
	char sql[256];

	snprintf(sql, sizeof(sql), "SELECT string_agg(nom || ' ' || debut || ' ' || fin, ', ' ORDER BY debut) "
			 "FROM ligne_heures_tables() WHERE fin > '%s'", from);
	return testdb_text(sql);
}

/* A line come in another way than an import, of month mois ("2023-05-01"): its id. */
static long long
line_another_way(const char *mois, int ligne)
{
	char sql[512];

	snprintf(sql, sizeof(sql), "INSERT INTO ligne_heures (lot_id, ligne, participant_id, employeur_siret, "
			 "marche_id, mois, heures, type_contrat, modalite) "
			 "SELECT lot_id, %d, participant_id, employeur_siret, marche_id, '%s', 7, "
			 "type_contrat, modalite FROM ligne_heures ORDER BY id LIMIT 1 RETURNING id", ligne, mois);
	return testdb_count(sql);
}

#define MONTH_TABLES "ligne_heures_2021_10=1 ligne_heures_2021_11=1 ligne_heures_2021_12=3 " \
	"ligne_heures_2022_01=4 ligne_heures_2022_02=1 ligne_heures_2022_03=1"

START_TEST(test_lines_in_their_month_table)
{
	/* one file from October 2021 to March 2022: its COPY restarted at each new month */
	load_year_data();
	ck_assert_str_eq(year_tables(), MONTH_TABLES " ligne_heures_autres=0");
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM ligne_heures "
								  "WHERE tableoid::regclass::text <> 'ligne_heures_' || to_char(mois, 'YYYY_MM')"), 0);
	/* the import took the statistics of the whole, which autovacuum never takes */
	ck_assert_int_eq(testdb_count("SELECT reltuples FROM pg_class WHERE oid = 'clause.ligne_heures'::regclass"), 11);
	/* a month's statistics from 3,000 lines: every column at target 10 */
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM pg_attribute WHERE attrelid = "
								  "'clause.ligne_heures_2022_01'::regclass AND attnum > 0 AND attstattarget = 10"), 13);

	/* a line come in another way, of a month without its table, waits in
	 * ligne_heures_autres and moves into the month's table when it is made, with its id */
	long long id = line_another_way("2023-05-01", 99);

	ck_assert_str_eq(year_tables(), MONTH_TABLES " ligne_heures_autres=1");
	ck_assert_str_eq(testdb_text("SELECT ligne_heures_mois_table('2023-05-17')"), "t");
	ck_assert_str_eq(testdb_text("SELECT ligne_heures_mois_table('2023-05-01')"), "t");	/* made once */
	ck_assert_str_eq(year_tables(), MONTH_TABLES " ligne_heures_2023_05=1 ligne_heures_autres=0");
	ck_assert_int_eq(testdb_count("SELECT id FROM ONLY ligne_heures_2023_05"), id);
	ck_assert_str_eq(table_bounds("2023-01-01"), "ligne_heures_2023_05 2023-05-01 2023-06-01");
	/* a month outside 2000-2099 (a typing slip) makes no table: its lines stay in autres */
	ck_assert_str_eq(testdb_text("SELECT ligne_heures_mois_table('1999-05-01')"), "f");
	ck_assert_str_eq(testdb_text("SELECT to_regclass('clause.ligne_heures_1999_05') IS NULL"), "t");

	/* a large batch's month: a year's table where no table touches its year, the month's
	 * table where one does */
	ck_assert_str_eq(testdb_text("SELECT ligne_heures_mois_table('2024-03-01', true)"), "t");
	ck_assert_str_eq(testdb_text("SELECT ligne_heures_mois_table('2022-06-01', true)"), "t");
	ck_assert_str_eq(table_bounds("2022-04-01"), "ligne_heures_2022_06 2022-06-01 2022-07-01, "
					 "ligne_heures_2023_05 2023-05-01 2023-06-01, ligne_heures_2024 2024-01-01 2025-01-01");
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM pg_attribute WHERE attrelid = "
								  "'clause.ligne_heures_2024'::regclass AND attnum > 0 AND attstattarget = 10"), 0);
	/* narrowed at the batch's end to its last month, within its transaction only */
	ck_assert(db_exec(testdb(), "SELECT ligne_heures_mois_table('2025-02-01', true); "
					  "INSERT INTO ligne_heures (lot_id, ligne, participant_id, employeur_siret, "
					  "marche_id, mois, heures, type_contrat, modalite) "
					  "SELECT lot_id, 98, participant_id, employeur_siret, marche_id, '2025-04-01', 7, "
					  "type_contrat, modalite FROM ligne_heures ORDER BY id LIMIT 1; "
					  "SELECT ligne_heures_annees_resserrer('{2024,2025}')"));
	ck_assert_str_eq(table_bounds("2024-01-01"), "ligne_heures_2024 2024-01-01 2025-01-01, "
					 "ligne_heures_2025 2025-01-01 2025-05-01");
	ck_assert_str_eq(testdb_text("SELECT ligne_heures_mois_table('2025-05-01')"), "t");
	ck_assert_str_eq(table_bounds("2025-01-01"), "ligne_heures_2025 2025-01-01 2025-05-01, "
					 "ligne_heures_2025_05 2025-05-01 2025-06-01");
}
END_TEST

/*
 * The owner's month goes into a table of the batch's own, then each line where it belongs
 * (ligne_heures_lot_ranger(), migration 0220): a month that has a table through
 * ligne_heures, a month outside 2000-2099 into ligne_heures_autres, each new month into a
 * table of its own, the largest keeping the batch's table, with the line that came another
 * way and waited in autres. Nothing is left of the batch's table; ids follow the file.
 */
START_TEST(test_month_file_put_in_place)
{
	ImportResult result = {0};
	FILE *month;

	load_year_data();
	line_another_way("2023-04-01", 99);
	ck_assert_int_eq(system("mkdir -p tests/tmp"), 0);
	month = fopen("tests/tmp/annees-melange.csv", "w");
	ck_assert_ptr_nonnull(month);
	fputs("participant_id;employeur_siret;marche_id;mois;heures;heures_formation;type_contrat;modalite\n"
		  "P2;33100001000016;M-AGEN;2023-04;10;0;cdd;embauche_directe\n"
		  "P2;33100001000016;M-AGEN;2022-02;11;0;cdd;embauche_directe\n"
		  "P1;33100001000016;M-AGEN;2023-03;12;0;cdd;embauche_directe\n"
		  "P2;33100001000016;M-AGEN;1999-05;13;0;cdd;embauche_directe\n"
		  "P2;33100001000016;M-AGEN;2023-03;14;0;cdd;embauche_directe\n", month);
	ck_assert_int_eq(fclose(month), 0);
	char out[8192];

	ck_assert_int_eq(testdb_run_output("-vv import heures tests/tmp/annees-melange.csv", out, sizeof(out)), 0);
	ck_assert_msg(strstr(out, "le lot dans une table à lui, rangée à la fin") != NULL, "%s", out);
	ck_assert_msg(strstr(out, "5 chargées") != NULL, "%s", out);
	ck_assert_str_eq(year_tables(), "ligne_heures_2021_10=1 ligne_heures_2021_11=1 ligne_heures_2021_12=3 "
					 "ligne_heures_2022_01=4 ligne_heures_2022_02=2 ligne_heures_2022_03=1 "
					 "ligne_heures_2023_03=2 ligne_heures_2023_04=2 ligne_heures_autres=1");
	ck_assert_str_eq(testdb_text("SELECT string_agg(heures::text, ' ' ORDER BY id) FROM ligne_heures "
								 "WHERE lot_id = (SELECT max(id) FROM lot_import)"),
					 "10.00 11.00 12.00 13.00 14.00");
	ck_assert_str_eq(testdb_text("SELECT string_agg(tableoid::regclass::text, ' ' ORDER BY ligne) FROM ligne_heures "
								 "WHERE lot_id = (SELECT max(id) FROM lot_import)"),
					 "ligne_heures_2023_04 ligne_heures_2022_02 ligne_heures_2023_03 ligne_heures_autres "
					 "ligne_heures_2023_03");
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM pg_class WHERE relname LIKE 'ligne_heures_lot%' "
								  "AND relkind = 'r'"), 0);
	/* each new month's table whole: its indexes, its bounds */
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM pg_indexes WHERE tablename = 'ligne_heures_2023_03'"), 6);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM pg_indexes WHERE tablename = 'ligne_heures_2023_04'"), 6);
	ck_assert_str_eq(table_bounds("2023-01-01"), "ligne_heures_2023_03 2023-03-01 2023-04-01, "
					 "ligne_heures_2023_04 2023-04-01 2023-05-01");
	/* the same file again changes nothing */
	ck_assert_int_eq(testdb_import("heures", "tests/tmp/annees-melange.csv", false, &result), IMPORT_ALREADY_DONE);

	/* a file whose first line finds its month's table goes through ligne_heures, a new
	 * month after it getting its table made empty first */
	month = fopen("tests/tmp/annees-suite.csv", "w");
	ck_assert_ptr_nonnull(month);
	fputs("participant_id;employeur_siret;marche_id;mois;heures;heures_formation;type_contrat;modalite\n"
		  "P2;33100001000016;M-BDX;2023-03;15;0;cdd;embauche_directe\n"
		  "P2;33100001000016;M-BDX;2023-06;16;0;cdd;embauche_directe\n", month);
	ck_assert_int_eq(fclose(month), 0);
	ck_assert_int_eq(testdb_run_output("-vv import heures tests/tmp/annees-suite.csv", out, sizeof(out)), 0);
	ck_assert_msg(strstr(out, "première ligne de 2023-06 : table du mois prête") != NULL, "%s", out);
	ck_assert_msg(strstr(out, "table à lui") == NULL, "%s", out);
	ck_assert_str_eq(testdb_text("SELECT string_agg(tableoid::regclass::text, ' ' ORDER BY ligne) FROM ligne_heures "
								 "WHERE lot_id = (SELECT max(id) FROM lot_import)"),
					 "ligne_heures_2023_03 ligne_heures_2023_06");
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM pg_class WHERE relname LIKE 'ligne_heures_lot%' "
								  "AND relkind = 'r'"), 0);
}
END_TEST

START_TEST(test_new_month_table_analysed_by_its_import)
{
	ImportResult result = {0};
	FILE *month;

	load_year_data();
	ck_assert_int_eq(system("mkdir -p tests/tmp"), 0);
	month = fopen("tests/tmp/annees-2023-01.csv", "w");
	ck_assert_ptr_nonnull(month);
	fputs("participant_id;employeur_siret;marche_id;mois;heures;heures_formation;type_contrat;modalite\n"
		  "P1;33100001000016;M-BDX;2023-01;20;0;cdd;embauche_directe\n"
		  "P2;33100001000016;M-BDX;2023-01;25;0;cdi;embauche_directe\n"
		  "P1;33100001000016;M-AGEN;2023-01;30;0;cdd;embauche_directe\n", month);
	ck_assert_int_eq(fclose(month), 0);
	/* a month on a loaded history: the owner's monthly path, which makes the month's table */
	ck_assert_int_eq(testdb_import("heures", "tests/tmp/annees-2023-01.csv", false, &result), IMPORT_LOADED);
	ck_assert_int_eq(result.rows_loaded, 3);
	/* analysed before the commit (reltuples is -1 until an ANALYZE or a VACUUM), so that
	 * the next reader finds a batch's lines through the block-range index; the tables
	 * already analysed keep their statistics (the 2022-01 table, taken by the first load) */
	ck_assert_int_eq(testdb_count("SELECT reltuples FROM pg_class WHERE oid = 'clause.ligne_heures_2023_01'::regclass"), 3);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM pg_stats WHERE schemaname = 'clause' "
								  "AND tablename = 'ligne_heures_2023_01' AND attname = 'lot_id'"), 1);
	ck_assert_int_eq(testdb_count("SELECT reltuples FROM pg_class WHERE oid = 'clause.ligne_heures_2022_01'::regclass"), 4);
}
END_TEST

/* Figures that must not move when the lines change tables: the lines and their
 * attribution, row by row, the monthly sums and the 2022 progress of every fiche. */
static void
figures(char *out, size_t outsize)
{
	char lines[64], attribution[64], sums[64];

	snprintf(lines, sizeof(lines), "%s", testdb_text("SELECT md5(string_agg(l::text, '|' ORDER BY id)) "
													 "FROM ligne_heures l"));
	snprintf(attribution, sizeof(attribution), "%s",
			 testdb_text("SELECT md5(string_agg(a::text, '|' ORDER BY ligne_id)) FROM attribution a"));
	snprintf(sums, sizeof(sums), "%s",
			 testdb_text("SELECT md5(string_agg(f::text, '|' ORDER BY fiche, mois, plie)) FROM fiche_heures_mois f"));
	snprintf(out, outsize, "%s %s %s %s", lines, attribution, sums,
			 testdb_text("SELECT string_agg(fiche || ':' || cle || ':' || realise, ' ' ORDER BY fiche, cle) "
						 "FROM progression_fiche(2022, '2022-12-31')"));
}

/*
 * The data of this schema copied into a database as the release before migration skip
 * left it (before 0170: one table of lines): every table, as the owner, triggers off,
 * sequences where they were.
 */
static void
previous_release_copy(const char *skip)
{
	ck_assert(db_exec(testdb(), "ALTER SCHEMA clause RENAME TO clause_avant"));
	ck_assert(migrate_apply_without(testdb(), skip));
	ck_assert(db_exec(testdb(),
					  "SET session_replication_role = replica; "
					  "DO $$ DECLARE t record; BEGIN "
					  "  EXECUTE (SELECT 'TRUNCATE ' || string_agg(format('clause.%I', c.relname), ', ') "
					  "           FROM pg_class c WHERE c.relnamespace = 'clause'::regnamespace "
					  "           AND c.relkind = 'r' AND c.relname <> 'schema_migration'); "
					  "  FOR t IN SELECT c.relname FROM pg_class c "
					  "           WHERE c.relnamespace = 'clause_avant'::regnamespace AND c.relkind IN ('r', 'p') "
					  "           AND NOT c.relispartition AND c.relname <> 'schema_migration' LOOP "
					  "    EXECUTE format('INSERT INTO clause.%I OVERRIDING SYSTEM VALUE "
					  "                    SELECT * FROM clause_avant.%I', t.relname, t.relname); "
					  "  END LOOP; "
					  "  FOR t IN SELECT c.relname FROM pg_class c "
					  "           WHERE c.relnamespace = 'clause_avant'::regnamespace AND c.relkind = 'S' LOOP "
					  "    EXECUTE format('SELECT setval(''clause.%I'', last_value, is_called) "
					  "                    FROM clause_avant.%I', t.relname, t.relname); "
					  "  END LOOP; "
					  "END $$; "
					  "SET session_replication_role = DEFAULT; "
					  "DROP SCHEMA clause_avant CASCADE"));
}

START_TEST(test_previous_release_migrates_to_year_tables)
{
	char before[1024], after[1024];

	load_year_data();
	load_2022(0);
	ck_assert_int_eq(testdb_run("attribute"), 0);
	figures(before, sizeof(before));
	previous_release_copy("0170");
	ck_assert_str_eq(testdb_text("SELECT relkind FROM pg_class WHERE oid = 'clause.ligne_heures'::regclass"), "r");
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM ligne_heures"), 11);

	ck_assert(migrate_apply(testdb(), false));
	ck_assert_str_eq(year_tables(), "ligne_heures_2021=5 ligne_heures_2022=6 ligne_heures_autres=0");
	figures(after, sizeof(after));
	ck_assert_str_eq(after, before);
	ck_assert_int_eq(testdb_count("SELECT reltuples FROM pg_class WHERE oid = 'clause.ligne_heures'::regclass"), 11);
	/* the views and policies dropped with the old table are back */
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM v_ligne"), 11);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM pg_policy WHERE polname IN ('ligne_heures_lecture', "
								  "'participant_lecture', 'entreprise_lecture', 'lot_import_lecture')"), 4);
	/* the same figures from a whole attribution, and the ids go on from the sequence */
	ck_assert_int_eq(testdb_run("attribute"), 0);
	figures(after, sizeof(after));
	ck_assert_str_eq(after, before);
	ck_assert_str_eq(testdb_text("SELECT nextval('ligne_heures_id_seq') > max(id) FROM ligne_heures"), "t");
}
END_TEST

/*
 * A database of the release before 0220: its lines in years' tables, each made by the
 * year's first line (ligne_heures_annee(), which that release's importer called). The
 * migration narrows each to its last month; nothing moves, and the next month gets a
 * table of its own.
 */
START_TEST(test_previous_release_migrates_to_month_tables)
{
	char before[1024], after[1024];
	ImportResult result = {0};
	FILE *month;

	load_year_data();
	load_2022(0);
	ck_assert_int_eq(testdb_run("attribute"), 0);
	figures(before, sizeof(before));
	previous_release_copy("0220");
	ck_assert_str_eq(year_tables(), "ligne_heures_autres=11");
	testdb_text("SELECT ligne_heures_annee(2021)");
	testdb_text("SELECT ligne_heures_annee(2022)");
	ck_assert_str_eq(year_tables(), "ligne_heures_2021=5 ligne_heures_2022=6 ligne_heures_autres=0");
	ck_assert_str_eq(testdb_text("SELECT string_agg(pg_get_expr(c.relpartbound, c.oid), ', ' ORDER BY c.relname) "
								 "FROM pg_class c WHERE c.relname IN ('ligne_heures_2021', 'ligne_heures_2022')"),
					 "FOR VALUES FROM ('2021-01-01') TO ('2022-01-01'), "
					 "FOR VALUES FROM ('2022-01-01') TO ('2023-01-01')");

	ck_assert(migrate_apply(testdb(), false));
	/* 2021 holds December: whole; 2022 ends with March */
	ck_assert_str_eq(table_bounds("2000-01-01"), "ligne_heures_2021 2021-01-01 2022-01-01, "
					 "ligne_heures_2022 2022-01-01 2022-04-01");
	ck_assert_str_eq(year_tables(), "ligne_heures_2021=5 ligne_heures_2022=6 ligne_heures_autres=0");
	ck_assert_str_eq(testdb_text("SELECT to_regprocedure('ligne_heures_annee(integer)') IS NULL"), "t");
	figures(after, sizeof(after));
	ck_assert_str_eq(after, before);
	ck_assert_int_eq(testdb_run("attribute"), 0);
	figures(after, sizeof(after));
	ck_assert_str_eq(after, before);

	/* April 2022, the month after the narrowed year: a table of its own */
	ck_assert_int_eq(system("mkdir -p tests/tmp"), 0);
	month = fopen("tests/tmp/annees-2022-04.csv", "w");
	ck_assert_ptr_nonnull(month);
	fputs("participant_id;employeur_siret;marche_id;mois;heures;heures_formation;type_contrat;modalite\n"
		  "P1;33100001000016;M-BDX;2022-04;20;0;cdd;embauche_directe\n"
		  "P2;33100001000016;M-BDX;2022-04;25;0;cdi;embauche_directe\n", month);
	ck_assert_int_eq(fclose(month), 0);
	ck_assert_int_eq(testdb_import("heures", "tests/tmp/annees-2022-04.csv", false, &result), IMPORT_LOADED);
	ck_assert_int_eq(result.rows_loaded, 2);
	ck_assert_str_eq(year_tables(), "ligne_heures_2021=5 ligne_heures_2022=6 ligne_heures_2022_04=2 "
					 "ligne_heures_autres=0");
}
END_TEST

static Suite *
annees_suite(void)
{
	Suite *suite = suite_create("annees");
	TCase *tc = tcase_create("annees");
	int lines = (int) (sizeof(LINE_CASES) / sizeof(LINE_CASES[0]));

	tcase_set_timeout(tc, 120);
	tcase_add_checked_fixture(tc, testdb_setup, testdb_teardown);
	tcase_add_test(tc, test_reference_files_are_the_2021_catalogue);
	tcase_add_loop_test(tc, test_lines_before_the_2022_catalogue, 0, lines);
	tcase_add_loop_test(tc, test_lines_after_the_2022_catalogue, 0, 2 * lines);
	tcase_add_test(tc, test_catalogue_first_then_hours);
	tcase_add_test(tc, test_progress_2022_and_two_year_fiche);
	tcase_add_test(tc, test_hours_without_fiche);
	tcase_add_loop_test(tc, test_progress_notes_in_every_format, 0, 5);
	tcase_add_test(tc, test_territory_holds_until_replaced);
	tcase_add_test(tc, test_fiche_rows_rejected_together);
	tcase_add_test(tc, test_import_again_updates_the_fiche);
	tcase_add_test(tc, test_fiche_commands);
	tcase_add_test(tc, test_monthly_box_with_next_year);
	tcase_add_test(tc, test_lines_in_their_month_table);
	tcase_add_test(tc, test_month_file_put_in_place);
	tcase_add_test(tc, test_new_month_table_analysed_by_its_import);
	tcase_add_test(tc, test_previous_release_migrates_to_year_tables);
	tcase_add_test(tc, test_previous_release_migrates_to_month_tables);
	suite_add_tcase(suite, tc);
	return suite;
}

int
main(void)
{
	SRunner *runner = srunner_create(annees_suite());

	srunner_run_all(runner, CK_NORMAL);

	int failed = srunner_ntests_failed(runner);

	srunner_free(runner);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
