/*
 * Incremental attribution after every kind of change (issue 17): each path recomputes only
 * the participant-months its change reaches, and leaves the same attribution, sums by fiche
 * and month as a whole recomputation on the same data.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "attribute.h"
#include "testdb.h"

#define RULES "tests/data/rules"
#define ANNEES "tests/data/annees"
#define TMP "tests/tmp/incremental"
#define HEADER "participant_id;employeur_siret;marche_id;mois;heures;heures_formation;type_contrat;modalite\n"

/* every line's status, PLIE and fiche, then the sums by fiche and month and by marché and month */
#define SNAPSHOT_SQL \
	"SELECT coalesce((SELECT string_agg(ligne_id || ':' || coalesce(motif, '-') || ':' || coalesce(plie, '-') " \
	"|| ':' || coalesce(fiche, '-'), ' ' ORDER BY ligne_id) FROM attribution), '') || ' | ' || " \
	"coalesce((SELECT string_agg(plie || '/' || fiche || '/' || mois || '=' || heures || '+' || heures_formation " \
	"|| '#' || lignes, ' ' ORDER BY plie, fiche, mois) FROM fiche_heures_mois), '') || ' | ' || " \
	"coalesce((SELECT string_agg(marche_id || '/' || mois || '=' || heures || '+' || heures_formation " \
	"|| '#' || lignes, ' ' ORDER BY marche_id, mois) FROM marche_heures_mois), '')"

static void
write_file(const char *path, const char *text)
{
	FILE *f;

	mkdir("tests/tmp", 0755);
	mkdir(TMP, 0755);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fputs(text, f) >= 0, 1);
	ck_assert_int_eq(fclose(f), 0);
}

/*
 * Past this session's attribution, always recompute the participant-months alone: the data
 * sets are small, and a change reaches more than a fifth of their lines.
 */
static void
force_incremental(void)
{
	ck_assert(db_exec(testdb(), "SET clause.attribution_part_max = '1000'"));
	setenv("PGOPTIONS", "-c clause.attribution_part_max=1000", 1);
}

/* Notes which attribution rows stand now, to count those a change writes again. */
static void
mark(void)
{
	ck_assert(db_exec(testdb(), "DROP TABLE IF EXISTS pg_temp.avant; "
					  "CREATE TEMP TABLE avant AS SELECT ligne_id, xmin::text AS x FROM attribution"));
}

/* Attribution rows written since mark(): the lines attributed again. */
static long long
rewritten(void)
{
	return testdb_count("SELECT count(*) FROM attribution a LEFT JOIN avant b USING (ligne_id) "
						"WHERE b.x IS DISTINCT FROM a.xmin::text");
}

/* The sums by marché and month, as the compte-rendu read them from the lines before 0150 */
#define MARCHE_SUMS_DIFFER_SQL \
	"WITH v AS (SELECT marche_id, mois, sum(heures) AS heures, sum(heures_formation) AS heures_formation, " \
	"           count(*) AS lignes FROM v_ligne WHERE credite GROUP BY marche_id, mois), " \
	"k AS (SELECT marche_id, mois, heures, heures_formation, lignes FROM marche_heures_mois) " \
	"SELECT count(*) FROM ((SELECT * FROM v EXCEPT ALL SELECT * FROM k) " \
	"UNION ALL (SELECT * FROM k EXCEPT ALL SELECT * FROM v)) d"

/* The attribution and its sums equal those of a whole recomputation. */
static void
assert_same_as_whole(void)
{
	char *incremental = strdup(testdb_text(SNAPSHOT_SQL));

	ck_assert_ptr_nonnull(incremental);
	ck_assert_int_eq(testdb_count(MARCHE_SUMS_DIFFER_SQL), 0);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM a_reattribuer"), 0);
	ck_assert(attribute_run(testdb()));
	ck_assert_str_eq(testdb_text(SNAPSHOT_SQL), incremental);
	free(incremental);
}

static void
import_ok(const char *kind, const char *path)
{
	ImportResult result = {0};
	ImportStatus status = testdb_import(kind, path, false, &result);

	ck_assert_msg(status == IMPORT_LOADED || status == IMPORT_ROWS_REJECTED, "%s : %d", path, status);
}

/* The rules data set, both batches (tests/data/rules/README.md), then incremental. */
static void
load_rules(void)
{
	testdb_import_referential(RULES);
	import_ok("heures", RULES "/heures_lot1.csv");
	import_ok("heures", RULES "/heures_lot2_correctif.csv");
	force_incremental();
	mark();
}

