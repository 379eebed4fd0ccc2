/*
 * Senders' files as they come (issue #15): Excel workbooks through profiles and for
 * canonical kinds, old .xls and misnamed workbooks refused with what to do, nested
 * JSON, any file name in the box, and three senders' files giving their figures.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "importers/profile.h"
#include "src/workflow/attribute.h"
#include "testdb.h"

#define XLSX_DIR "tests/data/xlsx"
#define GARONNE_XLSX XLSX_DIR "/garonne-classeur-2022.xlsx"

static ImportStatus
import_with_profile(const char *name, const char *path, ImportResult *result)
{
	Profile profile = {0};

	ck_assert_msg(profile_load(name, ".", &profile), "profil %s illisible", name);

	ImportOptions options = {.kind = profile.kind->name, .path = path, .profile = &profile,
	.after_merge = attribute_after_import};
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

/* Copies the files of tests/data/SOURCE (not its folders) into a fresh tests/tmp/DIR. */
static void
fresh_box(const char *source, const char *dir)
{
	char command[1024];

	snprintf(command, sizeof(command), "rm -rf tests/tmp/%s && mkdir -p tests/tmp/%s && "
			 "find tests/data/%s -maxdepth 1 -type f -exec cp {} tests/tmp/%s/ \\;",
			 dir, dir, source, dir);
	ck_assert_int_eq(system(command), 0);
}

static int
count_files(const char *pattern)
{
	char command[512];
	int count = -1;

	snprintf(command, sizeof(command), "ls %s 2>/dev/null | wc -l", pattern);

	FILE *pipe = popen(command, "r");

	ck_assert_ptr_nonnull(pipe);
	ck_assert_int_eq(fscanf(pipe, "%d", &count), 1);
	pclose(pipe);
	return count;
}

/* Credited hours of a marché in a month, as the reports count them. */
static double
credited(const char *marche, const char *month)
{
	char sql[256];

	snprintf(sql, sizeof(sql), "SELECT coalesce(sum(heures_total), 0) FROM v_ligne WHERE credite "
			 "AND marche_id = '%s' AND mois = '%s'", marche, month);
	return testdb_number(sql);
}

/*
 * Done when (issue #15): three senders' files under their own names, with the profiles
 * of profiles/README.md taken as they are, give the figures computed by hand from their rows.
 * ETTI, weekly CSV (Windows-1252): Labat 35 + 35 + 28 h and 3,5 h of training on
 * BM-045, Sénac 21 h on BM-017 in February; Martin unknown and "Mercie" (Mercier) rejected.
 * Company workbook, first sheet: Martinez 151,67 h and Ménard 120 + 7 h on BM-045 in
 * January; BM-71 unknown (rejected). SIAE nested JSON: Mercier 80 + 4 h on BM-017 and
 * 12,5 h on BM-045, Carrère 60 h on BM-017 in February; BM-71 unknown (rejected).
 */
/* Writes each ```json block of profiles/README.md into tests/tmp/profils-readme/N.json. */
static void
profiles_from_readme(void)
{
	char *readme = testdb_read_file("profiles/README.md", NULL);
	int written = 0;

	ck_assert_ptr_nonnull(readme);
	ck_assert_int_eq(system("rm -rf tests/tmp/profils-readme && mkdir -p tests/tmp/profils-readme"), 0);
	for (char *block = strstr(readme, "```json\n"); block; block = strstr(block, "```json\n"))
	{
		char path[128];
		char *start = block + 8;
		char *end = strstr(start, "```");

		ck_assert_ptr_nonnull(end);
		snprintf(path, sizeof(path), "tests/tmp/profils-readme/%d.json", ++written);

		FILE *out = fopen(path, "wb");

		ck_assert_ptr_nonnull(out);
		fwrite(start, 1, (size_t) (end - start), out);
		fclose(out);
		block = end;
	}
	ck_assert_int_eq(written, 3);
	free(readme);
}

