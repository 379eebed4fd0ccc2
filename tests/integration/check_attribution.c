/*
 * Attribution rules of DOMAIN.md against the hand-computed data set of
 * tests/data/rules/ (its README explains every line and figure).
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>

#include "build/sql_files.h"
#include "src/lib/format.h"
#include "src/lib/strbuf.h"
#include "src/workflow/attribute.h"
#include "testdb.h"

#define RULES "tests/data/rules"

static void
load_rules(void)
{
	ImportResult result = {0};

	testdb_import_referential(RULES);
	ck_assert_int_eq(testdb_import("heures", RULES "/heures_lot1.csv", false, &result),
					 IMPORT_ROWS_REJECTED);
	ck_assert_int_eq(result.rows_read, 24);
	ck_assert_int_eq(result.rows_loaded, 17);
	ck_assert_int_eq(result.rows_rejected, 7);
	ck_assert_int_eq(testdb_import("heures", RULES "/heures_lot2_correctif.csv", false, &result),
					 IMPORT_LOADED);
	ck_assert_int_eq(result.rows_loaded, 2);
	ck_assert_int_eq(result.rows_unchanged, 1);
}

typedef struct LineCase
{
	const char *file;
	int line;
	const char *expected;		/* motif/fiche/plie */
} LineCase;

static const LineCase LINE_CASES[] = {
	{"heures_lot1.csv", 2, "remplacee/B1/bordeaux"},
	{"heures_lot1.csv", 3, "non_eligible/B1/bordeaux"},
	{"heures_lot1.csv", 4, "non_eligible/A3/agenais"},
	{"heures_lot1.csv", 5, "credite/GP2/grand_perigueux"},
	{"heures_lot1.csv", 6, "credite/GP2/grand_perigueux"},
	{"heures_lot1.csv", 7, "remplacee/-/grand_perigueux"},
	{"heures_lot1.csv", 8, "non_eligible/B1/bordeaux"},
	{"heures_lot1.csv", 9, "hors_periode_marche/B1/bordeaux"},
	{"heures_lot1.csv", 10, "credite/A3/agenais"},
	{"heures_lot1.csv", 11, "hors_periode_marche/A3/agenais"},
	{"heures_lot1.csv", 12, "credite/B1/bordeaux"},
	{"heures_lot1.csv", 13, "credite/B1/bordeaux"},
	{"heures_lot1.csv", 14, "credite/-/bordeaux"},
	{"heures_lot1.csv", 15, "credite/-/grand_perigueux"},
	{"heures_lot1.csv", 16, "depassement_plafond/B1/bordeaux"},
	{"heures_lot1.csv", 17, "depassement_plafond/B1/bordeaux"},
	{"heures_lot1.csv", 18, "credite/B1/bordeaux"},
	{"heures_lot2_correctif.csv", 2, "credite/B1/bordeaux"},
	{"heures_lot2_correctif.csv", 3, "credite/-/grand_perigueux"},
};

START_TEST(test_each_line_status)
{
	const LineCase *c = &LINE_CASES[_i];

	load_rules();
	ck_assert_str_eq(testdb_status_of(c->file, c->line), c->expected);
}
END_TEST

START_TEST(test_totals_by_reason)
{
	load_rules();
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM v_ligne"), 19);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM v_ligne WHERE credite"), 10);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM v_ligne WHERE motif = 'remplacee'"), 2);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM v_ligne WHERE motif = 'non_eligible'"), 3);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM v_ligne WHERE motif = 'hors_periode_marche'"), 2);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM v_ligne WHERE motif = 'depassement_plafond'"), 2);
	ck_assert_double_eq_tol(testdb_number("SELECT sum(heures_total) FROM v_ligne WHERE credite"), 820, 1e-9);
	ck_assert_double_eq_tol(testdb_number("SELECT sum(heures_formation) FROM v_ligne WHERE credite"), 15.5, 1e-9);
	/* the line that was identical in lot 2 was not stored again */
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM v_ligne WHERE fichier = 'heures_lot2_correctif.csv'"), 2);
}
END_TEST

