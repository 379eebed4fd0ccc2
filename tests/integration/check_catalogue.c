/*
 * The reference catalogue shipped in data/reference/ (issue 14): a new database gets it
 * from the files on first use, traced; a database of the previous release keeps its own.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/lib/checksum.h"
#include "src/lib/log.h"
#include "src/lib/migrate.h"
#include "src/lib/sql_embedded.h"
#include "src/lib/strbuf.h"
#include "testdb.h"

#define DATA "tests/data/annees"
#define FICHES "data/reference/fiches-2021.csv"
#define TERRITOIRES "data/reference/territoires-plie-2021.csv"

/* Every fiche with its id and indicators, every commune's year, every PLIE: one text. */
static char *
catalogue_text(void)
{
	const char *sql =
		"SELECT (SELECT string_agg(f.id || f.plie || f.code || f.titre || f.date_debut || f.date_fin "
		"        || f.clause_insertion || coalesce(f.etp_declares::text, '-') || k.rang || coalesce(k.cle, '-') "
		"        || k.libelle || k.cible || k.unite || k.a_minima || k.par_etp, '|' ORDER BY f.id, k.rang) "
		"        FROM fiche f JOIN fiche_indicateur k ON k.fiche_id = f.id) || '#' || "
		"       (SELECT string_agg(plie || annee || code_insee || commune || confirme, '|' "
		"                          ORDER BY plie, annee, code_insee) FROM plie_commune) || '#' || "
		"       (SELECT string_agg(code || nom, '|' ORDER BY code) FROM plie)";
	char *text = strdup(testdb_text(sql));

	ck_assert_ptr_nonnull(text);
	return text;
}

/* What the figures of a database are, as one text: batches, lines, sums, progress. */
static char *
figures_text(void)
{
	const char *sql =
		"SELECT (SELECT string_agg(id || nature || fichier || lignes_chargees || lignes_rejetees, '|' ORDER BY id) "
		"        FROM lot_import) || '#' || "
		"       (SELECT string_agg(ligne_id || ':' || coalesce(motif, 'credite') || ':' || coalesce(plie, '-') "
		"                          || ':' || coalesce(fiche, '-'), ' ' ORDER BY ligne_id) FROM attribution) || '#' || "
		"       (SELECT string_agg(plie || fiche || mois || ':' || heures, ' ' ORDER BY plie, fiche, mois) "
		"        FROM fiche_heures_mois) || '#' || "
		"       (SELECT string_agg(fiche_id || fiche || coalesce(cle, '-') || ':' || realise || ':' || attendu "
		"                          || ':' || coalesce(projection::text, '-'), ' ' ORDER BY fiche_id, rang) "
		"        FROM progression_fiche(2021, '2021-12-31')) || '#' || "
		"       (SELECT string_agg(fiche_id || fiche || coalesce(cle, '-') || ':' || realise || ':' || attendu, ' ' "
		"                          ORDER BY fiche_id, rang) FROM progression_fiche(2022, '2022-12-31')) || '#' || "
		"       (SELECT string_agg(plie || motif || heures, ' ' ORDER BY plie, motif) "
		"        FROM heures_sans_fiche('2021-01-01', '2022-12-31')) || '#' || "
		"       (SELECT string_agg(id || code || coalesce(lot_id::text, '-') || coalesce(ligne::text, '-'), ' ' "
		"                          ORDER BY id) FROM fiche)";
	char *text = strdup(testdb_text(sql));

	ck_assert_ptr_nonnull(text);
	return text;
}

/* A database as the release before 0100 left it: 0002's catalogue, no reference load. */
static void
previous_release_database(void)
{
	ck_assert(db_exec(testdb(), "DROP SCHEMA clause CASCADE"));
	ck_assert(migrate_apply_without(testdb(), "0100"));
	ck_assert(db_exec(testdb(), "SET search_path = clause, public"));
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM fiche WHERE lot_id IS NULL"), 7);
}

