/*
 * Import of the canonical files: encodings, delimiters, formats, batches, no-op
 * re-import, --strict, and every way a file or a row can be refused.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testdb.h"

#define RULES "tests/data/rules"
#define BAD "tests/data/bad"

START_TEST(test_referential_kinds_load)
{
	testdb_import_referential(RULES);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM donneur"), 4);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM entreprise"), 3);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM operation"), 6);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM marche"), 6);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM participant"), 5);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM convention"), 5);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM lot_import"), 6);
}
END_TEST

typedef struct ValueCase
{
	const char *sql;
	const char *expected;
} ValueCase;

/* Values as stored: decoding, formats and normalisation came out right. */
static const ValueCase VALUE_CASES[] = {
	/* Windows-1252 entreprises.csv with CRLF */
	{"SELECT raison_sociale FROM entreprise WHERE siret = '33100002000015'", "Propreté Œuvre Façades"},
	{"SELECT raison_sociale FROM entreprise WHERE siret = '33100001000016'", "Société Générale de Bâtiment"},
	/* comma-delimited operations.csv with a quoted comma */
	{"SELECT nom FROM operation WHERE id = 'OP-BDX-2'", "Propreté des quais, rive droite"},
	{"SELECT coalesce(fiche, '-') FROM operation WHERE id = 'OP-BDX-1'", "-"},
	{"SELECT fiche FROM operation WHERE id = 'OP-GP-1'", "GP2"},
	/* marches.csv: columns reordered, JJ/MM/AAAA, thousands and decimal comma */
	{"SELECT date_debut || ' ' || date_fin FROM marche WHERE id = 'M1'", "2021-01-01 2021-12-31"},
	{"SELECT montant_ht FROM marche WHERE id = 'M1'", "1000000.00"},
	{"SELECT intitule FROM marche WHERE id = 'M1'", "Gros œuvre"},
	{"SELECT coalesce(lot, '-') FROM marche WHERE id = 'M2'", "-"},
	{"SELECT date_fin FROM marche WHERE id = 'M3'", "2021-03-15"},
	/* participants.csv with a BOM: the first column is still found */
	{"SELECT prenom FROM participant WHERE id = 'P2'", "Éric"},
	{"SELECT criteres::text FROM participant WHERE id = 'P1'", "{rsa,qpv}"},
	{"SELECT criteres::text FROM participant WHERE id = 'P5'", "{}"},
	{"SELECT qpv::text FROM participant WHERE id = 'P1'", "true"},
	{"SELECT coalesce(date_eligibilite::text, '-') FROM participant WHERE id = 'P2'", "-"},
	{"SELECT date_eligibilite FROM participant WHERE id = 'P3'", "2021-03-15"},
	{"SELECT date_naissance FROM participant WHERE id = 'P3'", "2000-01-01"},
	/* provenance of every row */
	{"SELECT b.fichier || ':' || m.ligne FROM marche m JOIN lot_import b ON b.id = m.lot_id WHERE m.id = 'M3'",
	 "marches.csv:4"},
};

START_TEST(test_stored_values)
{
	testdb_import_referential(RULES);
	ck_assert_str_eq(testdb_text(VALUE_CASES[_i].sql), VALUE_CASES[_i].expected);
}
END_TEST

START_TEST(test_reimport_is_noop)
{
	ImportResult result = {0};

	testdb_import_referential(RULES);
	ck_assert_int_eq(testdb_import("heures", RULES "/heures_lot1.csv", false, &result), IMPORT_ROWS_REJECTED);

	long long lot = result.lot_id;
	const char *before = testdb_text("SELECT count(*) || ' ' || sum(heures) FROM ligne_heures");
	char saved[128];

	snprintf(saved, sizeof(saved), "%s", before);
	memset(&result, 0, sizeof(result));
	ck_assert_int_eq(testdb_import("heures", RULES "/heures_lot1.csv", false, &result), IMPORT_ALREADY_DONE);
	ck_assert_int_eq(result.lot_id, lot);
	ck_assert_str_eq(testdb_text("SELECT count(*) || ' ' || sum(heures) FROM ligne_heures"), saved);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM lot_import WHERE nature = 'heures'"), 1);
	/* the CLI says so and succeeds */
	ck_assert_int_eq(testdb_run("import heures " RULES "/heures_lot1.csv"), 0);
}
END_TEST

