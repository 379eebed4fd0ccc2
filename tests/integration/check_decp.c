/*
 * DECP import and the decp-a-suivre report: both schema generations, every shape of
 * considerationsSociales, buyers and titulaires, rejects, re-import, report by PLIE.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "importers/decp.h"
#include "reports/decp.h"
#include "testdb.h"

#define DECP "tests/data/decp"
#define RULES "tests/data/rules"

static ImportStatus
import_decp(const char *file, bool strict, ImportResult *result, DecpCounts *counts)
{
	ImportResult ignored = {0};

	return import_decp_file(testdb(), file, strict, 0, result ? result : &ignored, counts);
}

/* Imports both hand-made files of the PLIE territories, asserting they load as expected. */
static void
import_plie_files(void)
{
	ck_assert_int_eq(import_decp(DECP "/decp-2019-plie.json", false, NULL, NULL), IMPORT_ROWS_REJECTED);
	ck_assert_int_eq(import_decp(DECP "/decp-2022-plie.json", false, NULL, NULL), IMPORT_ROWS_REJECTED);
}

/* The report of a PLIE into a string (static buffer). */
static const char *
report(const char *plie, bool csv, long long *count)
{
	static char text[16384];
	FILE *out = fmemopen(text, sizeof(text), "w");

	ck_assert_ptr_nonnull(out);
	ck_assert(decp_a_suivre_write(testdb(), plie, csv, out, count));
	fclose(out);
	return text;
}

/* Compares with an expected file of tests/data/decp/, printing both when they differ. */
static void
assert_same_as_file(const char *actual, const char *expected_path)
{
	static char expected[16384];
	FILE *file = fopen(expected_path, "rb");
	size_t len;

	ck_assert_msg(file != NULL, "%s absent", expected_path);
	len = fread(expected, 1, sizeof(expected) - 1, file);
	expected[len] = '\0';
	fclose(file);
	ck_assert_msg(strcmp(actual, expected) == 0, "%s diffère :\n--- obtenu\n%s\n--- attendu\n%s",
				  expected_path, actual, expected);
}

START_TEST(test_2019_counts)
{
	ImportResult result = {0};
	DecpCounts counts = {0};

	ck_assert_int_eq(import_decp(DECP "/decp-2019-plie.json", false, &result, &counts), IMPORT_ROWS_REJECTED);
	ck_assert_int_eq(result.rows_read, 11);
	ck_assert_int_eq(result.rows_loaded, 5);
	ck_assert_int_eq(result.rows_unchanged, 0);
	ck_assert_int_eq(result.rows_rejected, 2);
	ck_assert_int_eq(counts.ignored_no_social, 2);
	ck_assert_int_eq(counts.ignored_concessions, 1);
	ck_assert_int_eq(counts.duplicates, 1);
	ck_assert_int_eq(counts.titulaires_skipped, 2);
	ck_assert_int_eq(counts.without_duration, 1);
	ck_assert_str_eq(testdb_text("SELECT nature || ' ' || lignes_lues || '/' || lignes_chargees || '/' || "
								 "lignes_inchangees || '/' || lignes_rejetees || '/' || lignes_ignorees "
								 "FROM lot_import"), "decp 11/5/0/2/4");
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM marche WHERE source = 'decp' AND operation_id IS NULL"), 5);
}
END_TEST

START_TEST(test_2022_counts)
{
	ImportResult result = {0};
	DecpCounts counts = {0};

	ck_assert_int_eq(import_decp(DECP "/decp-2022-plie.json", false, &result, &counts), IMPORT_ROWS_REJECTED);
	ck_assert_int_eq(result.rows_read, 9);
	ck_assert_int_eq(result.rows_loaded, 4);
	ck_assert_int_eq(result.rows_rejected, 2);
	ck_assert_int_eq(counts.ignored_no_social, 2);
	ck_assert_int_eq(counts.ignored_concessions, 1);
	ck_assert_int_eq(counts.duplicates, 0);
	ck_assert_int_eq(counts.titulaires_skipped, 1);
}
END_TEST

typedef struct ValueCase
{
	const char *sql;
	const char *expected;
} ValueCase;