START_TEST(test_rejected_rows_have_line_column_reason)
{
	load_rules();
	ck_assert_str_eq(testdb_text("SELECT string_agg(ligne || ':' || coalesce(colonne, '-'), ' ' ORDER BY ligne) "
								 "FROM rejet r JOIN lot_import b ON b.id = r.lot_id "
								 "WHERE b.fichier = 'heures_lot1.csv'"),
					 "19:employeur_siret 20:marche_id 21:heures 22:mois 23:participant_id "
					 "24:participant_id 25:heures");
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM rejet WHERE motif LIKE '%clé de contrôle%'"), 1);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM rejet WHERE motif LIKE 'marché inconnu « M99 »%'"), 1);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM rejet WHERE motif LIKE 'nombre négatif%'"), 1);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM rejet WHERE motif LIKE '%en double dans le fichier (lignes 23, 24)'"), 2);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM rejet WHERE motif = '800 heures (travaillées + formation) dépassent les 672 heures du mois'"), 1);
}
END_TEST

/* Fiche, indicator key, as-of date, realised, expected, projection. */
typedef struct ProgressCase
{
	const char *fiche;
	const char *key;
	const char *as_of;
	double realised;
	double expected;
	double projection;
} ProgressCase;

static const ProgressCase PROGRESS_CASES[] = {
	{"B1", "heures", "2021-12-31", 400, 250000, 400},
	{"B1", "heures", "2021-06-30", 400, 123972.60, 806.63},
	{"B1", "heures", "2021-02-28", 100, 40410.96, 618.64},
	{"B1", "conventions", "2021-12-31", 2, 20, 2},
	{"B1", "conventions", "2021-03-31", 1, 4.93, 2},
	{"B1", "marches_reserves", "2021-12-31", 1, 2, 1},
	{"B1", "marches_reserves", "2021-02-15", 0, 0.25, 1},
	{"B1", "operations_hors_btp", "2021-12-31", 1, 20, 1},
	{"A3", "heures", "2021-12-31", 40, 40000, 40},
	{"A3", "marches", "2021-12-31", 1, 30, 1},
	{"ET2", "conventions", "2021-12-31", 1, 3, 1},
	{"GP2", "heures", "2021-12-31", 270, 20000, 270},
	{"GP2", "operations", "2021-12-31", 1, 30, 1},
	{"GP4", "operations", "2021-12-31", 0, 30, 0},
	{"PS2", "chantiers", "2021-12-31", 0, 30, 0},
	{"PS2", "conventions", "2021-12-31", 0, 8, 0},
	{"S3", "marches", "2021-12-31", 0, 15, 0},
};

START_TEST(test_progress_figures)
{
	const ProgressCase *c = &PROGRESS_CASES[_i];
	char sql[512];

	load_rules();
	snprintf(sql, sizeof(sql),
			 "SELECT realise || ' ' || attendu || ' ' || coalesce(projection, -1) "
			 "FROM progression_fiche(2021, '%s') WHERE fiche = '%s' AND cle = '%s'",
			 c->as_of, c->fiche, c->key);

	const char *text = testdb_text(sql);
	double realised, expected, projection;

	ck_assert_int_eq(sscanf(text, "%lf %lf %lf", &realised, &expected, &projection), 3);
	ck_assert_double_eq_tol(realised, c->realised, 0.005);
	ck_assert_double_eq_tol(expected, c->expected, 0.005);
	ck_assert_double_eq_tol(projection, c->projection, 0.005);
}
END_TEST

START_TEST(test_ceiling_is_configurable)
{
	load_rules();
	ck_assert_int_eq(testdb_run("config set plafond_mensuel_heures 250"), 0);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM v_ligne WHERE motif = 'depassement_plafond'"), 0);
	ck_assert_double_eq_tol(testdb_number("SELECT sum(heures_total) FROM v_ligne WHERE credite"), 1040, 1e-9);
	ck_assert_int_eq(testdb_run("config set plafond_mensuel_heures 150"), 0);
	/* P4 February (200 h), P3 April (160 h) and P1 May (220 h) are now held back */
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM v_ligne WHERE motif = 'depassement_plafond'"), 5);
	/* values shown as the user writes them */
	char out[4096];

	ck_assert_int_eq(testdb_run_output("config set part_main_oeuvre 0,4", out, sizeof(out)), 0);
	ck_assert_msg(strstr(out, "part_main_oeuvre = 0,4\n") != NULL, "%s", out);
	ck_assert_int_eq(testdb_run_output("config list", out, sizeof(out)), 0);
	ck_assert_msg(strstr(out, " 0,4 ") != NULL && strstr(out, " 1 607 ") != NULL, "%s", out);
	ck_assert_int_eq(testdb_run("config set plafond_inconnu 3"), 1);
	ck_assert_int_eq(testdb_run("config set plafond_mensuel_heures -3"), 1);
}
END_TEST