START_TEST(test_three_senders_box_under_their_own_names)
{
	char out[8192];

	testdb_import_referential_tolerant("data/sample");
	profiles_from_readme();
	fresh_box("boite-expediteurs", "boite-expediteurs");
	ck_assert_int_eq(testdb_run_output("batch --profils tests/tmp/profils-readme "
									   "tests/tmp/boite-expediteurs", out, sizeof(out)), 2);
	ck_assert_int_eq(count_files("tests/tmp/boite-expediteurs/traites/*.rejets.*"), 3);

	/* the ETTI's rejects speak its words: its columns, the person it surely meant */
	char *etti = testdb_command_output("iconv -f cp1252 -t utf-8 'tests/tmp/boite-expediteurs/traites/"
									   "Export paie Idées Intérim - février 2022.rejets.csv'");

	ck_assert_msg(strstr(etti, "MERCIE;Chloé;24/12/1980;2021-BM-017;14/02/2022;7,00;0,00;Intérim;7;"
						 "Intérimaire, Prénom, Date de naissance;participant introuvable : MERCIE "
						 "Chloé né(e) le 1980-12-24 : vouliez-vous dire « Mercier Chloé », né(e) le même jour ?")
				  && strstr(etti, "MARTIN;Paul;01/01/1990;2021-BM-017;07/02/2022;10,00;0,00;Intérim;6;"
							"Intérimaire, Prénom, Date de naissance;participant introuvable : MARTIN "
							"Paul né(e) le 1990-01-01 : personne de ce nom né(e) ce jour-là")
				  && !strstr(etti, "participant_id") && !strstr(etti, "importez"), "%s", etti);
	free(etti);
	ck_assert_int_eq(count_files("tests/tmp/boite-expediteurs/*.csv"), 0);
	ck_assert_int_eq(count_files("tests/tmp/boite-expediteurs/*.xlsx"), 0);
	ck_assert_int_eq(count_files("tests/tmp/boite-expediteurs/*.json"), 0);

	ck_assert_double_eq_tol(credited("2021-BM-045", "2022-01-01"), 151.67 + 120 + 7, 0.001);
	ck_assert_double_eq_tol(credited("2021-BM-045", "2022-02-01"), 35 + 35 + 28 + 3.5 + 12.5, 0.001);
	ck_assert_double_eq_tol(credited("2021-BM-017", "2022-02-01"), 21 + 80 + 4 + 60, 0.001);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM rejet r JOIN lot_import l ON l.id = r.lot_id "
								  "WHERE l.nature = 'heures'"), 4);
	/* the same mistake from two senders (a workbook, a nested JSON): the same message */
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM rejet WHERE motif LIKE 'marché inconnu « 2021-BM-71 »%'"), 2);
	ck_assert_int_eq(testdb_count("SELECT count(DISTINCT motif) FROM rejet "
								  "WHERE motif LIKE 'marché inconnu « 2021-BM-71 »%'"), 1);

	char *report = testdb_read_file("tests/tmp/boite-expediteurs/compte-rendu.txt", NULL);

	ck_assert_ptr_nonnull(report);
	ck_assert_msg(strstr(report, "Export paie Idées Intérim - février 2022.csv (heures, profil "
						 "etti-interim-semaines, reconnu à son en-tête)")
				  && strstr(report, "Suivi insertion GARONNE Bâtiment 2022.xlsx (heures, profil "
							"garonne-classeur, reconnu à son en-tête)")
				  && strstr(report, "export Élan février.json (heures, profil elan-imbrique, "
							"reconnu à son en-tête)"), "%s", report);
	free(report);
	/* each run has its own dated compte-rendu */
	ck_assert_int_eq(count_files("tests/tmp/boite-expediteurs/compte-rendu-2*.txt"), 1);

	/* the same files sent again change nothing */
	fresh_box("boite-expediteurs", "boite-expediteurs");
	ck_assert_int_eq(testdb_run_output("batch --profils tests/tmp/profils-readme "
									   "tests/tmp/boite-expediteurs", out, sizeof(out)), 0);
	ck_assert_double_eq_tol(credited("2021-BM-017", "2022-02-01"), 165, 0.001);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM lot_import WHERE nature = 'heures'"), 3);
}
END_TEST

/* Writes a small file into a box. */
static void
put_file(const char *path, const char *text)
{
	FILE *file = fopen(path, "wb");

	ck_assert_ptr_nonnull(file);
	fputs(text, file);
	fclose(file);
}