START_TEST(test_batch_counts_recorded)
{
	testdb_import_referential(RULES);
	testdb_import("heures", RULES "/heures_lot1.csv", false, NULL);
	ck_assert_str_eq(testdb_text("SELECT lignes_lues || '/' || lignes_chargees || '/' || lignes_inchangees "
								 "|| '/' || lignes_rejetees FROM lot_import WHERE fichier = 'heures_lot1.csv'"),
					 "24/17/0/7");
	ck_assert_int_eq(testdb_count("SELECT length(sha256) FROM lot_import WHERE fichier = 'heures_lot1.csv'"), 64);
}
END_TEST

START_TEST(test_upsert_counts_unchanged)
{
	ImportResult result = {0};

	ck_assert_int_eq(testdb_import("donneurs", RULES "/donneurs.csv", false, &result), IMPORT_LOADED);
	ck_assert_int_eq(testdb_import("donneurs", BAD "/donneurs_one_bad.csv", false, &result),
					 IMPORT_ROWS_REJECTED);
	ck_assert_int_eq(result.rows_loaded, 1);	/* D1 new */
	ck_assert_int_eq(result.rows_rejected, 1);	/* D2: unknown type */
	ck_assert_str_eq(testdb_text("SELECT motif FROM rejet WHERE ligne = 3"),
					 "valeur inconnue « inconnu » (attendu : etat, region, departement, commune, epci, "
					 "bailleur, etablissement_public, prive)");
	/* a re-sent referential file with the same rows changes nothing but its batch */
	ck_assert(db_exec(testdb(), "UPDATE donneur SET nom = 'Ancien nom' WHERE id = 'BM'"));
	ck_assert_int_eq(testdb_run("import donneurs tests/data/rules/donneurs.csv"), 0);
	ck_assert_str_eq(testdb_text("SELECT nom FROM donneur WHERE id = 'BM'"), "Ancien nom");
}
END_TEST

START_TEST(test_strict_refuses_whole_file)
{
	ImportResult result = {0};

	testdb_import_referential(RULES);
	ck_assert_int_eq(testdb_import("heures", RULES "/heures_lot1.csv", true, &result), IMPORT_FILE_REJECTED);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM ligne_heures"), 0);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM lot_import WHERE nature = 'heures'"), 0);
	ck_assert_int_eq(testdb_run("import --strict heures " RULES "/heures_lot1.csv"), 2);
	/* without --strict the good rows load and the exit status says rows were rejected */
	ck_assert_int_eq(testdb_run("import heures " RULES "/heures_lot1.csv"), 2);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM ligne_heures"), 17);
}
END_TEST

typedef struct FileCase
{
	const char *kind;
	const char *file;
	ImportStatus status;
} FileCase;

/* Files refused whole: nothing is recorded. */
static const FileCase REFUSED_FILES[] = {
	{"heures", BAD "/empty.csv", IMPORT_FILE_REJECTED},
	{"heures", BAD "/header_only.csv", IMPORT_FILE_REJECTED},
	{"heures", BAD "/missing_column.csv", IMPORT_FILE_REJECTED},
	{"heures", BAD "/duplicated_column.csv", IMPORT_FILE_REJECTED},
	{"heures", BAD "/no_such_file.csv", IMPORT_FILE_REJECTED},
};

START_TEST(test_refused_files)
{
	const FileCase *c = &REFUSED_FILES[_i];

	testdb_import_referential(RULES);
	ck_assert_int_eq(testdb_import(c->kind, c->file, false, NULL), c->status);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM lot_import WHERE nature = 'heures'"), 0);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM rejet"), 0);
}
END_TEST

START_TEST(test_extra_columns)
{
	ImportResult result = {0};

	testdb_import_referential(RULES);
	/* an unknown header column is ignored; a row with a non-empty field beyond the header
	 * is rejected, and so is a short row */
	ck_assert_int_eq(testdb_import("heures", BAD "/extra_columns.csv", false, &result), IMPORT_ROWS_REJECTED);
	ck_assert_int_eq(result.rows_loaded, 1);
	ck_assert_str_eq(testdb_text("SELECT string_agg(ligne || ' ' || motif, ' | ' ORDER BY ligne) FROM rejet"),
					 "3 10 champs au lieu de 9 (séparateur « ; ») | 4 7 champs au lieu de 9 (séparateur « ; »)");
}
END_TEST

START_TEST(test_hostile_values)
{
	ImportResult result = {0};

	ck_assert_int_eq(testdb_import("donneurs", BAD "/hostile_ids.csv", false, &result), IMPORT_ROWS_REJECTED);
	ck_assert_int_eq(result.rows_loaded, 2);
	/* stored literally, never executed */
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM donneur WHERE id = 'x''); DROP TABLE clause.donneur; --'"), 1);
	ck_assert_str_eq(testdb_text("SELECT nom FROM donneur WHERE id = 'A;B'"), "Nom \"cité\"");
	ck_assert_str_eq(testdb_text("SELECT string_agg(ligne || ' ' || coalesce(colonne, '-'), ' | ' ORDER BY ligne) FROM rejet"),
					 "4 nom | 6 - | 7 -");
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM rejet WHERE motif LIKE '%NUL%'"), 1);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM rejet WHERE motif LIKE 'octet 0xE9 invalide en UTF-8%'"), 1);
}
END_TEST