/* What both hand-made files store: marchés, buyers, titulaires (see README-decp.md). */
static const ValueCase PLIE_VALUES[] = {
	/* 2019: wrapped "Clause sociale", code commune, the later duplicate stands */
	{"SELECT forme || ' ' || date_debut || ' ' || date_fin || ' ' || montant_ht || ' ' || ligne "
	 "FROM marche WHERE id = '213300635000172021B001'", "execution 2021-02-15 2022-08-15 900000.00 10"},
	{"SELECT intitule FROM marche WHERE id = '213300635000172021B001'",
	 "Réhabilitation du groupe scolaire Bastide - lot 2 gros œuvre"},
	{"SELECT considerations_sociales::text || ' ' || lieu_execution_type || ' ' || lieu_execution_code "
	 "FROM marche WHERE id = '213300635000172021B001'", "{\"Clause sociale\"} code_commune 33063"},
	{"SELECT coalesce(heures_prevues::text, 'null') || ' ' || coalesce(operation_id, 'null') || ' ' || source "
	 "FROM marche WHERE id = '213300635000172021B001'", "null null decp"},
	/* 2019: bare array "Critère social" only, date with a time zone */
	{"SELECT forme || ' ' || date_debut || ' ' || date_fin || ' ' || montant_ht FROM marche "
	 "WHERE decp_uid = '243300316000112021BM017'", "critere 2021-04-01 2023-04-01 120000.50"},
	/* 2019: a single string "Marché réservé"; the TVA titulaire is skipped */
	{"SELECT forme || ' ' || attributaire_siret FROM marche WHERE id = '200053759000112021RNA3'",
	 "reserve_siae 44100003000011"},
	/* 2019: both values; no dureeMois: date_fin = date_debut; montant "NC": unknown */
	{"SELECT considerations_sociales::text FROM marche WHERE id = '283300031000122021GH08'",
	 "{\"Clause sociale\",\"Critère social\"}"},
	{"SELECT date_fin || ' ' || coalesce(duree_mois::text, '-') || ' ' || coalesce(montant_ht::text, '-') "
	 "FROM marche WHERE id = '214700015000162021AG05'", "2021-03-10 - -"},
	/* buyers: names and types from the name when certain */
	{"SELECT string_agg(id || ' ' || type || ' ' || nom, ' | ' ORDER BY id) FROM donneur",
	 "20005375900011 region Région Nouvelle-Aquitaine | 21240322000016 etablissement_public Acheteur SIRET 21240322000016"
	 " | 21328061500013 etablissement_public Acheteur SIRET 21328061500013 | 21330063500017 commune Ville de Bordeaux"
	 " | 21470001500016 commune Commune d'Agen | 24330031600011 epci Bordeaux Métropole"
	 " | 28330003100012 etablissement_public Gironde Habitat"},
	/* titulaires: names from 2019, placeholders from 2022 */
	{"SELECT string_agg(siret || ' ' || type || ' ' || raison_sociale, ' | ' ORDER BY siret) FROM entreprise",
	 "33100002000015 entreprise POF NETTOYAGE | 44100001000013 entreprise Bâtisseurs Girondins SAS"
	 " | 44100002000012 entreprise Régie de quartier Bastide | 44100003000011 entreprise ESAT Les Ateliers du Lac"
	 " | 44100004000010 entreprise Espaces Verts d'Aquitaine | 44100005000019 entreprise Titulaire SIRET 44100005000019"},
	/* 2022: wrapped array of two values, code commune, wrapped titulaire */
	{"SELECT forme || ' ' || date_fin || ' ' || attributaire_siret || ' ' || acheteur_id FROM marche "
	 "WHERE id = '213280615000132024-0001'", "execution 2025-03-01 44100005000019 21328061500013"},
	/* 2022: a single string wrapped, titulaires nested in two array levels */
	{"SELECT forme || ' ' || attributaire_siret FROM marche WHERE id = '212403220000162024-0002'",
	 "reserve_siae 44100002000012"},
	/* 2022: no lieuExecution */
	{"SELECT coalesce(lieu_execution_type, '-') || ' ' || date_fin FROM marche WHERE id = '214700015000162024-0008'",
	 "- 2028-09-01"},
	/* ignored marchés are not stored; nor are concessions */
	{"SELECT count(*) FROM marche WHERE id IN ('213300635000172021B002', '212403220000162024-0003', "
	 "'213280615000132024-0004', '283300031000122021GH09', '213300635000172021C001')", "0"},
	/* rejects: French reason, JSON field, ordinal, line of the marché */
	{"SELECT string_agg(b.fichier || ':' || r.ligne || ' ' || coalesce(r.colonne, '-') || ' ' || r.motif, ' | ' "
	 "ORDER BY b.id, r.ligne) FROM rejet r JOIN lot_import b ON b.id = r.lot_id",
	 "decp-2019-plie.json:8 titulaires aucun titulaire identifié par un SIRET valide : titulaire « FR99441000010 » "
	 "(TVA) non retenu : seuls les SIRET sont suivis"
	 " | decp-2019-plie.json:9 dateNotification mois inexistant dans « 2021-13-45 »"
	 " | decp-2022-plie.json:5 considerationsSociales considération sociale inconnue « Clause d'insertion » "
	 "(attendu : Clause sociale, Critère social, Marché réservé ou Pas de considération sociale)"
	 " | decp-2022-plie.json:6 - JSON invalide ligne 7 près de « tru, \"considerationsSociales\": »"},
	{"SELECT left(contenu, 33) FROM rejet WHERE ligne = 8", "[ligne 246] {\n      \"uid\": \"24330"},
};

