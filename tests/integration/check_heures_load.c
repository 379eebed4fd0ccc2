/*
 * Timesheets straight into ligne_heures (importers/heures_load.c): references resolved
 * by the importer, repeated keys found through the Bloom filter, unchanged lines, the
 * reference check of other writers kept, the bulk path's indexes, --sans-attribution.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "importers/copy_format.h"
#include "src/lib/cluster.h"
#include "src/workflow/attribute.h"
#include "testdb.h"

#define RULES "tests/data/rules"
#define TMP "tests/tmp/heures_load"
#define HEADER "participant_id;employeur_siret;marche_id;mois;heures;heures_formation;type_contrat;modalite\n"

static void
write_file(const char *path, const char *text)
{
	mkdir("tests/tmp", 0755);
	mkdir(TMP, 0755);

	FILE *out = fopen(path, "w");

	ck_assert_ptr_nonnull(out);
	ck_assert_int_eq(fputs(text, out) >= 0, 1);
	ck_assert_int_eq(fclose(out), 0);
}

START_TEST(test_repeated_key_rejects_every_occurrence)
{
	ImportResult result = {0};

	testdb_import_referential(RULES);
	write_file(TMP "/repeats.csv", HEADER
			   "P1;33100001000016;M1;2021-01;100;0;cdi;embauche_directe\n"
			   "P2;33100001000016;M1;2021-01;50;0;cdd;embauche_directe\n"
			   "P1;33100001000016;M1;2021-01;90;0;cdi;embauche_directe\n"
			   "P1;33100001000016;M1;2021-02;80;0;cdi;embauche_directe\n");
	ck_assert_int_eq(testdb_import("heures", TMP "/repeats.csv", false, &result), IMPORT_ROWS_REJECTED);
	ck_assert_int_eq(result.rows_read, 4);
	ck_assert_int_eq(result.rows_loaded, 2);
	ck_assert_int_eq(result.rows_rejected, 2);
	ck_assert_str_eq(testdb_text("SELECT string_agg(ligne || ' ' || colonne || ' ' || motif, ' | ' "
								 "ORDER BY ligne) FROM rejet"),
					 "2 participant_id même participant, marché, employeur et mois en double dans le "
					 "fichier (lignes 2, 4) | 4 participant_id même participant, marché, employeur et "
					 "mois en double dans le fichier (lignes 2, 4)");
	/* the lines kept are the two others, with their provenance */
	ck_assert_str_eq(testdb_text("SELECT string_agg(ligne || ':' || participant_id || ':' || mois, ' ' "
								 "ORDER BY ligne) FROM ligne_heures"),
					 "3:P2:2021-01-01 5:P1:2021-02-01");
}
END_TEST

/* Rule 2 across a month's end: a week running into the next month is a repeat of a line
 * of that month whose period it overlaps (the Bloom filter notes it under both months). */
START_TEST(test_week_into_next_month_repeats_that_month)
{
	ImportResult result = {0};

	testdb_import_referential(RULES);
	write_file(TMP "/semaines.csv",
			   "participant_id;employeur_siret;marche_id;mois;heures;heures_formation;type_contrat;"
			   "modalite;date_debut;date_fin\n"
			   "P1;33100001000016;M1;2021-01;35;0;cdi;embauche_directe;2021-01-28;2021-02-03\n"
			   "P1;33100001000016;M1;2021-02;35;0;cdi;embauche_directe;2021-02-01;2021-02-07\n"
			   "P1;33100001000016;M1;2021-02;35;0;cdi;embauche_directe;2021-02-08;2021-02-14\n"
			   "P2;33100001000016;M1;2021-01;35;0;cdd;embauche_directe;2021-01-25;2021-01-31\n"
			   "P2;33100001000016;M1;2021-02;35;0;cdd;embauche_directe;2021-02-01;2021-02-07\n");
	ck_assert_int_eq(testdb_import("heures", TMP "/semaines.csv", false, &result), IMPORT_ROWS_REJECTED);
	ck_assert_int_eq(result.rows_loaded, 3);
	ck_assert_int_eq(result.rows_rejected, 2);
	ck_assert_str_eq(testdb_text("SELECT string_agg(ligne || ' ' || motif, ' | ' ORDER BY ligne) FROM rejet"),
					 "2 même participant, marché et employeur sur des périodes qui se chevauchent en double "
					 "dans le fichier (lignes 2, 3) | 3 même participant, marché et employeur sur des "
					 "périodes qui se chevauchent en double dans le fichier (lignes 2, 3)");
	/* the weeks that touch without overlapping stay: P1's second February week, P2's two */
	ck_assert_str_eq(testdb_text("SELECT string_agg(ligne::text, ' ' ORDER BY ligne) FROM ligne_heures"), "4 5 6");
}
END_TEST

