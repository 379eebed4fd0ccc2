/*
 * Masked counts stay masked (issue #12): each attack of the issue on the tableau
 * d'impact — complements within a breakdown, zeros of a small group, differencing date
 * windows — is run against impact() and the donneur's mon_impact() and recovers nothing.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "testdb.h"

#define RULES "tests/data/rules"
#define TMP "tests/tmp"

/*
 * The masking data set, over the rules referential (computed by hand):
 * - marché M2 (opération OP-BDX-2 of BM), March 2021, 35 h each: T01 a woman under 26,
 *   T02–T06 men under 26, T07–T10 men of 26–49, T11–T12 men of 50 and over; T12 on a
 *   CDI, the others on a CDD. So: participants 12, femmes 1 (masked), hommes 11; ages
 *   6 / 4 / 2 (masked); contrats 12: CDD 11, CDI 1 (masked).
 * - marché M6 (opération OP-PESSAC of BM), 2020: T13 and T14, men of 50 and over, CDI,
 *   in July and September: a group of 2 participants (masked).
 * - total of BM: participants 14, femmes 1, hommes 13, ages 6 / 4 / 4, CDD 11, CDI 3.
 * - marché M4 (opération OP-GP-1 of GP, its only marché with hours), March 2021, CDDI:
 *   T15–T17 men under 26, T18 a man of 26–49, T19 a man of 50 and over. Ages 3 / 1 / 1:
 *   the two masked bands add up to 5 - 3 = 2, so each is 1 unless a third is hidden.
 */
static void
load_masking_data(void)
{
	FILE *people = fopen(TMP "/participants-masquage.csv", "w");
	FILE *hours = fopen(TMP "/heures-masquage.csv", "w");

	ck_assert_ptr_nonnull(people);
	ck_assert_ptr_nonnull(hours);
	fputs("id;nom;prenom;date_naissance;sexe;commune_insee;qpv;criteres;date_eligibilite\n", people);
	fputs("participant_id;employeur_siret;marche_id;mois;heures;heures_formation;type_contrat;modalite\n", hours);
	for (int i = 1; i <= 19; i++)
	{
		const char *birth = i <= 6 || (i >= 15 && i <= 17) ? "2000-01-01"
			: i <= 10 || i == 18 ? "1985-01-01" : "1960-01-01";

		fprintf(people, "T%02d;Nom%02d;Prénom%02d;%s;%s;33063;non;rsa;2020-01-01\n", i, i, i, birth,
				i == 1 ? "F" : "M");
		if (i <= 12)
			fprintf(hours, "T%02d;33100002000015;M2;2021-03;35;0;%s;embauche_directe\n", i,
					i == 12 ? "cdi" : "cdd");
		else if (i <= 14)
			fprintf(hours, "T%02d;33100001000016;M6;%s;35;0;cdi;embauche_directe\n", i,
					i == 13 ? "2020-07" : "2020-09");
		else
			fprintf(hours, "T%02d;33100001000016;M4;2021-03;35;0;cddi;embauche_directe\n", i);
	}
	ck_assert_int_eq(fclose(people), 0);
	ck_assert_int_eq(fclose(hours), 0);

	testdb_import_referential(RULES);
	ck_assert_int_eq(testdb_import("participants", TMP "/participants-masquage.csv", true, NULL), IMPORT_LOADED);
	ck_assert_int_eq(testdb_import("heures", TMP "/heures-masquage.csv", true, NULL), IMPORT_LOADED);
	ck_assert_int_eq(testdb_run("role donneur BM test_role_masque_bm"), 0);
	ck_assert_int_eq(testdb_run("role donneur GP test_role_masque_gp"), 0);
}

/* A rubrique of a group as "cle=valeur,…", "x" for a masked value; FROM is impact(…) or mon_impact(…). */
static const char *
rubrique_sql(char *sql, size_t size, const char *from, const char *group, const char *rubrique)
{
	snprintf(sql, size,
			 "SELECT string_agg(cle || '=' || coalesce(round(valeur)::text, 'x'), ',' ORDER BY rang) "
			 "FROM %s WHERE groupe_id = '%s' AND rubrique = '%s'", from, group, rubrique);
	return sql;
}

typedef struct MaskCase
{
	const char *donneur;
	const char *group;
	const char *rubrique;
	const char *expected;
} MaskCase;