START_TEST(test_plie_values)
{
	import_plie_files();
	ck_assert_str_eq(testdb_text(PLIE_VALUES[_i].sql), PLIE_VALUES[_i].expected);
}
END_TEST

START_TEST(test_samples)
{
	ImportResult result = {0};
	DecpCounts counts = {0};

	/* the real 2019 record has no considerationsSociales */
	ck_assert_int_eq(import_decp(DECP "/exemple-2019-region-normandie.json", false, &result, &counts), IMPORT_LOADED);
	ck_assert_int_eq(result.rows_read, 1);
	ck_assert_int_eq(counts.ignored_no_social, 1);
	/* the real 2022 flux: 17 marchés, all "Pas de considération sociale", no concession */
	ck_assert_int_eq(import_decp(DECP "/exemple-2022-gip-maximilien-2024-10-06.json", false, &result, &counts),
					 IMPORT_LOADED);
	ck_assert_int_eq(result.rows_read, 17);
	ck_assert_int_eq(counts.ignored_no_social, 17);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM marche"), 0);
	/* the official example: "marche" is one object, bare arrays, flat titulaires */
	ck_assert_int_eq(import_decp(DECP "/exemple-officiel-2022-marche.json", false, &result, &counts), IMPORT_LOADED);
	ck_assert_int_eq(result.rows_loaded, 1);
	ck_assert_str_eq(testdb_text("SELECT id || ' ' || forme || ' ' || date_debut || ' ' || date_fin || ' ' || "
								 "montant_ht || ' ' || attributaire_siret || ' ' || lieu_execution_type || ' ' || "
								 "lieu_execution_code FROM marche"),
					 "21750001630040Exemple1 execution 2024-05-15 2028-05-15 575000.00 55204599900869 "
					 "code_postal 75000");
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM lot_import WHERE nature = 'decp'"), 3);
	ck_assert_int_eq(testdb_count("SELECT sum(lignes_ignorees) FROM lot_import"), 18);
}
END_TEST

START_TEST(test_2022_in_2019_shape)
{
	ImportResult result = {0};

	ck_assert_int_eq(import_decp(DECP "/decp-2022-forme-2019.json", false, &result, NULL), IMPORT_LOADED);
	ck_assert_int_eq(result.rows_loaded, 1);
	ck_assert_str_eq(testdb_text("SELECT id || ' ' || lieu_execution_code FROM marche"),
					 "21470001500016AG 2024 000123 lot 4 bis 47001");
	long long count = 0;

	report("agenais", false, &count);
	ck_assert_int_eq(count, 1);
}
END_TEST

START_TEST(test_reimport_is_noop)
{
	ImportResult result = {0};

	import_plie_files();

	const char *before = testdb_text("SELECT count(*) || ' ' || sum(montant_ht) || ' ' || max(lot_id) FROM marche");
	char saved[128];

	snprintf(saved, sizeof(saved), "%s", before);
	ck_assert_int_eq(import_decp(DECP "/decp-2019-plie.json", false, &result, NULL), IMPORT_ALREADY_DONE);
	ck_assert_int_eq(result.lot_id, 1);
	ck_assert_str_eq(testdb_text("SELECT count(*) || ' ' || sum(montant_ht) || ' ' || max(lot_id) FROM marche"), saved);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM lot_import"), 2);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM rejet"), 4);
}
END_TEST

START_TEST(test_strict_refuses_whole_file)
{
	ck_assert_int_eq(import_decp(DECP "/decp-2019-plie.json", true, NULL, NULL), IMPORT_FILE_REJECTED);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM marche"), 0);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM lot_import"), 0);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM rejet"), 0);
}
END_TEST

