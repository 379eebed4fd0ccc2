/*
 * Real-world inputs (issue #3): the three shipped profiles on their sample files,
 * JSON files, Windows-1252 accents, the monthly inbox end to end with an
 * interruption between two files, and a reject file corrected and sent back.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "importers/profile.h"
#include "reports/lines.h"
#include "src/workflow/attribute.h"
#include "testdb.h"

#define BOX "data/exemples/boite-2022-01"
#define ETTI BOX "/heures--etti-idees-bordeaux_2022-01.csv"
#define TABLEUR BOX "/heures--garonne-batiment-tableur_2022-01.csv"
#define SIAE BOX "/heures--elan-siae-json_2022-01.json"

static ImportStatus
import_with_profile(const char *name, const char *path, ImportResult *result)
{
	Profile profile = {0};

	ck_assert_msg(profile_load(name, ".", &profile), "profil %s illisible", name);

	ImportOptions options = {.kind = "heures", .path = path, .profile = &profile,
	.after_merge = attribute_after_import};
	ImportStatus status = import_file(testdb(), &options, result);

	profile_free(&profile);
	return status;
}

/*
 * The standing lines of January 2022 of a participant and employer, summed by marché,
 * contract and modalité (weekly rows are stored one line a week):
 * participant|marché|employer|hours|training|contract|modalité.
 */
static const char *
line_of(const char *participant, const char *employer)
{
	char sql[1024];

	snprintf(sql, sizeof(sql),
			 "SELECT string_agg(participant_id || '|' || marche_id || '|' || employeur_siret || '|' || heures "
			 "|| '|' || heures_formation || '|' || type_contrat || '|' || modalite, ' ; ') "
			 "FROM (SELECT participant_id, marche_id, employeur_siret, sum(heures) AS heures, "
			 "      sum(heures_formation) AS heures_formation, type_contrat, modalite "
			 "      FROM v_ligne WHERE mois = '2022-01-01' AND participant_id = '%s' "
			 "      AND employeur_siret = '%s' AND motif IS DISTINCT FROM 'remplacee' "
			 "      GROUP BY participant_id, marche_id, employeur_siret, type_contrat, modalite) s",
			 participant, employer);
	return testdb_text(sql);
}

START_TEST(test_profile_etti_weeks_kept_as_periods)
{
	ImportResult result = {0};

	testdb_import_referential_tolerant("data/sample");
	ck_assert_int_eq(import_with_profile("etti-idees-bordeaux", ETTI, &result), IMPORT_ROWS_REJECTED);
	/* one line a week, the sender's grain (rule 1): 3 weeks of José, 2 of Aurélien, 1 of Grégory */
	ck_assert_int_eq(result.rows_loaded, 6);
	ck_assert_int_eq(result.rows_rejected, 2);
	ck_assert_str_eq(testdb_text("SELECT string_agg(date_debut || '/' || date_fin, ' ' ORDER BY ligne) "
								 "FROM ligne_heures WHERE participant_id = 'P00010'"),
					 "2022-01-03/2022-01-09 2022-01-10/2022-01-16 2022-01-17/2022-01-23");
	/* three weeks of José Barrière (written BARRIERE): 35 + 35 + 28,5 h and 3,5 h of training */
	ck_assert_str_eq(line_of("P00010", "85165754400702"),
					 "P00010|2021-BM-012|85165754400702|98.50|3.50|ctt|mise_a_disposition");
	ck_assert_str_eq(line_of("P00015", "85165754400702"),
					 "P00015|2021-BM-045|85165754400702|35.00|0.00|ctt|mise_a_disposition");
	/* LEBŒUF Grégory, with the ligature, found as Lebœuf */
	ck_assert_str_eq(line_of("P00016", "85165754400702"),
					 "P00016|2021-BM-017|85165754400702|30.00|0.00|cddi|mise_a_disposition");
	ck_assert_str_eq(testdb_text("SELECT string_agg(ligne || ':' || colonne, ' ' ORDER BY ligne) FROM rejet WHERE lot_id = (SELECT max(id) FROM lot_import)"),
					 "8:participant_id 9:heures");
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM rejet WHERE motif LIKE 'participant introuvable : DUPONT Jean%'"), 1);
}
END_TEST