START_TEST(test_target_per_etp)
{
	load_rules();
	ck_assert_double_eq_tol(testdb_number("SELECT cible_effective FROM progression_fiche(2021, '2021-12-31') "
										  "WHERE fiche = 'S3' AND cle = 'heures'"), 30000, 1e-9);
	char out[4096];

	ck_assert_int_eq(testdb_run_output("fiche etp S3 1,5", out, sizeof(out)), 0);
	ck_assert_msg(strstr(out, "fiche S3 : 1,5 ETP déclaré\n") != NULL, "%s", out);
	ck_assert_double_eq_tol(testdb_number("SELECT cible_effective FROM progression_fiche(2021, '2021-12-31') "
										  "WHERE fiche = 'S3' AND cle = 'heures'"), 45000, 1e-9);
	ck_assert_double_eq_tol(testdb_number("SELECT cible_effective FROM progression_fiche(2021, '2021-12-31') "
										  "WHERE fiche = 'S3' AND cle = 'marches'"), 22.5, 1e-9);
	ck_assert_int_eq(testdb_run("fiche etp Z9 1"), 1);
}
END_TEST

START_TEST(test_attribution_follows_referential_changes)
{
	/* participants imported after the hours' referential change: same result */
	load_rules();

	double before = testdb_number("SELECT sum(heures_total) FROM v_ligne WHERE credite");

	ck_assert_int_eq(testdb_run("attribute"), 0);
	ck_assert_double_eq_tol(testdb_number("SELECT sum(heures_total) FROM v_ligne WHERE credite"), before, 1e-9);
	/* a later referential change is taken into account at once: P2 becomes eligible */
	ck_assert(db_exec(testdb(), "UPDATE participant SET date_eligibilite = '2021-01-01' WHERE id = 'P2'"));
	ck_assert_int_eq(testdb_run("attribute"), 0);
	ck_assert_double_eq_tol(testdb_number("SELECT sum(heures_total) FROM v_ligne WHERE credite"), before + 50, 1e-9);
}
END_TEST

/*
 * The whole attribution runs through db_exec_watched (a ticker on a terminal): it must
 * stop at the first failing statement, say why, and leave the connection usable.
 */
START_TEST(test_watched_script_stops_at_first_error)
{
	ck_assert(db_exec(testdb(), "CREATE TEMP TABLE watched (n int)"));
	ck_assert(!db_exec_watched(testdb(), "INSERT INTO watched VALUES (1); SELECT 1 / 0; "
							   "INSERT INTO watched VALUES (2)", "essai"));
	ck_assert_str_eq(testdb()->sqlstate, "22012");
	/* one transaction for the whole string: nothing stays */
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM watched"), 0);
	ck_assert(db_exec_watched(testdb(), "INSERT INTO watched VALUES (3); SELECT pg_sleep(0.1); "
							  "INSERT INTO watched VALUES (4)", "essai"));
	ck_assert_str_eq(testdb()->sqlstate, "");
	ck_assert_int_eq(testdb_count("SELECT sum(n) FROM watched"), 7);
	ck_assert(db_exec(testdb(), "DROP TABLE watched"));
}
END_TEST

/* clause attribute ends with its counts by status, in French: "1 234,50 heures". */
START_TEST(test_attribute_summary_in_french)
{
	char out[4096];
	char hours[40];
	char expected[96];
	long long credited;

	load_rules();
	ck_assert_int_eq(testdb_run_output("attribute", out, sizeof(out)), 0);
	credited = testdb_count("SELECT count(*) FROM v_ligne WHERE credite");
	format_fr_number(testdb_number("SELECT sum(heures_total) FROM v_ligne WHERE credite"), 2,
					 hours, sizeof(hours));
	ck_assert_int_gt(credited, 1);
	ck_assert_msg(strchr(hours, ',') != NULL, "%s", hours);
	snprintf(expected, sizeof(expected), " %lld lignes ", credited);
	ck_assert_msg(strstr(out, "credite ") != NULL && strstr(out, expected) != NULL, "%s", out);
	snprintf(expected, sizeof(expected), " %s heures\n", hours);
	ck_assert_msg(strstr(out, expected) != NULL, "%s", out);
	ck_assert_msg(strstr(out, ".") == NULL, "decimal point in: %s", out);
}
END_TEST