START_TEST(test_box_files_left_with_their_reason)
{
	char out[8192];

	testdb_import_referential_tolerant("data/sample");
	ck_assert_int_eq(system("rm -rf tests/tmp/boite-laisses && mkdir -p tests/tmp/boite-laisses && "
							"cp " GARONNE_XLSX " 'tests/tmp/boite-laisses/Garonne Fevrier.xlsx' && "
							"cp " GARONNE_XLSX " 'tests/tmp/boite-laisses/Garonne (copie).XLSX' && "
							"cp " XLSX_DIR "/garonne-classeur-2022.xls tests/tmp/boite-laisses/ancien.xls"), 0);
	put_file("tests/tmp/boite-laisses/Liste des chantiers.csv", "Chantier;Ville\nA;Pau\n");
	put_file("tests/tmp/boite-laisses/heures--garonne-batiment-tableur_vide.csv", "");
	/* February's profile names its files: it wins the tie on "Garonne Fevrier.xlsx" only */
	ck_assert_int_eq(testdb_run_output("batch --profils " XLSX_DIR " tests/tmp/boite-laisses", out,
									   sizeof(out)), 2);
	ck_assert_str_eq(lines_of("2022-02-01", "84567136100408"), "P00001|2021-BM-045|140.50|3.50|cdi");
	ck_assert_int_eq(count_files("tests/tmp/boite-laisses/traites/Garonne*"), 1);

	char *report = testdb_read_file("tests/tmp/boite-laisses/compte-rendu.txt", NULL);

	ck_assert_ptr_nonnull(report);
	ck_assert_msg(strstr(report, "Garonne (copie).XLSX : LAISSÉ DANS LA BOÎTE : reconnu par "
						 "plusieurs profils (garonne-classeur-fevrier, garonne-classeur)")
				  && strstr(report, "ancien.xls : LAISSÉ DANS LA BOÎTE : classeur Excel 97-2003")
				  && strstr(report, "Liste des chantiers.csv : LAISSÉ DANS LA BOÎTE : aucun profil "
							"ne reconnaît son en-tête (« Chantier », « Ville »)")
				  /* a file refused whole says why, there too */
				  && strstr(report, "heures--garonne-batiment-tableur_vide.csv (heures, profil "
							"garonne-batiment-tableur) : REFUSÉ")
				  && strstr(report, "motif : heures--garonne-batiment-tableur_vide.csv : fichier vide"),
				  "%s", report);
	free(report);
	/* the four stay in the box */
	ck_assert_int_eq(count_files("'tests/tmp/boite-laisses/Garonne (copie).XLSX' "
								 "tests/tmp/boite-laisses/ancien.xls "
								 "'tests/tmp/boite-laisses/Liste des chantiers.csv' "
								 "tests/tmp/boite-laisses/heures--garonne-batiment-tableur_vide.csv"), 4);
}
END_TEST

START_TEST(test_manifest_entries_already_processed)
{
	char out[8192];

	testdb_import_referential_tolerant("data/sample");
	ck_assert_int_eq(system("rm -rf tests/tmp/boite-manifeste && mkdir -p tests/tmp/boite-manifeste && "
							"cp data/exemples/boite-2022-01/heures--garonne-batiment-tableur_2022-01.csv "
							"'tests/tmp/boite-manifeste/Relevé Garonne.csv' && "
							"cp " XLSX_DIR "/donneurs.xlsx 'tests/tmp/boite-manifeste/Donneurs 2022.xlsx'"), 0);
	put_file("tests/tmp/boite-manifeste/manifest.json",
			 "[{\"fichier\": \"Relevé Garonne.csv\", \"nature\": \"heures\", "
			 "\"profil\": \"garonne-batiment-tableur\"}]");
	ck_assert_int_eq(testdb_run_output("batch tests/tmp/boite-manifeste", out, sizeof(out)), 2);
	/* the file the manifest omits is placed too, by its header */
	ck_assert_str_eq(testdb_text("SELECT nom FROM donneur WHERE id = 'X1'"), "Ville de Cénac");
	ck_assert_int_eq(count_files("tests/tmp/boite-manifeste/traites/Relevé*.csv"), 2);	/* + rejets */

	/* run again: the manifest's file is in traites/, said processed, not refused */
	ck_assert_int_eq(testdb_run_output("batch tests/tmp/boite-manifeste", out, sizeof(out)), 0);

	char *report = testdb_read_file("tests/tmp/boite-manifeste/compte-rendu.txt", NULL);

	ck_assert_ptr_nonnull(report);
	ck_assert_msg(strstr(report, "Relevé Garonne.csv : déjà traité : il est dans traites/") &&
				  !strstr(report, "REFUSÉ"), "%s", report);
	free(report);
	ck_assert_int_eq(count_files("tests/tmp/boite-manifeste/compte-rendu-2*.txt"), 2);
}
END_TEST