START_TEST(test_unknown_reference_rejected_with_its_row)
{
	ImportResult result = {0};

	testdb_import_referential(RULES);
	write_file(TMP "/references.csv", HEADER
			   "P999;33100001000016;M1;2021-01;10;0;cdi;embauche_directe\n"
			   "P1;55208131766522;M1;2021-01;10;0;cdi;embauche_directe\n"
			   "P1;33100001000016;M999;2021-01;10;0;cdi;embauche_directe\n"
			   "P2;33100001000016;M1;2021-01;10;0;cdi;embauche_directe\n");
	ck_assert_int_eq(testdb_import("heures", TMP "/references.csv", false, &result), IMPORT_ROWS_REJECTED);
	ck_assert_int_eq(result.rows_loaded, 1);
	ck_assert_int_eq(result.rows_rejected, 3);
	ck_assert_str_eq(testdb_text("SELECT string_agg(colonne || ' ' || motif, ' | ' ORDER BY ligne) FROM rejet"),
					 "participant_id participant inconnu « P999 » : vérifiez son identifiant | "
					 "employeur_siret employeur (SIRET) inconnu « 55208131766522 » : vérifiez le SIRET | "
					 "marche_id marché inconnu « M999 » : vérifiez la référence du marché");
	/* the rejected row is kept as the sender wrote it, for the corrected file */
	ck_assert_str_eq(testdb_text("SELECT contenu FROM rejet WHERE ligne = 2"),
					 "P999;33100001000016;M1;2021-01;10;0;cdi;embauche_directe");
}
END_TEST

START_TEST(test_unchanged_lines_not_stored_again)
{
	ImportResult result = {0};

	testdb_import_referential(RULES);
	write_file(TMP "/first.csv", HEADER
			   "P1;33100001000016;M1;2021-01;100;0;cdi;embauche_directe\n"
			   "P2;33100001000016;M1;2021-01;50;0;cdd;embauche_directe\n");
	write_file(TMP "/second.csv", HEADER
			   "P1;33100001000016;M1;2021-01;100,00;0;cdi;embauche_directe\n"
			   "P2;33100001000016;M1;2021-01;55;0;cdd;embauche_directe\n"
			   "P1;33100001000016;M1;2021-02;70;0;cdi;embauche_directe\n");
	ck_assert_int_eq(testdb_import("heures", TMP "/first.csv", false, NULL), IMPORT_LOADED);
	ck_assert_int_eq(testdb_import("heures", TMP "/second.csv", false, &result), IMPORT_LOADED);
	ck_assert_int_eq(result.rows_loaded, 2);	/* P2 corrected, P1 in February */
	ck_assert_int_eq(result.rows_unchanged, 1);	/* P1 in January, same value */
	ck_assert_str_eq(testdb_text("SELECT mois_min || ' ' || mois_max FROM lot_import "
								 "WHERE fichier = 'second.csv'"), "2021-01-01 2021-02-01");
	/* the correction stands (P2 is not eligible), the first value is replaced */
	ck_assert_str_eq(testdb_text("SELECT string_agg(l.participant_id || ':' || l.heures || ':' || "
								 "coalesce(a.motif, 'credite'), ' ' ORDER BY l.id) "
								 "FROM ligne_heures l JOIN attribution a ON a.ligne_id = l.id"),
					 "P1:100.00:credite P2:50.00:remplacee P2:55.00:non_eligible P1:70.00:credite");
}
END_TEST

/* The importer switches the statement-level reference check off for itself only. */
START_TEST(test_other_writers_still_checked)
{
	testdb_import_referential(RULES);
	ck_assert_int_eq(testdb_run("import heures " RULES "/heures_lot1.csv"), 2);
	ck_assert_str_eq(testdb_text("SELECT tgenabled FROM pg_trigger WHERE tgname = 'ligne_heures_references'"),
					 "O");
	ck_assert(!db_exec(testdb(), "INSERT INTO ligne_heures (lot_id, ligne, participant_id, employeur_siret, "
					   "marche_id, mois, heures, type_contrat, modalite) SELECT max(id), 1, 'P999', "
					   "'33100001000016', 'M1', '2021-01-01', 10, 'cdi', 'embauche_directe' FROM lot_import"));
	ck_assert(!db_exec(testdb(), "INSERT INTO ligne_heures (lot_id, ligne, participant_id, employeur_siret, "
					   "marche_id, mois, heures, type_contrat, modalite) SELECT max(id), 1, 'P1', "
					   "'33100001000016', 'M1', '2021-01-15', 10, 'cdi', 'embauche_directe' FROM lot_import"));
}
END_TEST