START_TEST(test_non_credited_lines_report)
{
	load_rules();
	ck_assert_int_eq(testdb_run("report lines --reason hors_periode_marche --format csv -o tests/tmp/lines.csv"), 0);

	FILE *in = fopen("tests/tmp/lines.csv", "r");
	char line[1024];
	int rows = 0;
	bool found = false;

	ck_assert_ptr_nonnull(in);
	while (fgets(line, sizeof(line), in))
	{
		rows++;
		if (strstr(line, "heures_lot1.csv;11;") && strstr(line, ";60,00;") &&
			strstr(line, "hors_periode_marche"))
			found = true;
	}
	fclose(in);
	ck_assert_int_eq(rows, 3);	/* header + 2 lines */
	ck_assert(found);
}
END_TEST

/*
 * Rows of table a not in table b, and of b not in a, repeats counted; compared as text,
 * so that 820.0 and 820.00 differ as they would in a report.
 */
static long long
tables_differ(const char *a, const char *b)
{
	char sql[512];

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM ((SELECT t::text FROM %s t EXCEPT ALL SELECT t::text FROM %s t) "
			 "UNION ALL (SELECT t::text FROM %s t EXCEPT ALL SELECT t::text FROM %s t)) d", a, b, b, a);
	return testdb_count(sql);
}

/* attribute_status_counts' rows, one "status lines hours" line each. */
static bool
status_count_keep(void *context, const DbRow *row)
{
	return strbuf_printf(context, "%s %s %s\n", db_row_value(row, 0), db_row_value(row, 1),
						 db_row_value(row, 2));
}

static char *
status_counts(bool parts_counted)
{
	StrBuf counts = {0};

	ck_assert(attribute_status_counts(testdb(), parts_counted, status_count_keep, &counts));
	ck_assert_ptr_nonnull(counts.data);	/* the rules' lines have statuses */
	return counts.data;
}

/* The parts attached in place of attribution's partitions: at most one each, none left apart. */
static void
assert_partitions_are_parts(int parts)
{
	long long partitions = testdb_count("SELECT count(*) FROM pg_inherits "
										"WHERE inhparent = 'clause.attribution'::regclass");

	ck_assert_int_ge(partitions, 1);
	ck_assert_int_le(partitions, parts);
	/* each named for its part, keyed, its bounds checked, closed to other users */
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
								  "WHERE i.inhparent = 'clause.attribution'::regclass "
								  "AND c.relname ~ '^attribution_[0-9]+$' AND c.relrowsecurity "
								  "AND EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conrelid = c.oid "
								  "            AND k.contype = 'p') "
								  "AND (SELECT count(*) FROM pg_constraint k WHERE k.conrelid = c.oid "
								  "     AND k.conname = c.relname || '_bornes') = 1"), partitions);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM pg_class WHERE relnamespace = 'clause'::regnamespace "
								  "AND relname ~ '^attribution_(tranche_)?[0-9]+$' AND NOT relispartition"), 0);
}

/*
 * The whole attribution on one connection, kept, then on connections connections: the
 * same attribution and the same sums by fiche, row for row, the same counts by status
 * (the parts count them, one connection joins them); the parts' tables gone.
 */
static void
assert_parallel_equals_single(int connections)
{
	bool parts_counted = true;

	ck_assert(attribute_run_counted(testdb(), 1, &parts_counted));
	ck_assert(!parts_counted);
	char *single_counts = status_counts(false);

	ck_assert(db_exec(testdb(), "DROP TABLE IF EXISTS public.seule, public.seule_fiche, public.seule_marche; "
					  "CREATE TABLE public.seule AS SELECT * FROM attribution; "
					  "CREATE TABLE public.seule_fiche AS SELECT * FROM fiche_heures_mois; "
					  "CREATE TABLE public.seule_marche AS SELECT * FROM marche_heures_mois"));
	/* a table the parallel run must fill from scratch, not keep */
	ck_assert(db_exec(testdb(), "DELETE FROM attribution WHERE motif IS NULL"));
	ck_assert(attribute_run_counted(testdb(), connections, &parts_counted));
	ck_assert(parts_counted);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM pg_temp.attribution_statuts"),
					 testdb_count("SELECT count(DISTINCT motif) + 1 FROM attribution"));
	char *parallel_counts = status_counts(true);

	ck_assert_str_eq(parallel_counts, single_counts);
	ck_assert_ptr_nonnull(strstr(parallel_counts, "credite "));
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM pg_class WHERE relname = 'attribution_statuts' "
								  "AND relpersistence = 't'"), 0);
	free(single_counts);
	free(parallel_counts);
	ck_assert_int_eq(tables_differ("public.seule", "attribution"), 0);
	ck_assert_int_eq(tables_differ("public.seule_fiche", "fiche_heures_mois"), 0);
	ck_assert_int_eq(tables_differ("public.seule_marche", "marche_heures_mois"), 0);
	ck_assert_int_gt(testdb_count("SELECT count(*) FROM marche_heures_mois"), 0);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM public.seule"),
					 testdb_count("SELECT count(*) FROM ligne_heures"));
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM pg_class WHERE relname LIKE 'attribution_tranche%'"), 0);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM lot_import WHERE a_attribuer"), 0);
	assert_partitions_are_parts(connections);
	ck_assert(db_exec(testdb(), "DROP TABLE public.seule, public.seule_fiche, public.seule_marche"));
}