START_TEST(test_new_database_loads_the_reference_files)
{
	char fiches_sha[CHECKSUM_HEX_SIZE], territoires_sha[CHECKSUM_HEX_SIZE], expected[512];

	ck_assert(checksum_file_sha256(FICHES, fiches_sha));
	ck_assert(checksum_file_sha256(TERRITOIRES, territoires_sha));
	snprintf(expected, sizeof(expected), "territoires " TERRITOIRES " %s 191 191|fiches " FICHES " %s 27 27",
			 territoires_sha, fiches_sha);
	ck_assert_str_eq(testdb_text("SELECT string_agg(nature || ' ' || fichier || ' ' || sha256 || ' ' || lignes_lues "
								 "|| ' ' || lignes_chargees, '|' ORDER BY id) FROM source_reference"), expected);
	/* no batch: the user's lots are numbered from 1 as before */
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM lot_import"), 0);
	/* each fiche and commune names its file and line */
	ck_assert_str_eq(testdb_text("SELECT string_agg(f.code || ':' || f.ligne, ' ' ORDER BY f.id) FROM fiche f "
								 "JOIN source_reference r ON r.id = f.reference_id AND r.nature = 'fiches' "
								 "WHERE f.lot_id IS NULL"),
					 "A3:2 B1:4 GP2:9 GP4:15 PS2:21 S3:25 ET2:27");
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM plie_commune pc JOIN source_reference r "
								  "ON r.id = pc.reference_id AND r.nature = 'territoires' "
								  "WHERE pc.source = r.fichier || ':' || pc.ligne"), 191);
	ck_assert_str_eq(testdb_text("SELECT source FROM plie_commune WHERE code_insee = '47001'"), TERRITOIRES ":2");

	char out[4096], source[256];

	ck_assert_int_eq(testdb_run_output("fiche show B1", out, sizeof(out)), 0);
	snprintf(source, sizeof(source), "source : " FICHES " (catalogue livré avec clause, ligne 4, SHA-256 %.12s…)",
			 fiches_sha);
	ck_assert_msg(strstr(out, source) != NULL, "%s", out);

	/* the same catalogue as migration 0002 wrote, fiche ids included */
	char *from_files = catalogue_text();

	previous_release_database();

	char *from_sql = catalogue_text();

	ck_assert_str_eq(from_files, from_sql);
	free(from_files);
	free(from_sql);
}
END_TEST

START_TEST(test_loaded_once_and_on_first_use)
{
	/* migrating again loads nothing */
	ck_assert(migrate_apply(testdb(), false));
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM source_reference"), 2);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM fiche"), 7);

	/* files out of reach: a new database is refused, then loaded once they are back */
	char *home = strdup(getenv("CLAUSE_HOME") ? getenv("CLAUSE_HOME") : ".");

	ck_assert_ptr_nonnull(home);
	ck_assert(db_exec(testdb(), "DROP SCHEMA clause CASCADE"));
	setenv("CLAUSE_HOME", "/nonexistent/clause", 1);

	StrBuf errors = {0};

	log_capture(&errors, true);
	ck_assert(!migrate_apply(testdb(), false));
	log_capture(NULL, false);
	ck_assert_msg(errors.data && strstr(errors.data, "catalogue de référence illisible : /nonexistent/clause/"
										TERRITOIRES) != NULL, "%s", errors.data ? errors.data : "");
	strbuf_free(&errors);
	setenv("CLAUSE_HOME", home, 1);
	free(home);
	ck_assert(db_exec(testdb(), "SET search_path = clause, public"));
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM fiche"), 0);
	ck_assert(migrate_apply(testdb(), false));
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM source_reference WHERE nature <> 'migration'"), 2);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM fiche WHERE reference_id IS NOT NULL"), 7);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM plie_commune WHERE reference_id IS NOT NULL"), 191);
}
END_TEST

/*
 * The checksums the migrations record are computed when clause is built
 * (tools/embed_sql.sh): they are those of the texts embedded, recorded as such, and an
 * applied migration edited since is still told.
 */
START_TEST(test_migration_checksums_built_in)
{
	StrBuf views = {0};
	char sha[CHECKSUM_HEX_SIZE];
	int files = 0;

	for (const EmbeddedSql *sql = EMBEDDED_SQL; sql->name; sql++, files++)
	{
		ck_assert(checksum_sha256(sql->text, strlen(sql->text), sha));
		ck_assert_msg(strcmp(sha, sql->sha256) == 0, "sql/%s", sql->name);
		if (strncmp(sql->name, "views/", 6) == 0)
			ck_assert(strbuf_puts(&views, sql->text));
	}
	ck_assert_int_gt(files, 40);
	ck_assert(checksum_sha256(views.data, views.len, sha));
	ck_assert_str_eq(sha, EMBEDDED_SQL_VIEWS_SHA256);
	strbuf_free(&views);

	const char *params[] = {EMBEDDED_SQL_VIEWS_SHA256};

	ck_assert(db_query_value(testdb(), "SELECT count(*) FROM clause.schema_migration "
							 "WHERE nom = 'views/' AND sha256 = $1", 1, params, sha, sizeof(sha), NULL));
	ck_assert_str_eq(sha, "1");
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM clause.schema_migration WHERE nom LIKE 'migrations/%' "
								  "AND sha256 ~ '^[0-9a-f]{64}$'"),
					 testdb_count("SELECT count(*) FROM clause.schema_migration WHERE nom LIKE 'migrations/%'"));

	char out[4096];

	ck_assert_int_eq(testdb_run_output("db migrate", out, sizeof(out)), 0);
	ck_assert_ptr_null(strstr(out, "a changé depuis son application"));
	ck_assert(db_exec(testdb(), "UPDATE clause.schema_migration SET sha256 = repeat('0', 64) "
					  "WHERE nom = 'migrations/0001_schema.sql'"));
	ck_assert_int_eq(testdb_run_output("db migrate", out, sizeof(out)), 0);
	ck_assert_msg(strstr(out, "sql/migrations/0001_schema.sql a changé depuis son application"), "%s", out);
}
END_TEST