/*
 * Whoever writes a line, its hours stay within 24 a day of its month (0190 lets a line
 * of at most 672 hours pass without counting the days): at each month length's bound
 * and just above it.
 */
static bool
insert_hours(const char *month, const char *hours, const char *training)
{
	const char *params[] = {month, hours, training};

	return db_query(testdb(), "INSERT INTO ligne_heures (lot_id, ligne, participant_id, employeur_siret, "
					"marche_id, mois, heures, heures_formation, type_contrat, modalite) "
					"SELECT max(id), 1, 'P1', '33100001000016', 'M1', $1::date, $2::numeric, $3::numeric, "
					"'cdi', 'embauche_directe' FROM lot_import", 3, params, NULL, NULL, NULL);
}

START_TEST(test_month_ceiling_for_every_writer)
{
	testdb_import_referential(RULES);
	ck_assert_int_eq(testdb_run("import heures " RULES "/heures_lot1.csv"), 2);
	ck_assert(insert_hours("2021-02-01", "600", "72"));		/* 28 days: 672 */
	ck_assert(!insert_hours("2021-02-01", "600", "72.01"));
	ck_assert(!insert_hours("2021-02-01", "672.01", "0"));
	ck_assert(insert_hours("2024-02-01", "696", "0"));		/* 29 days */
	ck_assert(!insert_hours("2024-02-01", "696.01", "0"));
	ck_assert(insert_hours("2021-04-01", "700", "20"));		/* 30 days: 720 */
	ck_assert(!insert_hours("2021-04-01", "720.01", "0"));
	ck_assert(insert_hours("2021-01-01", "744", "0"));		/* 31 days */
	ck_assert(!insert_hours("2021-01-01", "744", "0.01"));
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM ligne_heures WHERE heures + heures_formation > 671"), 4);
}
END_TEST

/*
 * The binary COPY of the lines (importers/copy_format.c): what the server reads is what
 * it would read from the same values as text, to the decimals shown.
 */
START_TEST(test_binary_values_read_as_text)
{
	static const char *const numbers[] = {"0", "0.00", "0.05", "0.5", "12.5", "12.50", "744",
		"99999.99", "10000", "007.1234", "1234567890123456.5"};
	static const char *const dates[] = {"2000-01-01", "1999-12-31", "2021-01-01", "2024-02-29",
		"2100-03-01", "0001-01-01", "9999-12-31", "1970-01-01", "2021-12-31", "2000-02-29", "2023-03-01"};
	StrBuf rows = {0};

	ck_assert(db_exec(testdb(), "CREATE TEMP TABLE binaire (n_texte text, n numeric, d_texte text, d date)"));
	for (size_t i = 0; i < sizeof(numbers) / sizeof(numbers[0]); i++)
		ck_assert(copy_binary_row(&rows, 4) && copy_binary_text(&rows, numbers[i]) &&
				  copy_binary_numeric(&rows, numbers[i]) && copy_binary_text(&rows, dates[i]) &&
				  copy_binary_date(&rows, dates[i]));
	ck_assert(db_copy_begin(testdb(), "COPY binaire FROM STDIN (FORMAT binary)") &&
			  db_copy_put(testdb(), COPY_BINARY_HEADER, COPY_BINARY_HEADER_SIZE) &&
			  db_copy_put(testdb(), rows.data, rows.len) && db_copy_end(testdb()));
	strbuf_free(&rows);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM binaire"), 11);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM binaire WHERE n::text IS DISTINCT FROM n_texte::numeric::text "
								  "OR d IS DISTINCT FROM d_texte::date"), 0);
	/* and into the column's type: rounded to its two decimals as the text was */
	ck_assert_str_eq(testdb_text("SELECT string_agg(n::numeric(18, 2)::text, ' ' ORDER BY n) FROM binaire "
								 "WHERE n < 100000"),
					 "0.00 0.00 0.05 0.50 7.12 12.50 12.50 744.00 10000.00 99999.99");
}
END_TEST