START_TEST(test_profile_spreadsheet_title_and_total_rows)
{
	ImportResult result = {0};

	testdb_import_referential_tolerant("data/sample");
	ck_assert_int_eq(import_with_profile("garonne-batiment-tableur", TABLEUR, &result), IMPORT_ROWS_REJECTED);
	ck_assert_int_eq(result.rows_read, 3);	/* the title lines and the TOTAL row are not data */
	ck_assert_int_eq(result.rows_loaded, 2);
	ck_assert_str_eq(line_of("P00001", "84567136100408"),
					 "P00001|2021-BM-045|84567136100408|151.67|0.00|cdi|embauche_directe");
	ck_assert_str_eq(line_of("P00002", "84567136100408"),
					 "P00002|2021-BM-045|84567136100408|120.00|7.00|professionnalisation|embauche_directe");
	ck_assert_str_eq(testdb_text("SELECT ligne || ':' || colonne FROM rejet WHERE lot_id = (SELECT max(id) FROM lot_import)"), "7:marche_id");
}
END_TEST

START_TEST(test_profile_siae_json)
{
	ImportResult result = {0};

	testdb_import_referential_tolerant("data/sample");
	ck_assert_int_eq(import_with_profile("elan-siae-json", SIAE, &result), IMPORT_ROWS_REJECTED);
	ck_assert_int_eq(result.rows_loaded, 2);
	ck_assert_str_eq(line_of("P00014", "50178301300748"),
					 "P00014|2021-BM-017|50178301300748|84.50|6.00|cddi|sous_traitance");
	ck_assert_str_eq(line_of("P00012", "50178301300748"),
					 "P00012|2021-BM-017|50178301300748|70.00|0.00|cddi|sous_traitance");
	/* same name, another birth date: not guessed */
	ck_assert_str_eq(testdb_text("SELECT ligne || ':' || colonne FROM rejet WHERE lot_id = (SELECT max(id) FROM lot_import)"), "7:participant_id");
}
END_TEST

START_TEST(test_profile_check_writes_nothing)
{
	testdb_import_referential_tolerant("data/sample");
	ck_assert_int_eq(testdb_run("profile check etti-idees-bordeaux " ETTI), 2);
	ck_assert_int_eq(testdb_run("profile check garonne-batiment-tableur " TABLEUR), 0);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM ligne_heures"), 0);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM lot_import WHERE nature = 'heures'"), 0);
	/* a profile with a typo is an error naming the key */
	ck_assert_int_eq(testdb_run("profile check tests/data/profiles/faute-de-frappe.json " ETTI), 1);
}
END_TEST

START_TEST(test_cli_import_with_profile_option_after_file)
{
	testdb_import_referential_tolerant("data/sample");
	ck_assert_int_eq(testdb_run("import heures " TABLEUR " --profile garonne-batiment-tableur"), 2);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM ligne_heures"), 2);
	/* the canonical reader refuses the same file: its header is not canonical */
	ck_assert_int_eq(testdb_run("import heures " ETTI), 2);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM ligne_heures"), 2);
}
END_TEST

START_TEST(test_windows_1252_accents)
{
	ck_assert_int_eq(testdb_import("donneurs", "tests/data/encodings/donneurs-cp1252.csv", false, NULL),
					 IMPORT_LOADED);
	ck_assert_str_eq(testdb_text("SELECT nom FROM donneur WHERE id = 'E1'"), "Société d’économie mixte à Bègles");
	ck_assert_str_eq(testdb_text("SELECT nom FROM donneur WHERE id = 'E2'"), "Office public Œuvre Façades");
	ck_assert_str_eq(testdb_text("SELECT nom FROM donneur WHERE id = 'E3'"), "Cœur de Ville — Périgueux");
	testdb_import_referential_tolerant("data/sample");
	ck_assert_str_eq(testdb_text("SELECT nom || ' ' || prenom FROM participant WHERE id = 'P00016'"), "Lebœuf Grégory");
	ck_assert_str_eq(testdb_text("SELECT nom || ' ' || prenom FROM participant WHERE id = 'P00010'"), "Barrière José");
}
END_TEST