static const MaskCase MASK_CASES[] = {
	/* participants 12 and hommes 11 with femmes masked gave femmes 1: hommes is secret too;
	 * 12 - 6 - 4 gave 2 people of 50 and over: the age band of 4 is secret too */
	{"BM", "M2", "profil", "femmes=x,hommes=x,age_moins_26=6,age_26_49=x,age_50_plus=x,qpv=0"},
	{"BM", "M2", "personnes", "participants=12,contrats=12"},
	/* contracts add up to contrats: the CDI masked, so the CDD too */
	{"BM", "M2", "contrats", "contrats_cdi=x,heures_cdi=35,contrats_cdd=x,heures_cdd=385,contrats_cddi=0,heures_cddi=0,"
	 "contrats_ctt=0,heures_ctt=0,contrats_apprentissage=0,heures_apprentissage=0,"
	 "contrats_professionnalisation=0,heures_professionnalisation=0,contrats_autre=0,heures_autre=0"},
	/* a group of 2: no breakdown at all, zeros included, nor its hours by month */
	{"BM", "OP-PESSAC", "personnes", "participants=x,contrats=x"},
	{"BM", "OP-PESSAC", "profil", "femmes=x,hommes=x,age_moins_26=x,age_26_49=x,age_50_plus=x,qpv=x"},
	{"BM", "OP-PESSAC", "mois", "mois_2020-07=x,mois_2020-09=x"},
	{"BM", "OP-PESSAC", "modalites", "modalite_embauche_directe=x,modalite_mise_a_disposition=x,"
	 "modalite_sous_traitance=x,modalite_formation=x"},
	{"BM", "OP-PESSAC", "heures", "heures_prevues=100,heures_realisees=70,heures_travaillees=70,heures_formation=0,"
	 "taux_realisation=1,etp=0"},
	/* the total: femmes 1 of 14, so hommes secret; the ages 6 / 4 / 4 need nothing */
	{"BM", "BM", "profil", "femmes=x,hommes=x,age_moins_26=6,age_26_49=4,age_50_plus=4,qpv=0"},
	/* two bands masked that could only be 1 and 1: the third is secret too */
	{"GP", "M4", "profil", "femmes=0,hommes=5,age_moins_26=x,age_26_49=x,age_50_plus=x,qpv=0"},
	{"GP", "GP", "profil", "femmes=0,hommes=5,age_moins_26=x,age_26_49=x,age_50_plus=x,qpv=0"},
};

START_TEST(test_impact_masks_hold)
{
	const MaskCase *c = &MASK_CASES[_i];
	char sql[1024];

	char from[64];

	load_masking_data();
	snprintf(from, sizeof(from), "impact('%s')", c->donneur);
	rubrique_sql(sql, sizeof(sql), from, c->group, c->rubrique);
	ck_assert_str_eq(testdb_text(sql), c->expected);
	/* the donneur's own function shows the same */
	rubrique_sql(sql, sizeof(sql), "clause.mon_impact()", c->group, c->rubrique);
	ck_assert_str_eq(testdb_text_as(strcmp(c->donneur, "BM") == 0 ? "test_role_masque_bm" : "test_role_masque_gp", sql),
					 c->expected);
}
END_TEST

/* The attacks of the issue, computed as the attacker would: each gives nothing. */
static const char *const ATTACKS[] = {
	/* femmes = participants - hommes */
	"SELECT (SELECT valeur FROM i WHERE groupe_id = 'M2' AND cle = 'participants') "
	"- (SELECT valeur FROM i WHERE groupe_id = 'M2' AND cle = 'hommes')",
	/* 50 and over = participants - the two other bands */
	"SELECT (SELECT valeur FROM i WHERE groupe_id = 'M2' AND cle = 'participants') "
	"- (SELECT valeur FROM i WHERE groupe_id = 'M2' AND cle = 'age_moins_26') "
	"- (SELECT valeur FROM i WHERE groupe_id = 'M2' AND cle = 'age_26_49')",
	/* CDI = contrats - the other types */
	"SELECT (SELECT valeur FROM i WHERE groupe_id = 'M2' AND cle = 'contrats') "
	"- (SELECT CASE WHEN bool_and(valeur IS NOT NULL) THEN sum(valeur) END FROM i "
	"   WHERE groupe_id = 'M2' AND cle LIKE 'contrats\\_%' AND cle <> 'contrats_cdi')",
	/* the sex and age of a small group's people, by its zeros */
	"SELECT string_agg(cle, ',') FROM i WHERE groupe_id = 'OP-PESSAC' AND valeur = 0 "
	"AND rubrique IN ('profil', 'criteres', 'contrats', 'modalites')",
	/* their months of work */
	"SELECT string_agg(cle, ',') FROM i WHERE groupe_id = 'OP-PESSAC' AND rubrique = 'mois' "
	"AND valeur IS NOT NULL",
};