/* A file large enough for the bulk path: btree indexes and primary key rebuilt. */
START_TEST(test_bulk_path_rebuilds_keys)
{
	ImportResult result = {0};

	if (access(TMP "/bulk/heures.csv", R_OK) != 0)
		ck_assert_int_eq(system("mkdir -p " TMP " && build/gen_data --bench 120000 " TMP "/bulk >/dev/null"), 0);
	testdb_import_referential(TMP "/bulk");
	ck_assert_int_eq(testdb_import("heures", TMP "/bulk/heures.csv", false, &result), IMPORT_LOADED);
	ck_assert_int_eq(result.rows_loaded, 120000);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM ligne_heures"), 120000);
	ck_assert_str_eq(testdb_text("SELECT string_agg(indexname, ' ' ORDER BY indexname) FROM pg_indexes "
								 "WHERE tablename = 'ligne_heures'"),
					 "ligne_heures_a_cheval_idx ligne_heures_lot_brin ligne_heures_marche_idx "
					 "ligne_heures_mois_brin ligne_heures_participant_mois_idx ligne_heures_pkey");
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM pg_constraint WHERE conname = 'ligne_heures_pkey' "
								  "AND contype = 'p'"), 1);
	/* the reference check, dropped for the COPY, is back and on */
	ck_assert_str_eq(testdb_text("SELECT tgenabled FROM pg_trigger WHERE tgname = 'ligne_heures_references' "
								 "AND tgrelid = 'ligne_heures'::regclass"), "O");
	/* every line in its year's table, none waiting in the default one */
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM ligne_heures "
								  "WHERE tableoid::regclass::text <> 'ligne_heures_' || date_part('year', mois)"), 0);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM attribution"), 120000);

	/* the embedded server they were built on: no WAL for them, and the workers
	 * cluster_index_build_workers() gives this machine (its table: test_index_build_workers) */
	char workers[24];

	snprintf(workers, sizeof(workers), "%d", cluster_index_build_workers(sysconf(_SC_NPROCESSORS_ONLN)));
	ck_assert_str_eq(testdb_text("SELECT current_setting('max_parallel_maintenance_workers')"), workers);
	ck_assert_str_eq(testdb_text("SELECT current_setting('wal_level')"), "minimal");
}
END_TEST

/*
 * A large batch ending in June 2022 (the bench's 120,000 lines without the last half
 * year): a table per year, the last narrowed to June at the batch's end (migration 0220),
 * so that July, sent next month, gets a table of its own.
 */
START_TEST(test_bulk_path_narrows_its_last_year)
{
	ImportResult result = {0};

	if (access(TMP "/bulk/heures.csv", R_OK) != 0)
		ck_assert_int_eq(system("mkdir -p " TMP " && build/gen_data --bench 120000 " TMP "/bulk >/dev/null"), 0);
	ck_assert_int_eq(system("awk -F';' 'NR == 1 || $4 < \"2022-07\"' " TMP "/bulk/heures.csv > " TMP "/heures_juin.csv && "
							"awk -F';' -v OFS=';' 'NR == 1 { print } $4 == \"2022-06\" && n++ < 5 { $4 = \"2022-07\"; print }' "
							TMP "/bulk/heures.csv > " TMP "/heures_juillet.csv"), 0);
	testdb_import_referential(TMP "/bulk");
	ck_assert_int_eq(testdb_import("heures", TMP "/heures_juin.csv", false, &result), IMPORT_LOADED);
	ck_assert_int_eq(result.rows_loaded, 90000);
	ck_assert_str_eq(testdb_text("SELECT string_agg(nom || ' ' || debut || ' ' || fin, ', ' ORDER BY debut) "
								 "FROM ligne_heures_tables()"),
					 "ligne_heures_2021 2021-01-01 2022-01-01, ligne_heures_2022 2022-01-01 2022-07-01");
	/* its indexes were built after the narrowing, on both years */
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM pg_indexes WHERE tablename = 'ligne_heures_2022'"), 6);
	ck_assert_int_eq(testdb_import("heures", TMP "/heures_juillet.csv", false, &result), IMPORT_LOADED);
	ck_assert_int_eq(result.rows_loaded, 5);
	ck_assert_str_eq(testdb_text("SELECT string_agg(nom || ' ' || debut || ' ' || fin, ', ' ORDER BY debut) "
								 "FROM ligne_heures_tables() WHERE debut > '2022-01-01'"),
					 "ligne_heures_2022_07 2022-07-01 2022-08-01");
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM ONLY ligne_heures_2022_07"), 5);
}
END_TEST