static const char *
status_of(const char *file, int line)
{
	char sql[512];

	snprintf(sql, sizeof(sql),
			 "SELECT coalesce(motif, 'credite') || '/' || coalesce(fiche, '-') || '/' || coalesce(plie, '-') "
			 "FROM v_ligne WHERE fichier = '%s' AND ligne = %d", file, line);
	return testdb_text(sql);
}

#define PARTICIPANTS_HEADER "id;nom;prenom;date_naissance;sexe;commune_insee;qpv;criteres;date_eligibilite\n"
#define PARTICIPANTS_REST \
	"P2;Durand;Éric;1970-02-02;M;33063;non;deld;\n" \
	"P4;Bernard;Ahmed;1965-01-01;M;24322;non;senior;2020-12-01\n" \
	"P5;Roux;Inès;1985-01-01;F;33063;non;;2021-01-01\n"

/* Eligibility changed: the participant's participant-months only; an address is no change. */
START_TEST(test_participant_changed)
{
	load_rules();
	/* P3 eligible from 01/01/2021 instead of 15/03; P1 moves (no change to its hours) */
	write_file(TMP "/participants.csv", PARTICIPANTS_HEADER
			   "P1;Martin;Léa;1990-05-01;F;33318;oui;rsa|qpv;2021-01-10\n"
			   "P3;Petit;Chloé;01/01/2000;F;47001;non;jeune;01/01/2021\n" PARTICIPANTS_REST);
	ck_assert_str_eq(status_of("heures_lot1.csv", 4), "non_eligible/A3/agenais");
	import_ok("participants", TMP "/participants.csv");
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM lot_import WHERE nature = 'participants' "
								  "AND lignes_chargees = 2"), 1);
	/* P3's lines: January (4), March (10), April (11, 18) */
	ck_assert_int_eq(rewritten(), 4);
	ck_assert_str_eq(status_of("heures_lot1.csv", 4), "credite/A3/agenais");
	assert_same_as_whole();
}
END_TEST

/* The same file again, under another name (another checksum): nothing is attributed again. */
START_TEST(test_same_referential_again_changes_nothing)
{
	char out[8192];

	load_rules();
	write_file(TMP "/participants-bis.csv", PARTICIPANTS_HEADER
			   "P1;Martin;Léa;1990-05-01;F;33063;oui;rsa|qpv;2021-01-10\n"
			   "P3;Petit;Chloé;01/01/2000;F;47001;non;jeune;15/03/2021\n" PARTICIPANTS_REST);
	import_ok("participants", TMP "/participants-bis.csv");
	ck_assert_int_eq(rewritten(), 0);
	/* a marchés file changing only heures prévues: no line reads them */
	ck_assert_int_eq(system("mkdir -p " TMP " && sed 's/;833$/;900/' " RULES "/marches.csv > "
							TMP "/marches-prevues.csv"), 0);
	import_ok("marches", TMP "/marches-prevues.csv");
	ck_assert_str_eq(testdb_text("SELECT heures_prevues::integer FROM marche WHERE id = 'M1'"), "900");
	ck_assert_int_eq(rewritten(), 0);
	/* the inbox with both again and no hours: nothing either */
	ck_assert_int_eq(system("rm -rf " TMP "/boite && mkdir -p " TMP "/boite && cp " RULES "/marches.csv "
							TMP "/boite/marches_2.csv && sed 's/;15\\/03\\/2021$/;2021-03-15/' "
							TMP "/participants-bis.csv > " TMP "/boite/participants_2.csv"), 0);
	ck_assert_int_eq(testdb_run_output("-v batch " TMP "/boite", out, sizeof(out)), 0);
	ck_assert_msg(strstr(out, "participants-mois touchés") == NULL, "%s", out);
	ck_assert_int_eq(rewritten(), 0);
	assert_same_as_whole();
}
END_TEST

/* A marché's period changed: its lines' participant-months (the ceiling checked there). */
START_TEST(test_marche_changed)
{
	load_rules();
	/* M3 ends 30/04/2021 instead of 15/03: April's line 11 is in its period, and P3's April
	 * now sums line 11 with line 18 (160 h) */
	ck_assert_int_eq(system("mkdir -p " TMP " && sed 's/;15\\/03\\/2021;50000/;30\\/04\\/2021;50000/' "
							RULES "/marches.csv > " TMP "/marches-m3.csv"), 0);
	import_ok("marches", TMP "/marches-m3.csv");
	ck_assert_int_eq(rewritten(), 4);
	ck_assert_str_ne(status_of("heures_lot1.csv", 11), "hors_periode_marche/A3/agenais");
	assert_same_as_whole();
}
END_TEST