/* On GP: two masked bands and a shown one would give 1 and 1. */
START_TEST(test_attack_bounds)
{
	static const char attack[] =
		"SELECT (SELECT valeur FROM i WHERE groupe_id = 'M4' AND cle = 'participants') "
		"- (SELECT valeur FROM i WHERE groupe_id = 'M4' AND cle = 'age_moins_26')";
	char sql[1024];

	load_masking_data();
	snprintf(sql, sizeof(sql), "WITH i AS (SELECT * FROM impact_calcul('GP')) %s", attack);
	ck_assert_str_eq(testdb_text(sql), "2");	/* the attack works on the figures below the layer */
	snprintf(sql, sizeof(sql), "WITH i AS (SELECT * FROM impact('GP')) %s", attack);
	ck_assert_str_eq(testdb_text(sql), "(null)");
	snprintf(sql, sizeof(sql), "WITH i AS (SELECT * FROM clause.mon_impact()) %s", attack);
	ck_assert_str_eq(testdb_text_as("test_role_masque_gp", sql), "(null)");
}
END_TEST

START_TEST(test_attacks_recover_nothing)
{
	char sql[1024];

	load_masking_data();
	snprintf(sql, sizeof(sql), "WITH i AS (SELECT * FROM impact('BM')) %s", ATTACKS[_i]);
	ck_assert_str_eq(testdb_text(sql), "(null)");
	snprintf(sql, sizeof(sql), "WITH i AS (SELECT * FROM clause.mon_impact()) %s", ATTACKS[_i]);
	ck_assert_str_eq(testdb_text_as("test_role_masque_bm", sql), "(null)");
}
END_TEST

/*
 * Over every group of a tableau d'impact, for each breakdown that adds up to a total
 * shown: its masked cells cannot be worked out. Either one of them is secret (any
 * number), or they are several "< 3" cells (1 or 2 each) whose sum, the total minus
 * the shown cells, is neither all ones nor all twos. And no group of 1 to 2
 * participants shows a breakdown.
 */
static void
assert_no_complement(const char *donneur)
{
	char sql[2048];

	snprintf(sql, sizeof(sql),
			 "WITH i AS (SELECT * FROM impact('%s')), "
			 "part AS (SELECT niveau, groupe_id, masque, secret, valeur, "
			 " CASE WHEN cle IN ('femmes', 'hommes') THEN 's' WHEN cle LIKE 'age\\_%%' THEN 'a' "
			 "  WHEN rubrique = 'contrats' AND unite = 'contrats' THEN 'c' END AS partition FROM i "
			 " UNION ALL SELECT niveau, groupe_id, masque, secret, valeur, 'd' FROM i "
			 "  WHERE rubrique = 'contrats_duree' OR cle = 'contrats_deduits' "
			 " UNION ALL SELECT niveau, groupe_id, masque, secret, valeur, 'f' FROM i "
			 "  WHERE rubrique = 'contrats_fin' OR cle = 'contrats_deduits'), "
			 "trouve AS (SELECT p.niveau, p.groupe_id, p.partition FROM part p "
			 " JOIN i t ON t.niveau = p.niveau AND t.groupe_id = p.groupe_id "
			 "  AND t.cle = CASE WHEN p.partition IN ('s', 'a') THEN 'participants' ELSE 'contrats' END "
			 " WHERE p.partition IS NOT NULL AND NOT t.masque "
			 " GROUP BY p.niveau, p.groupe_id, p.partition, t.valeur "
			 " HAVING count(*) FILTER (WHERE p.masque) >= 1 AND NOT bool_or(p.secret) "
			 "  AND (count(*) FILTER (WHERE p.masque) = 1 "
			 "   OR t.valeur - coalesce(sum(p.valeur), 0) <= count(*) FILTER (WHERE p.masque) "
			 "   OR t.valeur - coalesce(sum(p.valeur), 0) >= "
			 "      ((SELECT valeur FROM parametre WHERE cle = 'seuil_masquage') - 1) * count(*) FILTER (WHERE p.masque))) "
			 "SELECT coalesce(string_agg(niveau || ' ' || groupe_id || ' ' || partition, ', '), 'aucune') "
			 "FROM trouve", donneur);
	ck_assert_str_eq(testdb_text(sql), "aucune");

	snprintf(sql, sizeof(sql),
			 "WITH i AS (SELECT * FROM impact('%s')) "
			 "SELECT count(*) FROM i JOIN i p ON p.niveau = i.niveau AND p.groupe_id = i.groupe_id "
			 "WHERE p.cle = 'participants' AND p.masque AND i.valeur IS NOT NULL "
			 "AND (i.rubrique IN ('profil', 'criteres', 'contrats', 'modalites', 'mois') OR i.cle = 'contrats')",
			 donneur);
	ck_assert_int_eq(testdb_count(sql), 0);
}