/* Lines of the server's log saying a block range's summary request was dropped. */
static int
summary_requests_dropped(void)
{
	char *log = testdb_read_file(testdb_cluster()->log_file, NULL);
	int count = 0;

	for (const char *p = log; (p = strstr(p, "was not recorded")) != NULL; p++)
		count++;
	free(log);
	return count;
}

/*
 * A first load large enough to fill the server's 256 requests for block-range summaries
 * (400,000 lines, about 800 ranges): its block-range indexes are built after the COPY,
 * so no request is dropped and none logged, and every range is summarised at the commit.
 */
START_TEST(test_first_load_builds_block_ranges)
{
	if (access(TMP "/bulk400/heures.csv", R_OK) != 0)
		ck_assert_int_eq(system("mkdir -p " TMP " && build/gen_data --bench 400000 " TMP "/bulk400 >/dev/null"), 0);
	testdb_import_referential(TMP "/bulk400");

	int dropped_before = summary_requests_dropped();

	ck_assert_int_eq(testdb_run("import --sans-attribution heures " TMP "/bulk400/heures.csv"), 0);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM ligne_heures"), 400000);
	ck_assert_int_eq(summary_requests_dropped(), dropped_before);
	/* both block-range indexes on every year's table, with nothing left to summarise */
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM pg_partition_tree('ligne_heures_lot_brin') WHERE isleaf"),
					 testdb_count("SELECT count(*) FROM pg_partition_tree('ligne_heures') WHERE isleaf"));
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM pg_partition_tree('ligne_heures_mois_brin') WHERE isleaf"),
					 testdb_count("SELECT count(*) FROM pg_partition_tree('ligne_heures') WHERE isleaf"));
	ck_assert_int_eq(testdb_count("SELECT sum(brin_summarize_new_values(relid)) "
								  "FROM (SELECT relid FROM pg_partition_tree('ligne_heures_lot_brin') WHERE isleaf "
								  "      UNION ALL "
								  "      SELECT relid FROM pg_partition_tree('ligne_heures_mois_brin') WHERE isleaf) t"), 0);
	ck_assert_str_eq(testdb_text("SELECT string_agg(c.relname || ' ' || array_to_string(c.reloptions, ','), '; ' "
								 "ORDER BY c.relname) FROM pg_class c "
								 "WHERE c.relname IN ('ligne_heures_lot_brin', 'ligne_heures_mois_brin')"),
					 "ligne_heures_lot_brin pages_per_range=16,autosummarize=on; "
					 "ligne_heures_mois_brin pages_per_range=16,autosummarize=on");
}
END_TEST

/* One core each, the building process's own included: on two cores one worker beside it. */
START_TEST(test_index_build_workers)
{
	ck_assert_int_eq(cluster_index_build_workers(-1), 0);	/* sysconf could not tell */
	ck_assert_int_eq(cluster_index_build_workers(1), 0);
	ck_assert_int_eq(cluster_index_build_workers(2), 1);
	ck_assert_int_eq(cluster_index_build_workers(3), 2);
	ck_assert_int_eq(cluster_index_build_workers(64), 2);
}
END_TEST