/* Every rule's case (ceiling, corrections, repeats, periods): one connection or several. */
START_TEST(test_parallel_attribution_equals_single)
{
	load_rules();
	assert_parallel_equals_single(2);
	assert_parallel_equals_single(3);
	/* a lower ceiling, a cancelled batch: other lines held back, others standing again */
	ck_assert(db_exec(testdb(), "UPDATE parametre SET valeur = 150 WHERE cle = 'plafond_mensuel_heures'"));
	assert_parallel_equals_single(2);
	char command[96];

	snprintf(command, sizeof(command), "lot annuler %lld --motif essai",
			 testdb_count("SELECT id FROM lot_import WHERE fichier = 'heures_lot2_correctif.csv'"));
	ck_assert_int_eq(testdb_run(command), 0);
	assert_parallel_equals_single(2);
	ck_assert_int_gt(testdb_count("SELECT count(*) FROM attribution WHERE motif = 'depassement_plafond'"), 2);
}
END_TEST

/*
 * A run that fails midway (here its parts cannot write) leaves the former attribution
 * as it was; the tables a stopped run left behind do not stop the next one.
 */
START_TEST(test_parallel_attribution_failure_keeps_former)
{
	load_rules();
	ck_assert(db_exec(testdb(), "CREATE TABLE public.avant AS SELECT * FROM attribution; "
					  "UPDATE lot_import SET a_attribuer = true WHERE id = (SELECT min(id) FROM lot_import)"));
	/* the parts' connections open read-only: their writes fail */
	ck_assert(db_exec(testdb(), "DO $$ BEGIN EXECUTE format('ALTER ROLE %I SET "
					  "default_transaction_read_only = on', current_user); END $$"));
	ck_assert(!attribute_run_on(testdb(), 2));
	ck_assert(db_exec(testdb(), "DO $$ BEGIN EXECUTE format('ALTER ROLE %I RESET "
					  "default_transaction_read_only', current_user); END $$"));
	ck_assert_int_eq(tables_differ("public.avant", "attribution"), 0);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM lot_import WHERE a_attribuer"), 1);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM pg_class WHERE relname LIKE 'attribution_tranche%'"), 0);

	/* a run killed after its parts committed left their tables (this release's and the
	 * former's): the next run replaces them */
	ck_assert(db_exec(testdb(), "CREATE UNLOGGED TABLE attribution_tranche (x int); "
					  "INSERT INTO attribution_tranche VALUES (1); "
					  "CREATE TABLE attribution_tranche_2 (LIKE attribution); "
					  "INSERT INTO attribution_tranche_2 SELECT * FROM attribution LIMIT 1"));
	ck_assert(attribute_run_on(testdb(), 2));
	ck_assert_int_eq(tables_differ("public.avant", "attribution"), 0);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM lot_import WHERE a_attribuer"), 0);
	assert_partitions_are_parts(2);

	/* a server that opens no more connections (here: a library they cannot load): the
	 * same work on the one open */
	ck_assert(db_exec(testdb(), "DELETE FROM attribution WHERE motif IS NULL; "
					  "DO $$ BEGIN EXECUTE format('ALTER ROLE %I SET session_preload_libraries "
					  "= ''absente_pour_le_test''', current_user); END $$"));
	Db other = {0};

	ck_assert(!db_connect_sibling(&other, testdb()));
	bool done = attribute_run_on(testdb(), 2);

	ck_assert(db_exec(testdb(), "DO $$ BEGIN EXECUTE format('ALTER ROLE %I RESET "
					  "session_preload_libraries', current_user); END $$"));
	ck_assert(done);
	ck_assert_int_eq(tables_differ("public.avant", "attribution"), 0);
	ck_assert(db_exec(testdb(), "DROP TABLE public.avant"));
}
END_TEST