/* Files refused whole: nothing is recorded. */
static const char *const REFUSED_FILES[] = {
	DECP "/bad-tronque.json", DECP "/bad-pas-json.json", DECP "/bad-sans-marches.json",
	DECP "/no-such-file.json",
};

START_TEST(test_refused_files)
{
	ck_assert_int_eq(import_decp(REFUSED_FILES[_i], false, NULL, NULL), IMPORT_FILE_REJECTED);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM lot_import"), 0);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM marche"), 0);
}
END_TEST

START_TEST(test_bad_bytes_and_elements)
{
	ImportResult result = {0};

	ck_assert_int_eq(import_decp(DECP "/bad-latin1.json", false, &result, NULL), IMPORT_ROWS_REJECTED);
	ck_assert_int_eq(result.rows_read, 3);
	ck_assert_int_eq(result.rows_loaded, 1);
	ck_assert_str_eq(testdb_text("SELECT string_agg(ligne || ' ' || motif, ' | ' ORDER BY ligne) FROM rejet"),
					 "1 octet 0xE9 invalide en UTF-8 (le fichier doit être en UTF-8) | "
					 "3 cet élément n'est pas un objet JSON (un marché attendu)");
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM rejet WHERE contenu LIKE '[ligne 2] {\"id\": \"L1\"%peinture ?cole%'"), 1);
}
END_TEST

START_TEST(test_hostile_values)
{
	ck_assert_int_eq(import_decp(DECP "/decp-hostile.json", false, NULL, NULL), IMPORT_LOADED);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM donneur WHERE id = 'x''); DROP TABLE clause.marche; --'"), 1);
	ck_assert_str_eq(testdb_text("SELECT nom FROM donneur"), "Nom \"cité\" \\ {a,b} NULL");
	ck_assert_str_eq(testdb_text("SELECT raison_sociale FROM entreprise"), "Société \"X\" \\ {a,b}, NULL");
	/* control characters become spaces */
	ck_assert_str_eq(testdb_text("SELECT intitule FROM marche"),
					 "Objet avec tabulations et \\ barre \"citée\" ; point-virgule");
}
END_TEST

/* A referential file's names and types stand; DECP keeps up to date what it created. */
START_TEST(test_existing_referential_kept)
{
	testdb_import_referential(RULES);
	import_plie_files();
	ck_assert_str_eq(testdb_text("SELECT raison_sociale || ' ' || type FROM entreprise WHERE siret = '33100002000015'"),
					 "Propreté Œuvre Façades ei");
	/* a later DECP file names a buyer DECP created without a name */
	ck_assert_str_eq(testdb_text("SELECT nom FROM donneur WHERE id = '21328061500013'"),
					 "Acheteur SIRET 21328061500013");
}
END_TEST

START_TEST(test_report_by_plie)
{
	long long count = 0;

	import_plie_files();
	assert_same_as_file(report("bordeaux", false, &count), DECP "/expected-bordeaux.txt");
	ck_assert_int_eq(count, 2);
	assert_same_as_file(report("sources", true, &count), DECP "/expected-sources.csv");
	ck_assert_int_eq(count, 2);
	report("technowest", false, &count);
	ck_assert_int_eq(count, 1);
	report("grand_perigueux", false, &count);
	ck_assert_int_eq(count, 1);
	/* Agen: the place is a département, or absent; the buyer's commune is not known */
	report("agenais", false, &count);
	ck_assert_int_eq(count, 0);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM v_decp_localisation WHERE localisation IS NULL"), 3);
	ck_assert(db_exec(testdb(), "UPDATE donneur SET commune_insee = '47001' WHERE id = '21470001500016'"));
	report("agenais", false, &count);
	ck_assert_int_eq(count, 2);
	/* 33140 is Villenave-d'Ornon (Portes du Sud) or Cadaujac (no PLIE): the buyer decides */
	report("portes_du_sud", false, &count);
	ck_assert_int_eq(count, 0);
	ck_assert(db_exec(testdb(), "UPDATE donneur SET commune_insee = '33550' WHERE id = '28330003100012'"));
	report("portes_du_sud", false, &count);
	ck_assert_int_eq(count, 1);
	/* the place of execution wins over the buyer's commune */
	ck_assert(db_exec(testdb(), "UPDATE donneur SET commune_insee = '47001' WHERE id = '21330063500017'"));
	report("bordeaux", false, &count);
	ck_assert_int_eq(count, 2);
}
END_TEST