START_TEST(test_deferred_attribution_caught_up)
{
	testdb_import_referential(RULES);
	ck_assert_int_eq(testdb_run("import --sans-attribution heures " RULES "/heures_lot1.csv"), 2);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM lot_import WHERE a_attribuer"), 1);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM attribution"), 0);
	/* a report says its figures miss them */
	char out[8192];

	ck_assert_int_eq(testdb_run_output("report progress", out, sizeof(out)), 0);
	ck_assert_msg(strstr(out, "1 lot importé sans attribution n'est pas encore") != NULL, "%s", out);
	/* the next import attributes its own lines and the waiting ones */
	ck_assert_int_eq(testdb_run("import heures " RULES "/heures_lot2_correctif.csv"), 0);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM lot_import WHERE a_attribuer"), 0);
	ck_assert_int_eq(testdb_run_output("report progress", out, sizeof(out)), 0);
	ck_assert_msg(strstr(out, "sans attribution") == NULL, "%s", out);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM ligne_heures l "
								  "WHERE NOT EXISTS (SELECT 1 FROM attribution a WHERE a.ligne_id = l.id)"), 0);

	/* and the result is the one of imports attributed one by one */
	const char *deferred = testdb_text("SELECT string_agg(ligne_id || ':' || coalesce(motif, '-'), ' ' "
									   "ORDER BY ligne_id) FROM attribution");
	char saved[4096];

	snprintf(saved, sizeof(saved), "%s", deferred);
	ck_assert_int_eq(testdb_run("attribute"), 0);
	ck_assert_str_eq(testdb_text("SELECT string_agg(ligne_id || ':' || coalesce(motif, '-'), ' ' "
								 "ORDER BY ligne_id) FROM attribution"), saved);
	/* clause attribute takes a waiting batch too */
	ck_assert(db_exec(testdb(), "UPDATE lot_import SET a_attribuer = true WHERE nature = 'heures'; "
					  "TRUNCATE attribution"));
	ck_assert_int_eq(testdb_run("attribute"), 0);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM lot_import WHERE a_attribuer"), 0);
	ck_assert_str_eq(testdb_text("SELECT string_agg(ligne_id || ':' || coalesce(motif, '-'), ' ' "
								 "ORDER BY ligne_id) FROM attribution"), saved);
}
END_TEST

/* every line's status and fiche, in line order */
#define ATTRIBUTION_SQL "SELECT string_agg(ligne_id || ':' || coalesce(motif, '-') || ':' || " \
	"coalesce(fiche, '-'), ' ' ORDER BY ligne_id) FROM attribution"

/*
 * A user that may write the tables but does not own them cannot switch the reference
 * check off nor drop the indexes: its import keeps both, and loads the same. Its whole
 * attribution deletes the rows and keeps the key of attribution: the same result as the
 * owner's.
 */
START_TEST(test_import_by_another_user)
{
	Db other = {0};
	ImportResult result = {0};
	/* no after_merge: attributed later */
	ImportOptions options = {.kind = "heures", .path = RULES "/heures_lot1.csv"};
	char by_other[4096];

	testdb_import_referential(RULES);
	ck_assert(db_exec(testdb(), "DROP ROLE IF EXISTS clause_test_importeur; "
					  "CREATE ROLE clause_test_importeur LOGIN BYPASSRLS; "
					  "GRANT USAGE ON SCHEMA clause TO clause_test_importeur; "
					  "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA clause "
					  "TO clause_test_importeur; "
					  "GRANT USAGE, UPDATE ON ALL SEQUENCES IN SCHEMA clause TO clause_test_importeur"));
	ck_assert(testdb_connect_as("clause_test_importeur", &other));
	ck_assert_int_eq(import_file(&other, &options, &result), IMPORT_ROWS_REJECTED);
	ck_assert_int_eq(result.rows_loaded, 17);
	ck_assert_int_eq(result.rows_rejected, 7);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM ligne_heures"), 17);
	ck_assert_str_eq(testdb_text("SELECT tgenabled FROM pg_trigger WHERE tgname = 'ligne_heures_references'"),
					 "O");
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM lot_import WHERE a_attribuer"), 1);

	/* the other user attributes every line, the key stays */
	ck_assert(attribute_run(&other));
	db_close(&other);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM lot_import WHERE a_attribuer"), 0);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM attribution"), 17);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM pg_constraint WHERE conname = 'attribution_pkey'"), 1);
	snprintf(by_other, sizeof(by_other), "%s", testdb_text(ATTRIBUTION_SQL));

	/* the owner's whole attribution finds the same */
	ck_assert_int_eq(testdb_run("attribute"), 0);
	ck_assert_str_eq(testdb_text(ATTRIBUTION_SQL), by_other);
	ck_assert(db_exec(testdb(), "DROP OWNED BY clause_test_importeur; DROP ROLE clause_test_importeur"));
}
END_TEST

/* the sums by fiche and month, as kept and as summed from the lines */
#define KEPT_SQL "SELECT string_agg(fiche || ':' || mois || ':' || heures_total, ' ' ORDER BY fiche, mois) " \
	"FROM v_fiche_heures_mois"
#define SUMMED_SQL "SELECT string_agg(fiche || ':' || mois || ':' || h, ' ' ORDER BY fiche, mois) FROM " \
	"(SELECT fiche, mois, sum(heures_total) AS h FROM v_ligne WHERE credite AND fiche IS NOT NULL " \
	"GROUP BY 1, 2) s"