/* One part of a whole attribution, as src/workflow/attribute_parallel.c runs it, committed. */
static void
run_part(const char *rank, const char *from, const char *to)
{
	const char *make[] = {rank, from, to};
	const char *bounds[] = {from, to};
	const char *key[] = {rank};
	Db part = {0};

	ck_assert(db_connect_sibling(&part, testdb()));
	ck_assert(db_begin(&part) && db_exec(&part, SQL_ATTRIBUTION_TRANCHE_REGLAGES));
	ck_assert(db_query(&part, "SELECT clause.attribution_tranche_creer($1::integer, $2, $3)", 3, make,
					   NULL, NULL, NULL));
	ck_assert(db_query(&part, SQL_ATTRIBUTION_TRANCHE, 2, bounds, NULL, NULL, NULL));
	ck_assert(db_query(&part, "SELECT clause.attribution_tranche_cle($1::integer)", 1, key, NULL, NULL, NULL));
	ck_assert(db_commit(&part));
	db_close(&part);
}

/*
 * Parts whose bounds meet (a bound met twice in the statistics, on a few participants)
 * leave one empty: the swap drops it and attaches the others, and the attribution is the
 * one-connection one.
 */
START_TEST(test_parallel_swap_skips_empty_part)
{
	load_rules();
	ck_assert(attribute_run_on(testdb(), 1));
	ck_assert(db_exec(testdb(), "CREATE TABLE public.seule AS SELECT * FROM attribution"));
	char middle[64];

	snprintf(middle, sizeof(middle), "%s",
			 testdb_text("SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY participant_id) FROM ligne_heures"));
	ck_assert(db_begin(testdb()) && db_exec(testdb(), SQL_ATTRIBUTION_PARALLELE_PREPARE) && db_commit(testdb()));
	run_part("1", NULL, middle);
	run_part("2", middle, middle);
	run_part("3", middle, NULL);
	ck_assert(db_begin(testdb()) && db_exec(testdb(), SQL_ATTRIBUTION_PARALLELE_BASCULE) &&
			  db_commit(testdb()));
	ck_assert_int_eq(tables_differ("public.seule", "attribution"), 0);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM attribution_1 WHERE participant_id >= "
								  "(SELECT debut FROM attribution_tranche_bornes WHERE rang = 3)"), 0);
	ck_assert_int_gt(testdb_count("SELECT count(*) FROM attribution_1"), 0);
	ck_assert_int_gt(testdb_count("SELECT count(*) FROM attribution_3"), 0);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM pg_class WHERE relname IN "
								  "('attribution_2', 'attribution_tranche_2')"), 0);
	ck_assert(db_exec(testdb(), "DROP TABLE public.seule, attribution_tranche_bornes, attribution_tranche_somme, "
					  "attribution_tranche_marche, attribution_tranche_statut"));
	assert_partitions_are_parts(2);
}
END_TEST

static Suite *
attribution_suite(void)
{
	Suite *suite = suite_create("attribution");
	TCase *rules = tcase_create("rules");

	tcase_set_timeout(rules, 60);
	tcase_add_checked_fixture(rules, testdb_setup, testdb_teardown);
	tcase_add_loop_test(rules, test_each_line_status, 0, sizeof(LINE_CASES) / sizeof(LINE_CASES[0]));
	tcase_add_test(rules, test_totals_by_reason);
	tcase_add_test(rules, test_rejected_rows_have_line_column_reason);
	tcase_add_loop_test(rules, test_progress_figures, 0, sizeof(PROGRESS_CASES) / sizeof(PROGRESS_CASES[0]));
	tcase_add_test(rules, test_ceiling_is_configurable);
	tcase_add_test(rules, test_target_per_etp);
	tcase_add_test(rules, test_attribution_follows_referential_changes);
	tcase_add_test(rules, test_non_credited_lines_report);
	tcase_add_test(rules, test_attribute_summary_in_french);
	tcase_add_test(rules, test_watched_script_stops_at_first_error);
	tcase_add_test(rules, test_parallel_attribution_equals_single);
	tcase_add_test(rules, test_parallel_attribution_failure_keeps_former);
	tcase_add_test(rules, test_parallel_swap_skips_empty_part);
	suite_add_tcase(suite, rules);
	return suite;
}

int
main(void)
{
	SRunner *runner = srunner_create(attribution_suite());

	srunner_run_all(runner, CK_NORMAL);

	int failed = srunner_ntests_failed(runner);

	srunner_free(runner);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