/* An opération's commune or fiche changed: the lines of its marchés. */
START_TEST(test_operation_changed)
{
	load_rules();
	/* OP-AGEN-1 moves to Bordeaux (M3: lines 4, 10, 11 and P3's April line 18);
	 * OP-GP-2 names GP2 (M5: line 15, P1's April; line 7 and lot 2's line 3, P4's February
	 * with line 6) */
	ck_assert_int_eq(system("mkdir -p " TMP " && sed -e 's/Montanou,47001/Montanou,33063/' "
							"-e 's/^\\(OP-GP-2,.*\\),$/\\1,GP2/' "
							RULES "/operations.csv > " TMP "/operations.csv"), 0);
	import_ok("operations", TMP "/operations.csv");
	ck_assert_str_eq(testdb_text("SELECT fiche FROM operation WHERE id = 'OP-GP-2'"), "GP2");
	ck_assert_int_eq(rewritten(), 4 + 1 + 3);
	ck_assert_str_eq(status_of("heures_lot1.csv", 10), "credite/B1/bordeaux");
	ck_assert_str_eq(status_of("heures_lot1.csv", 15), "credite/GP2/grand_perigueux");
	assert_same_as_whole();
}
END_TEST

/* Eligibility removed, incrementally: what went down is said as before (rule 3). */
START_TEST(test_lowered_by_participant_change)
{
	load_rules();
	import_ok("participants", "tests/data/pratique/participants_sans_criteres.csv");
	/* P1's credited hours: 90 + 10 (January), 80 + 60 (March), 10 (M5, April) */
	ck_assert_str_eq(testdb_text("SELECT count(*) || ' ' || sum(avant - apres) FROM baisse "
								 "WHERE lots = ARRAY[(SELECT max(id) FROM lot_import)]"), "3 250.00");
	assert_same_as_whole();
}
END_TEST

/* A cancelled batch: the participant-months of its lines. */
START_TEST(test_cancelled_batch)
{
	long long lot;
	char command[128];

	load_rules();
	lot = testdb_count("SELECT id FROM lot_import WHERE fichier = 'heures_lot2_correctif.csv'");
	snprintf(command, sizeof(command), "lot annuler %lld --motif 'essai'", lot);
	ck_assert_int_eq(testdb_run(command), 0);
	/* its two lines: P1's January (2 lines), P4's February (3) */
	ck_assert_int_eq(rewritten(), 5);
	ck_assert_str_eq(status_of("heures_lot1.csv", 7), "depassement_plafond/-/grand_perigueux");
	ck_assert_int_gt(testdb_count("SELECT count(*) FROM baisse WHERE annulation"), 0);
	assert_same_as_whole();
}
END_TEST

/* The monthly inbox: a participants file, a marchés file and a new month of hours, each
 * change incremental, in one attribution. */
START_TEST(test_inbox_month)
{
	char out[8192];

	load_rules();
	ck_assert_int_eq(system("rm -rf " TMP "/boite && mkdir -p " TMP "/boite && "
							"sed 's/;15\\/03\\/2021;50000/;30\\/04\\/2021;50000/' " RULES "/marches.csv > "
							TMP "/boite/marches_2.csv"), 0);
	write_file(TMP "/boite/participants_2.csv", PARTICIPANTS_HEADER
			   "P1;Martin;Léa;1990-05-01;F;33063;oui;rsa|qpv;2021-01-10\n"
			   "P3;Petit;Chloé;01/01/2000;F;47001;non;jeune;01/01/2021\n" PARTICIPANTS_REST);
	write_file(TMP "/boite/heures_2021-09.csv", HEADER
			   "P1;33100001000016;M1;2021-09;120;0;cdi;embauche_directe\n"
			   "P3;33100001000016;M3;2021-09;40;0;cdd;embauche_directe\n");
	ck_assert_int_eq(testdb_run_output("-v batch " TMP "/boite", out, sizeof(out)), 0);
	ck_assert_msg(strstr(out, "(mois nouveaux)") != NULL, "%s", out);
	ck_assert_msg(strstr(out, "4 lignes des participants-mois touchés") != NULL, "%s", out);
	/* P3's four lines (its eligibility and M3's period), and the two new ones */
	ck_assert_int_eq(rewritten(), 4 + 2);
	assert_same_as_whole();
}
END_TEST