START_TEST(test_json_canonical_files)
{
	ImportResult result = {0};

	testdb_import_referential("tests/data/rules");
	ck_assert_int_eq(testdb_import("donneurs", "tests/data/json/donneurs.json", false, &result), IMPORT_LOADED);
	ck_assert_int_eq(result.rows_loaded, 2);
	ck_assert_int_eq(testdb_import("heures", "tests/data/json/heures.json", false, &result), IMPORT_ROWS_REJECTED);
	ck_assert_int_eq(result.rows_loaded, 2);
	ck_assert_str_eq(testdb_text("SELECT string_agg(participant_id || ' ' || heures || ' ' || to_char(mois, 'YYYY-MM'), ', ' "
								 "ORDER BY participant_id) FROM ligne_heures"), "P1 35.50 2021-06, P3 20.50 2021-06");
	ck_assert_str_eq(testdb_text("SELECT string_agg(ligne || ':' || coalesce(colonne, '-'), ' ' ORDER BY ligne) "
								 "FROM rejet r JOIN lot_import b ON b.id = r.lot_id WHERE b.fichier = 'heures.json'"),
					 "7:heures 9:- 11:- 12:heures");
	ck_assert_int_eq(testdb_import("heures", "tests/data/json/truncated.json", false, &result), IMPORT_ROWS_REJECTED);
	ck_assert_int_eq(result.rows_loaded, 1);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM rejet WHERE motif LIKE 'JSON tronqué%' AND ligne = 3"), 1);
}
END_TEST

/* Copies the sample inbox into a fresh folder under tests/tmp. */
static void
fresh_inbox(const char *dir)
{
	char command[512];

	snprintf(command, sizeof(command), "rm -rf %s && mkdir -p %s && cp " BOX "/* %s/", dir, dir, dir);
	ck_assert_int_eq(system(command), 0);
}

static int
count_files(const char *pattern)
{
	char command[512];

	snprintf(command, sizeof(command), "ls %s 2>/dev/null | wc -l", pattern);

	FILE *pipe = popen(command, "r");
	int count = -1;

	ck_assert_ptr_nonnull(pipe);
	ck_assert_int_eq(fscanf(pipe, "%d", &count), 1);
	pclose(pipe);
	return count;
}

START_TEST(test_inbox_interrupted_then_completed)
{
	const char *dir = "tests/tmp/boite-interrompue";

	testdb_import_referential_tolerant("data/sample");
	fresh_inbox(dir);
	/* stopped after the first file: that file is wholly loaded, the others untouched */
	ck_assert_int_eq(testdb_run("batch --max-fichiers 1 tests/tmp/boite-interrompue"), 2);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM lot_import WHERE nature = 'heures'"), 1);
	ck_assert_int_eq(count_files("tests/tmp/boite-interrompue/heures--*"), 2);
	ck_assert_int_eq(count_files("tests/tmp/boite-interrompue/traites/heures--elan-siae-json_2022-01.json"), 1);
	/* the next run completes the rest */
	ck_assert_int_eq(testdb_run("batch tests/tmp/boite-interrompue"), 2);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM lot_import WHERE nature = 'heures'"), 3);
	ck_assert_int_eq(count_files("tests/tmp/boite-interrompue/heures--*"), 0);
	/* the JSON sender's rejects come back as JSON */
	ck_assert_int_eq(count_files("tests/tmp/boite-interrompue/traites/*.rejets.csv"), 2);
	ck_assert_int_eq(count_files("tests/tmp/boite-interrompue/traites/*.rejets.json"), 1);
	ck_assert_int_eq(count_files("tests/tmp/boite-interrompue/compte-rendu.txt"), 1);
	ck_assert_double_eq_tol(testdb_number("SELECT sum(heures_total) FROM v_ligne WHERE credite AND mois = '2022-01-01'"),
							606.17, 0.001);

	/* the same files sent again change nothing */
	fresh_inbox(dir);
	ck_assert_int_eq(testdb_run("batch tests/tmp/boite-interrompue"), 0);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM lot_import WHERE nature = 'heures'"), 3);
	ck_assert_double_eq_tol(testdb_number("SELECT sum(heures_total) FROM v_ligne WHERE credite AND mois = '2022-01-01'"),
							606.17, 0.001);
}
END_TEST

static char *
read_file(const char *path)
{
	FILE *in = fopen(path, "rb");
	static char text[65536];
	size_t n;

	ck_assert_ptr_nonnull(in);
	n = fread(text, 1, sizeof(text) - 1, in);
	text[n] = '\0';
	fclose(in);
	return text;
}