START_TEST(test_no_complement_masking_data)
{
	load_masking_data();
	/* the data set holds what the invariant looks for */
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM impact_calcul('BM') WHERE masque AND cle = 'femmes'"), 4);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM impact_calcul('BM') WHERE masque AND cle = 'participants'"), 3);
	assert_no_complement("BM");
	assert_no_complement("GP");
}
END_TEST

START_TEST(test_no_complement_reports_data)
{
	testdb_load_reports();
	ck_assert_int_gt(testdb_count("SELECT count(*) FROM impact_calcul('BM') WHERE masque"), 0);
	assert_no_complement("BM");
}
END_TEST

/* With contracts sent (the data set of check_contrats): their lengths and ends too,
 * under thresholds 3 to 6. */
START_TEST(test_no_complement_contracts_data)
{
	testdb_load_reports();
	ck_assert_int_eq(testdb_import("contrats", "tests/data/contrats/contrats_impact.csv", false, NULL), IMPORT_LOADED);
	ck_assert_int_gt(testdb_count("SELECT count(*) FROM impact_calcul('BM') WHERE masque AND rubrique = 'contrats_fin'"), 0);
	for (int seuil = 3; seuil <= 6; seuil++)
	{
		char sql[128];

		snprintf(sql, sizeof(sql), "UPDATE parametre SET valeur = %d WHERE cle = 'seuil_masquage'", seuil);
		ck_assert(db_exec(testdb(), sql));
		assert_no_complement("BM");
	}
}
END_TEST

typedef struct PeriodCase
{
	const char *args;
	const char *expected;		/* "ok" or the SQLSTATE of the refusal */
} PeriodCase;

/* A donneur d'ordre asks for fixed periods only: windows cannot be differenced. */
static const PeriodCase PERIOD_CASES[] = {
	{"", "ok"},
	{"NULL, '2021-01-01', '2021-12-01'", "ok"},
	{"NULL, '2021-01-01', '2021-12-31'", "ok"},
	{"NULL, '2021-04-01', '2021-06-01'", "ok"},
	{"NULL, '2020-10-01', '2020-12-31'", "ok"},
	{"'OP-BDX-2', '2021-01-01', '2021-03-01'", "ok"},
	/* critere_rqth up to May, then up to June: one June start */
	{"NULL, '2021-01-01', '2021-05-01'", "ERREUR 22023"},
	{"NULL, '2021-01-01', '2021-06-01'", "ERREUR 22023"},
	{"NULL, '2021-02-01', '2021-04-01'", "ERREUR 22023"},
	{"NULL, '2021-03-01', '2021-03-01'", "ERREUR 22023"},
	{"NULL, '2021-01-01', NULL", "ERREUR 22023"},
	{"NULL, NULL, '2021-12-01'", "ERREUR 22023"},
	{"NULL, '2021-01-01', '2022-12-01'", "ERREUR 22023"},
};

START_TEST(test_donneur_fixed_periods)
{
	const PeriodCase *c = &PERIOD_CASES[_i];
	char sql[512];

	load_masking_data();
	snprintf(sql, sizeof(sql), "SELECT CASE WHEN count(*) > 0 THEN 'ok' ELSE 'vide' END FROM clause.mon_impact(%s)",
			 c->args);
	ck_assert_str_eq(testdb_text_as("test_role_masque_bm", sql), c->expected);
}
END_TEST

static Suite *
masking_suite(void)
{
	Suite *suite = suite_create("masking");
	TCase *tc = tcase_create("attacks");

	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, testdb_setup, testdb_teardown);
	tcase_add_loop_test(tc, test_impact_masks_hold, 0, sizeof(MASK_CASES) / sizeof(MASK_CASES[0]));
	tcase_add_loop_test(tc, test_attacks_recover_nothing, 0, sizeof(ATTACKS) / sizeof(ATTACKS[0]));
	tcase_add_test(tc, test_attack_bounds);
	tcase_add_test(tc, test_no_complement_masking_data);
	tcase_add_test(tc, test_no_complement_reports_data);
	tcase_add_test(tc, test_no_complement_contracts_data);
	tcase_add_loop_test(tc, test_donneur_fixed_periods, 0, sizeof(PERIOD_CASES) / sizeof(PERIOD_CASES[0]));
	suite_add_tcase(suite, tc);
	return suite;
}

int
main(void)
{
	SRunner *runner = srunner_create(masking_suite());

	srunner_run_all(runner, CK_NORMAL);

	int failed = srunner_ntests_failed(runner);

	srunner_free(runner);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