/* Referential batches loaded without attribution come along with the next one. */
START_TEST(test_waiting_referential_batch)
{
	ImportResult result = {0};
	ImportOptions options = {.kind = "participants", .path = TMP "/participants.csv",
	.defer_attribution = true};

	load_rules();
	write_file(TMP "/participants.csv", PARTICIPANTS_HEADER
			   "P1;Martin;Léa;1990-05-01;F;33063;oui;rsa|qpv;2021-01-10\n"
			   "P3;Petit;Chloé;01/01/2000;F;47001;non;jeune;01/01/2021\n" PARTICIPANTS_REST);
	ck_assert_int_eq(import_file(testdb(), &options, &result), IMPORT_LOADED);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM a_reattribuer"), 1);
	ck_assert_int_eq(rewritten(), 0);
	/* a correction of P4's February: its 3 lines, and P3's 4 */
	write_file(TMP "/heures_p4.csv", HEADER "P4;33100001000016;M4;2021-02;140;0;cddi;embauche_directe\n");
	import_ok("heures", TMP "/heures_p4.csv");
	ck_assert_int_eq(rewritten(), 4 + 4);
	assert_same_as_whole();

	/* a change an earlier release did not record (migration 0120): everything again */
	mark();
	ck_assert(db_exec(testdb(), "INSERT INTO a_reattribuer (lot_id) SELECT max(id) FROM lot_import"));
	write_file(TMP "/heures_p5.csv", HEADER "P5;33100002000015;M2;2021-04;10;0;cdd;embauche_directe\n");
	import_ok("heures", TMP "/heures_p5.csv");
	ck_assert_int_eq(rewritten(), testdb_count("SELECT count(*) FROM attribution"));
	assert_same_as_whole();
}
END_TEST

/* The catalogue: a territory and fiches of a new year move the lines of its communes and
 * months only (tests/data/annees/README.md). */
START_TEST(test_territories_and_fiches)
{
	ImportResult result = {0};

	testdb_import_referential(ANNEES);
	ck_assert_int_eq(testdb_import("heures", ANNEES "/heures.csv", false, &result), IMPORT_LOADED);
	force_incremental();
	mark();
	/* Agen and Villeneuve-sur-Lot in the Agenais from 2022, Marmande in a new PLIE */
	import_ok("territoires", ANNEES "/territoires-2022.csv");
	ck_assert_int_gt(rewritten(), 0);
	ck_assert_int_lt(rewritten(), testdb_count("SELECT count(*) FROM attribution"));
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM attribution a JOIN ligne_heures l ON l.id = a.ligne_id "
								  "LEFT JOIN avant b USING (ligne_id) WHERE b.x IS DISTINCT FROM a.xmin::text "
								  "AND l.mois < '2022-01-01'"), 0);
	assert_same_as_whole();

	mark();
	import_ok("fiches", ANNEES "/fiches-2022.csv");
	ck_assert_int_gt(rewritten(), 0);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM attribution a JOIN ligne_heures l ON l.id = a.ligne_id "
								  "LEFT JOIN avant b USING (ligne_id) WHERE b.x IS DISTINCT FROM a.xmin::text "
								  "AND l.mois < '2022-01-01'"), 0);
	assert_same_as_whole();

	/* the same catalogue again (an updated copy with the same fiches): nothing moves */
	mark();
	ck_assert_int_eq(system("mkdir -p " TMP " && cp " ANNEES "/territoires-2022.csv " TMP "/territoires-bis.csv && "
							"printf '\\n' >> " TMP "/territoires-bis.csv"), 0);
	import_ok("territoires", TMP "/territoires-bis.csv");
	ck_assert_int_eq(rewritten(), 0);
}
END_TEST

static Suite *
incremental_suite(void)
{
	Suite *suite = suite_create("incremental");
	TCase *tc = tcase_create("incremental");

	tcase_set_timeout(tc, 120);
	tcase_add_checked_fixture(tc, testdb_setup, testdb_teardown);
	tcase_add_test(tc, test_participant_changed);
	tcase_add_test(tc, test_same_referential_again_changes_nothing);
	tcase_add_test(tc, test_marche_changed);
	tcase_add_test(tc, test_operation_changed);
	tcase_add_test(tc, test_lowered_by_participant_change);
	tcase_add_test(tc, test_cancelled_batch);
	tcase_add_test(tc, test_inbox_month);
	tcase_add_test(tc, test_waiting_referential_batch);
	tcase_add_test(tc, test_territories_and_fiches);
	suite_add_tcase(suite, tc);
	return suite;
}

int
main(void)
{
	SRunner *runner = srunner_create(incremental_suite());
	int failed;

	srunner_run_all(runner, CK_NORMAL);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