START_TEST(test_reject_file_corrected_and_sent_back)
{
	const char *dir = "tests/tmp/boite-corrigee";

	testdb_import_referential_tolerant("data/sample");
	fresh_inbox(dir);
	ck_assert_int_eq(testdb_run("batch tests/tmp/boite-corrigee"), 2);

	/* the reject file: the ETTI's own header (Windows-1252) + ligne;colonne;motif, the
	 * column named as the ETTI names it */
	char *rejects = read_file("tests/tmp/boite-corrigee/traites/heures--etti-idees-bordeaux_2022-01.rejets.csv");

	ck_assert_ptr_nonnull(strstr(rejects, "Heures formation;Contrat;ligne;colonne;motif\r\n"));
	ck_assert_ptr_nonnull(strstr(rejects, "Pr\xe9nom"));	/* still Windows-1252 */
	ck_assert_ptr_nonnull(strstr(rejects, ";abc;0,00;Int\xe9rim;9;Heures pay\xe9" "es;nombre invalide"));

	/* the sender fixes the hours, drops the unknown person, and corrects José's first week */
	char corrected[65536];
	char *abc = strstr(rejects, ";abc;");
	char *dupont = strstr(rejects, "10099;DUPONT");
	char *dupont_end = strstr(dupont, "\r\n") + 2;

	ck_assert_ptr_nonnull(abc);
	snprintf(corrected, sizeof(corrected), "%.*s%.*s;12,00;%s"
			 "10010;BARRIERE;Jos\xe9;11/12/2000;M-2201;2021-BM-012;03/01/2022;40,00;0,00;Int\xe9rim;;;\r\n",
			 (int) (dupont - rejects), rejects,
			 (int) (abc - dupont_end), dupont_end, abc + 5);

	FILE *out = fopen("tests/tmp/boite-corrigee/heures--etti-idees-bordeaux_2022-01-correction.csv", "wb");

	ck_assert_ptr_nonnull(out);
	fputs(corrected, out);
	fclose(out);
	ck_assert_int_eq(testdb_run("batch tests/tmp/boite-corrigee"), 0);

	/* Sébastien Lefèvre's hours now load; José's month takes the latest value */
	ck_assert_str_eq(line_of("P00013", "85165754400702"),
					 "P00013|2021-BM-045|85165754400702|12.00|0.00|ctt|mise_a_disposition");
	/* José's week of 03/01 corrected from 35 to 40 h: his other weeks stand */
	ck_assert_str_eq(line_of("P00010", "85165754400702"),
					 "P00010|2021-BM-012|85165754400702|103.50|3.50|ctt|mise_a_disposition");

	/* the history shows both values and the batch that set each */
	FILE *history = tmpfile();
	long long count = 0;

	ck_assert(history_write(testdb(), "P00010", "2021-BM-012", LINES_CSV, history, &count));
	ck_assert_int_eq(count, 4);		/* three weeks, and the week of 03/01 again */
	rewind(history);

	char text[4096] = "";
	size_t n = fread(text, 1, sizeof(text) - 1, history);

	text[n] = '\0';
	fclose(history);
	ck_assert_ptr_nonnull(strstr(text, "heures--etti-idees-bordeaux_2022-01.csv;2;"));
	ck_assert_ptr_nonnull(strstr(text, ";35,00;0,00;ctt;mise_a_disposition;remplacee;03/01/2022 au 09/01/2022;"));
	ck_assert_ptr_nonnull(strstr(text, "heures--etti-idees-bordeaux_2022-01-correction.csv;"));
	ck_assert_ptr_nonnull(strstr(text, ";40,00;0,00;ctt;mise_a_disposition;credite"));
}
END_TEST

static Suite *
inputs_suite(void)
{
	Suite *suite = suite_create("inputs");
	TCase *tc = tcase_create("real-world");

	tcase_set_timeout(tc, 120);
	tcase_add_checked_fixture(tc, testdb_setup, testdb_teardown);
	tcase_add_test(tc, test_profile_etti_weeks_kept_as_periods);
	tcase_add_test(tc, test_profile_spreadsheet_title_and_total_rows);
	tcase_add_test(tc, test_profile_siae_json);
	tcase_add_test(tc, test_profile_check_writes_nothing);
	tcase_add_test(tc, test_cli_import_with_profile_option_after_file);
	tcase_add_test(tc, test_windows_1252_accents);
	tcase_add_test(tc, test_json_canonical_files);
	tcase_add_test(tc, test_inbox_interrupted_then_completed);
	tcase_add_test(tc, test_reject_file_corrected_and_sent_back);
	suite_add_tcase(suite, tc);
	return suite;
}

int
main(void)
{
	SRunner *runner = srunner_create(inputs_suite());

	srunner_run_all(runner, CK_NORMAL);

	int failed = srunner_ntests_failed(runner);

	srunner_free(runner);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