START_TEST(test_profile_every_problem_at_once)
{
	char out[8192];

	ck_assert_int_eq(testdb_run_output("profile check tests/data/profiles/plusieurs-fautes.json "
									   "tests/data/bad/header_only.csv", out, sizeof(out)), 1);
	/* each bad key named, with the keys valid at its place, all in one run */
	ck_assert_msg(strstr(out, "« constantes » : clé inconnue ; clés possibles à la racine : nom, description, nature")
				  && strstr(out, "« colonnes.marche_id.colone » : clé inconnue (vouliez-vous dire « colonne » ?)")
				  && strstr(out, "« format » doit valoir csv, xlsx ou json")
				  && strstr(out, "« lignes_titre » doit être un nombre de lignes")
				  && strstr(out, "« colonnes.heure » : champ inconnu pour heures (vouliez-vous dire "
							"« heures » ?) ; champs possibles : "
							"participant_id, employeur_siret, marche_id, mois, heures")
				  && strstr(out, "clés possibles dans colonnes.marche_id : colonne, position, constante, "
							"valeurs, mois_de_la_date")
				  && strstr(out, "« participant_par_nom.prénom » : clé inconnue")
				  && strstr(out, "« participant_par_nom.prenom » manque"), "%s", out);
}
END_TEST

START_TEST(test_profile_draft_then_check)
{
	char out[8192];

	testdb_import_referential_tolerant("data/sample");
	ck_assert_int_eq(system("rm -f tests/tmp/brouillon-geiq.json tests/tmp/brouillon-etti.json"), 0);
	/* a title line and an empty one, then "N° SIRET", "Réf. marché", "Heures payées"… */
	ck_assert_int_eq(testdb_run_output("profile draft --nom geiq -o tests/tmp/brouillon-geiq.json "
									   "'tests/data/profiles/Relevé heures GEIQ.csv'", out, sizeof(out)), 0);

	char *draft = testdb_read_file("tests/tmp/brouillon-geiq.json", NULL);

	ck_assert_ptr_nonnull(draft);
	ck_assert_msg(strstr(draft, "\"lignes_titre\":\t2") && strstr(draft, "\"encodage\":\t\"utf-8\"")
				  && strstr(draft, "\"participant_id\":\t\"N° participant\"")
				  && strstr(draft, "\"employeur_siret\":\t\"N° SIRET\"")
				  && strstr(draft, "\"marche_id\":\t\"Réf. marché\"")
				  && strstr(draft, "\"heures\":\t\"Heures payées\"")
				  && strstr(draft, "\"Contrat pro\":\t\"professionnalisation\""), "%s", draft);
	free(draft);
	/* checked as drafted: every row maps */
	ck_assert_int_eq(testdb_run_output("profile check tests/tmp/brouillon-geiq.json "
									   "'tests/data/profiles/Relevé heures GEIQ.csv'", out, sizeof(out)), 0);
	ck_assert_msg(strstr(out, "ligne 5 : participant_id=P00002 employeur_siret=84567136100408 "
						 "marche_id=2021-BM-045 mois=2022-01-01 heures=12.5"), "%s", out);
	/* never over an existing file */
	ck_assert_int_eq(testdb_run_output("profile draft -o tests/tmp/brouillon-geiq.json "
									   "'tests/data/profiles/Relevé heures GEIQ.csv'", out, sizeof(out)), 2);

	/* a weekly ETTI export: "Semaine du" taken for its month, each week kept (rule 1), found by name */
	ck_assert_int_eq(testdb_run_output("profile draft --nom etti -o tests/tmp/brouillon-etti.json "
									   "'tests/data/boite-expediteurs/Export paie Idées Intérim - février 2022.csv'",
									   out, sizeof(out)), 0);
	ck_assert_msg(strstr(out, "employeur_siret : pas de colonne SIRET"), "%s", out);
	draft = testdb_read_file("tests/tmp/brouillon-etti.json", NULL);
	ck_assert_msg(strstr(draft, "\"encodage\":\t\"windows-1252\"") && strstr(draft, "\"cumul_mensuel\":\ttrue")
				  && strstr(draft, "\"heures\":\t\"Nb d'heures\"")
				  && strstr(draft, "\"mois_de_la_date\":\ttrue")
				  && strstr(draft, "\"date_naissance\":\t\"Date de naissance\""), "%s", draft);
	free(draft);
	/* reviewed: the employer's SIRET completed; then checked */
	ck_assert_int_eq(system("sed -i \"s/SIRET DE L'EMPLOYEUR/85165754400702/\" tests/tmp/brouillon-etti.json"), 0);
	ck_assert_int_eq(testdb_run_output("profile check tests/tmp/brouillon-etti.json "
									   "'tests/data/boite-expediteurs/Export paie Idées Intérim - février 2022.csv'",
									   out, sizeof(out)), 2);
	ck_assert_msg(strstr(out, "participant_id=P00003 employeur_siret=85165754400702 marche_id=2021-BM-045 "
						 "mois=2022-02-01 heures=35.00 heures_formation=3.50 type_contrat=ctt "
						 "modalite=mise_a_disposition date_debut=2022-02-14 date_fin=2022-02-20")
				  && strstr(out, "4 valides, 2 rejetées"), "%s", out);
}
END_TEST