START_TEST(test_unterminated_quote)
{
	ImportResult result = {0};

	ck_assert_int_eq(testdb_import("donneurs", BAD "/unterminated_quote.csv", false, &result),
					 IMPORT_ROWS_REJECTED);
	ck_assert_int_eq(result.rows_loaded, 1);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM rejet WHERE ligne = 3 AND motif LIKE '%guillemet%'"), 1);
}
END_TEST

START_TEST(test_unknown_references_rejected)
{
	ImportResult result = {0};

	ck_assert_int_eq(testdb_import("donneurs", RULES "/donneurs.csv", false, NULL), IMPORT_LOADED);
	/* opérations before entreprises is fine; marchés before entreprises is not */
	ck_assert_int_eq(testdb_import("operations", RULES "/operations.csv", false, NULL), IMPORT_LOADED);
	ck_assert_int_eq(testdb_import("marches", RULES "/marches.csv", false, &result), IMPORT_ROWS_REJECTED);
	ck_assert_int_eq(result.rows_rejected, 6);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM rejet WHERE colonne = 'attributaire_siret' "
								  "AND motif LIKE 'entreprise attributaire inconnue%'"), 6);
}
END_TEST

/* Only an amount given: heures prévues = montant × part de main-d'œuvre × taux ÷ coût horaire. */
START_TEST(test_heures_prevues_estimated_from_amount)
{
	testdb_import_referential(RULES);
	ck_assert_int_eq(testdb_import("marches", "tests/data/estimation/marches.csv", false, NULL), IMPORT_LOADED);
	/* 1,000,000 € × 50 % × 5 % ÷ 30 €/h */
	ck_assert_str_eq(testdb_text("SELECT heures_prevues || ' ' || heures_prevues_estimees FROM marche WHERE id = 'M7'"),
					 "833.33 true");
	ck_assert_str_eq(testdb_text("SELECT coalesce(heures_prevues::text, '-') || ' ' || heures_prevues_estimees "
								 "FROM marche WHERE id = 'M8'"), "- false");
	ck_assert_str_eq(testdb_text("SELECT heures_prevues || ' ' || heures_prevues_estimees FROM marche WHERE id = 'M1'"),
					 "833.00 false");
	/* a change of setting re-estimates the estimates, never the figures buyers gave */
	ck_assert_int_eq(testdb_run("config set cout_horaire_charge 25"), 0);
	ck_assert_str_eq(testdb_text("SELECT heures_prevues FROM marche WHERE id = 'M7'"), "1000.00");
	ck_assert_int_eq(testdb_run("config set taux_insertion 0,1"), 0);
	ck_assert_str_eq(testdb_text("SELECT heures_prevues FROM marche WHERE id = 'M7'"), "2000.00");
	ck_assert_str_eq(testdb_text("SELECT heures_prevues FROM marche WHERE id = 'M1'"), "833.00");
}
END_TEST

static Suite *
import_suite(void)
{
	Suite *suite = suite_create("import");
	TCase *tc = tcase_create("canonical");

	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, testdb_setup, testdb_teardown);
	tcase_add_test(tc, test_referential_kinds_load);
	tcase_add_loop_test(tc, test_stored_values, 0, sizeof(VALUE_CASES) / sizeof(VALUE_CASES[0]));
	tcase_add_test(tc, test_reimport_is_noop);
	tcase_add_test(tc, test_batch_counts_recorded);
	tcase_add_test(tc, test_upsert_counts_unchanged);
	tcase_add_test(tc, test_strict_refuses_whole_file);
	tcase_add_loop_test(tc, test_refused_files, 0, sizeof(REFUSED_FILES) / sizeof(REFUSED_FILES[0]));
	tcase_add_test(tc, test_extra_columns);
	tcase_add_test(tc, test_hostile_values);
	tcase_add_test(tc, test_unterminated_quote);
	tcase_add_test(tc, test_unknown_references_rejected);
	tcase_add_test(tc, test_heures_prevues_estimated_from_amount);
	suite_add_tcase(suite, tc);
	return suite;
}

int
main(void)
{
	SRunner *runner = srunner_create(import_suite());

	srunner_run_all(runner, CK_NORMAL);

	int failed = srunner_ntests_failed(runner);

	srunner_free(runner);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