START_TEST(test_report_unknown_plie)
{
	long long count = 0;
	char text[256];
	FILE *out = fmemopen(text, sizeof(text), "w");

	ck_assert(!decp_a_suivre_write(testdb(), "nulle_part", false, out, &count));
	fclose(out);
}
END_TEST

/* Once an opération follows a DECP marché, it leaves the report and keeps its data. */
START_TEST(test_followed_marche)
{
	ImportResult result = {0};
	long long count = 0;

	testdb_import_referential(RULES);
	ck_assert_int_eq(import_decp(DECP "/decp-2019-plie.json", false, NULL, NULL), IMPORT_ROWS_REJECTED);
	report("bordeaux", false, &count);
	ck_assert_int_eq(count, 1);
	ck_assert_int_eq(testdb_import("marches", DECP "/marches-suivi.csv", false, &result), IMPORT_LOADED);
	report("bordeaux", false, &count);
	ck_assert_int_eq(count, 0);
	ck_assert_str_eq(testdb_text("SELECT operation_id || ' ' || intitule || ' ' || source || ' ' || heures_prevues "
								 "FROM marche WHERE id = '213300635000172021B001'"),
					 "OP-BDX-1 Groupe scolaire Bastide, gros œuvre decp 700.00");
	/* a later DECP file does not overwrite what the facilitateur set */
	ck_assert_int_eq(import_decp(DECP "/decp-2022-plie.json", false, NULL, NULL), IMPORT_ROWS_REJECTED);
	ck_assert(db_exec(testdb(), "UPDATE lot_import SET sha256 = repeat('0', 64) WHERE fichier = 'decp-2019-plie.json'"));
	ck_assert_int_eq(import_decp(DECP "/decp-2019-plie.json", false, &result, NULL), IMPORT_ROWS_REJECTED);
	ck_assert_int_eq(result.rows_loaded, 0);
	ck_assert_int_eq(result.rows_unchanged, 5);
	ck_assert_str_eq(testdb_text("SELECT intitule FROM marche WHERE id = '213300635000172021B001'"),
					 "Groupe scolaire Bastide, gros œuvre");
}
END_TEST

/* Timesheet lines stay on marchés that an opération follows. */
START_TEST(test_no_hours_on_unfollowed_marche)
{
	testdb_import_referential(RULES);
	ck_assert_int_eq(import_decp(DECP "/decp-2019-plie.json", false, NULL, NULL), IMPORT_ROWS_REJECTED);
	ck_assert(!db_exec(testdb(), "INSERT INTO ligne_heures (lot_id, ligne, participant_id, employeur_siret, "
					   "marche_id, mois, heures, type_contrat, modalite) VALUES (1, 1, 'P1', '44100001000013', "
					   "'213300635000172021B001', '2021-03-01', 10, 'cdi', 'embauche_directe')"));
	/* the views still read marchés without opération */
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM v_ligne"), 0);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM progression_fiche(2021, '2021-12-31')") > 0, 1);
}
END_TEST

static Suite *
decp_suite(void)
{
	Suite *suite = suite_create("decp");
	TCase *tc = tcase_create("decp");

	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, testdb_setup, testdb_teardown);
	tcase_add_test(tc, test_2019_counts);
	tcase_add_test(tc, test_2022_counts);
	tcase_add_loop_test(tc, test_plie_values, 0, sizeof(PLIE_VALUES) / sizeof(PLIE_VALUES[0]));
	tcase_add_test(tc, test_samples);
	tcase_add_test(tc, test_2022_in_2019_shape);
	tcase_add_test(tc, test_reimport_is_noop);
	tcase_add_test(tc, test_strict_refuses_whole_file);
	tcase_add_loop_test(tc, test_refused_files, 0, sizeof(REFUSED_FILES) / sizeof(REFUSED_FILES[0]));
	tcase_add_test(tc, test_bad_bytes_and_elements);
	tcase_add_test(tc, test_hostile_values);
	tcase_add_test(tc, test_existing_referential_kept);
	tcase_add_test(tc, test_report_by_plie);
	tcase_add_test(tc, test_report_unknown_plie);
	tcase_add_test(tc, test_followed_marche);
	tcase_add_test(tc, test_no_hours_on_unfollowed_marche);
	suite_add_tcase(suite, tc);
	return suite;
}

int
main(void)
{
	SRunner *runner = srunner_create(decp_suite());

	srunner_run_all(runner, CK_NORMAL);

	int failed = srunner_ntests_failed(runner);

	srunner_free(runner);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