/* A JSON sender gets its objects back as JSON; corrected, the file goes back as it is. */
START_TEST(test_json_rejects_corrected_and_sent_back)
{
	char out[8192];

	testdb_import_referential_tolerant("data/sample");
	ck_assert_int_eq(system("rm -rf tests/tmp/boite-json tests/tmp/profils-json && "
							"mkdir -p tests/tmp/boite-json tests/tmp/profils-json && "
							"cp tests/data/json/siae-imbrique.json tests/tmp/profils-json/ && "
							"cp tests/data/json/siae-imbrique-2022-02.json 'tests/tmp/boite-json/Export ÉLAN.json'"), 0);
	ck_assert_int_eq(testdb_run_output("batch --profils tests/tmp/profils-json tests/tmp/boite-json",
									   out, sizeof(out)), 2);
	ck_assert_double_eq_tol(credited("2021-BM-017", "2022-02-01"), 80 + 4 + 60, 0.001);

	/* its own shape: the root kept, the employee around the rejected line, ligne and motif */
	char *rejects = testdb_read_file("tests/tmp/boite-json/traites/Export ÉLAN.rejets.json", NULL);

	ck_assert_ptr_nonnull(rejects);
	ck_assert_msg(strstr(rejects, "\"periode\":\t\"2022-02\"") && strstr(rejects, "\"siret\":\t\"50178301300748\"")
				  && strstr(rejects, "\"nom\":\t\"Carrère\"") && !strstr(rejects, "Mercier")
				  && strstr(rejects, "\"ligne\":\t12")
				  && strstr(rejects, "\"motif\":\t\"« marche » : marché inconnu « 2021-BM-71 » : "
							"vouliez-vous dire « 2021-BM-017 »"), "%s", rejects);
	free(rejects);

	/* the sender corrects the marché (it meant 2021-BM-045) and drops the file back in the
	 * box as it is; "ligne" and "motif" are read as nothing */
	ck_assert_int_eq(system("sed 's/\"2021-BM-71\"/\"2021-BM-045\"/' 'tests/tmp/boite-json/traites/Export ÉLAN.rejets.json' "
							"> 'tests/tmp/boite-json/Export ÉLAN.rejets.json'"), 0);
	ck_assert_int_eq(testdb_run_output("batch --profils tests/tmp/profils-json tests/tmp/boite-json",
									   out, sizeof(out)), 0);
	ck_assert_double_eq_tol(credited("2021-BM-045", "2022-02-01"), 12.5 + 5, 0.001);
	ck_assert_double_eq_tol(credited("2021-BM-017", "2022-02-01"), 80 + 4 + 60, 0.001);
	ck_assert_str_eq(testdb_text("SELECT lignes_chargees || '/' || lignes_rejetees FROM lot_import "
								 "WHERE fichier = 'Export ÉLAN.rejets.json'"), "1/0");
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
	tcase_add_test(tc, test_three_senders_box_under_their_own_names);
	tcase_add_test(tc, test_box_files_left_with_their_reason);
	tcase_add_test(tc, test_manifest_entries_already_processed);
	tcase_add_test(tc, test_profile_every_problem_at_once);
	tcase_add_test(tc, test_profile_draft_then_check);
	tcase_add_test(tc, test_json_rejects_corrected_and_sent_back);
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