START_TEST(test_previous_release_keeps_its_figures)
{
	ImportResult result = {0};

	/* (the fiches and territoires merges of this release name source_reference: the
	 * previous release's database gets the files whose merge did not change) */
	previous_release_database();
	testdb_import_referential(DATA);
	ck_assert_int_eq(testdb_import("heures", DATA "/heures.csv", false, &result), IMPORT_LOADED);
	ck_assert(db_exec(testdb(), "UPDATE fiche SET etp_declares = 2 WHERE code = 'S3'"));

	char *catalogue = catalogue_text();
	char *figures = figures_text();

	/* the upgrade: 0100, then the loader, which finds the catalogue there */
	ck_assert(migrate_apply(testdb(), false));
	ck_assert(db_exec(testdb(), "SET search_path = clause, public"));

	char *catalogue_after = catalogue_text();
	char *figures_after = figures_text();

	ck_assert_str_eq(catalogue_after, catalogue);
	ck_assert_str_eq(figures_after, figures);
	ck_assert_str_eq(testdb_text("SELECT string_agg(nature || ' ' || fichier, '|') FROM source_reference"),
					 "migration sql/migrations/0002_catalogue_2021.sql");
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM fiche WHERE lot_id IS NULL AND reference_id = 1"), 7);

	char out[4096];

	ck_assert_int_eq(testdb_run_output("fiche show A3 --year 2021", out, sizeof(out)), 0);
	ck_assert_msg(strstr(out, "source : catalogue 2021 de l'appel à projets (migration 0002)") != NULL, "%s", out);
	/* and next year's catalogue loads into it as into any */
	ck_assert_int_eq(testdb_import("territoires", DATA "/territoires-2022.csv", false, &result), IMPORT_LOADED);
	ck_assert_int_eq(testdb_import("fiches", DATA "/fiches-2022.csv", false, &result), IMPORT_LOADED);
	ck_assert_str_eq(testdb_text("SELECT coalesce(motif, 'credite') || '/' || plie || '/' || fiche FROM v_ligne "
								 "WHERE fichier = 'heures.csv' AND ligne = 9"), "credite/bordeaux/B1");
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM source_reference"), 1);
	free(catalogue);
	free(figures);
	free(catalogue_after);
	free(figures_after);
}
END_TEST

START_TEST(test_next_year_beside_the_reference)
{
	ImportResult result = {0};

	/* a 2022 catalogue loads beside the reference one, as batches of the user's */
	ck_assert_int_eq(testdb_import("territoires", DATA "/territoires-2022.json", false, &result), IMPORT_LOADED);
	ck_assert_int_eq(result.lot_id, 1);
	ck_assert_int_eq(testdb_import("fiches", DATA "/fiches-2022.json", false, &result), IMPORT_LOADED);
	ck_assert_int_eq(result.lot_id, 2);
	ck_assert_str_eq(testdb_text("SELECT string_agg(code || ':' || coalesce(lot_id::text, 'ref' || reference_id), ' ' "
								 "ORDER BY date_debut, plie, code) FROM fiche WHERE code IN ('A3', 'B1')"),
					 "A3:ref2 B1:ref2 A3:2 B1:2");
	/* the file shipped, imported by hand, is a batch of its own that changes nothing */
	ck_assert_int_eq(testdb_import("fiches", FICHES, false, &result), IMPORT_LOADED);
	ck_assert_int_eq(result.rows_loaded, 0);
	ck_assert_int_eq(result.rows_unchanged, 27);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM fiche WHERE reference_id = 2"), 7);
}
END_TEST

static Suite *
catalogue_suite(void)
{
	Suite *suite = suite_create("catalogue");
	TCase *tc = tcase_create("catalogue");

	tcase_set_timeout(tc, 120);
	tcase_add_checked_fixture(tc, testdb_setup, testdb_teardown);
	tcase_add_test(tc, test_new_database_loads_the_reference_files);
	tcase_add_test(tc, test_loaded_once_and_on_first_use);
	tcase_add_test(tc, test_previous_release_keeps_its_figures);
	tcase_add_test(tc, test_migration_checksums_built_in);
	tcase_add_test(tc, test_next_year_beside_the_reference);
	suite_add_tcase(suite, tc);
	return suite;
}

int
main(void)
{
	SRunner *runner = srunner_create(catalogue_suite());

	srunner_run_all(runner, CK_NORMAL);

	int failed = srunner_ntests_failed(runner);

	srunner_free(runner);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