/* clause -v import times each stage with French decimals: "attribution et validation 0,02 s". */
static void
assert_french_timings(const char *out)
{
	const char *stage = strstr(out, "attribution et validation ");
	unsigned int whole = 0;
	unsigned int hundredths = 0;
	char unit = 0;

	ck_assert_msg(stage != NULL, "%s", out);
	ck_assert_msg(sscanf(stage, "attribution et validation %u,%2u %c", &whole, &hundredths, &unit) == 3 &&
				  unit == 's', "%s", out);
}

/* A file of months no batch covers yet is attributed over those months alone. */
START_TEST(test_new_month_attribution_equals_whole)
{
	char out[8192];
	char attribution[4096];
	char sums[4096];

	testdb_import_referential(RULES);
	ck_assert_int_eq(testdb_run("import heures " RULES "/heures_lot1.csv"), 2);
	write_file(TMP "/autumn.csv", HEADER
			   "P1;33100001000016;M1;2021-09;120;0;cdi;embauche_directe\n"
			   "P3;33100001000016;M3;2021-09;40;0;cdd;embauche_directe\n"
			   "P4;33100001000016;M4;2021-10;230;0;cddi;embauche_directe\n");
	ck_assert_int_eq(testdb_run_output("-v import heures " TMP "/autumn.csv", out, sizeof(out)), 0);
	ck_assert_msg(strstr(out, "(mois nouveaux)") != NULL, "%s", out);
	assert_french_timings(out);
	/* French agreement: 0 and 1 singular */
	ck_assert_msg(strstr(out, " : 3 lignes lues, 3 chargées, 0 inchangée, 0 rejetée\n") != NULL, "%s", out);
	ck_assert_str_eq(testdb_text(KEPT_SQL), testdb_text(SUMMED_SQL));
	ck_assert_int_gt(testdb_count("SELECT count(*) FROM fiche_heures_mois WHERE mois = '2021-09-01'"), 0);
	snprintf(attribution, sizeof(attribution), "%s", testdb_text(ATTRIBUTION_SQL));
	snprintf(sums, sizeof(sums), "%s", testdb_text(KEPT_SQL));

	/* the whole attribution finds the same, line by line and in the sums */
	ck_assert_int_eq(testdb_run("attribute"), 0);
	ck_assert_str_eq(testdb_text(ATTRIBUTION_SQL), attribution);
	ck_assert_str_eq(testdb_text(KEPT_SQL), sums);

	/* a correction of January goes through the participant-months instead, same sums */
	ck_assert_int_eq(testdb_run_output("-v import heures " RULES "/heures_lot2_correctif.csv", out,
									   sizeof(out)), 0);
	ck_assert_msg(strstr(out, "(mois nouveaux)") == NULL, "%s", out);
	ck_assert_str_eq(testdb_text(KEPT_SQL), testdb_text(SUMMED_SQL));
}
END_TEST

static Suite *
heures_load_suite(void)
{
	Suite *s = suite_create("heures_load");
	TCase *tc = tcase_create("heures_load");

	tcase_set_timeout(tc, 120);
	tcase_add_checked_fixture(tc, testdb_setup, testdb_teardown);
	tcase_add_test(tc, test_repeated_key_rejects_every_occurrence);
	tcase_add_test(tc, test_week_into_next_month_repeats_that_month);
	tcase_add_test(tc, test_unknown_reference_rejected_with_its_row);
	tcase_add_test(tc, test_unchanged_lines_not_stored_again);
	tcase_add_test(tc, test_other_writers_still_checked);
	tcase_add_test(tc, test_month_ceiling_for_every_writer);
	tcase_add_test(tc, test_binary_values_read_as_text);
	tcase_add_test(tc, test_bulk_path_rebuilds_keys);
	tcase_add_test(tc, test_bulk_path_narrows_its_last_year);
	tcase_add_test(tc, test_index_build_workers);
	tcase_add_test(tc, test_first_load_builds_block_ranges);
	tcase_add_test(tc, test_deferred_attribution_caught_up);
	tcase_add_test(tc, test_new_month_attribution_equals_whole);
	tcase_add_test(tc, test_import_by_another_user);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *runner = srunner_create(heures_load_suite());

	srunner_run_all(runner, CK_NORMAL);

	int failed = srunner_ntests_failed(runner);

	srunner_free(runner);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
