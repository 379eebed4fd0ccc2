/*
 * Masked counts stay masked (issue #12): each attack of the issue on the tableau
 * d'impact — complements within a breakdown and across levels, zeros and months of a
 * small group, differencing date windows — is run against impact() and the donneur's
 * mon_impact() and recovers nothing; the same for the observatoire.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/lib/log.h"
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
	 * 12 - 6 - 4 gave 2 people of 50 and over: the age band of 4 is secret too; and across
	 * levels, the donneur's 6 people under 26 minus M2's 6 gave OP-PESSAC none */
	{"BM", "M2", "profil", "femmes=x,hommes=x,age_moins_26=x,age_26_49=x,age_50_plus=x,qpv=0"},
	/* the donneur's 14 participants minus M2's 12 (the only marché of OP-BDX-2 and of its
	 * entreprise) gave OP-PESSAC's 2 */
	{"BM", "M2", "personnes", "participants=x,contrats=x"},
	{"BM", "OP-BDX-2", "personnes", "participants=x,contrats=x"},
	{"BM", "BM", "personnes", "participants=14,contrats=14"},
	/* contracts add up to contrats: the CDI masked, so the CDD too; their hours, next to
	 * the hours of OP-PESSAC's CDI in the donneur's, too */
	{"BM", "M2", "contrats", "contrats_cdi=x,heures_cdi=x,contrats_cdd=x,heures_cdd=x,contrats_cddi=0,heures_cddi=0,"
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
	/* the total: femmes 1 of 14, so hommes secret; its 4 people of 50 and over, with
	 * "< 3" in OP-BDX-2, left 2 or more to OP-PESSAC, which has at most 2 */
	{"BM", "BM", "profil", "femmes=x,hommes=x,age_moins_26=6,age_26_49=x,age_50_plus=x,qpv=0"},
	/* the donneur's months of OP-PESSAC alone: they were its months */
	{"BM", "BM", "mois", "mois_2020-07=x,mois_2020-09=x,mois_2021-03=420"},
	{"BM", "BM", "modalites", "modalite_embauche_directe=x,modalite_mise_a_disposition=x,"
	 "modalite_sous_traitance=0,modalite_formation=0"},
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

typedef struct CrossAttack
{
	const char *what;
	const char *sql;			/* over i, the rows of a tableau d'impact of BM */
	const char *recovered;		/* what it gives on the figures below the masking layer */
} CrossAttack;

/* Across levels, computed as the attacker would from the cells published: OP-PESSAC
 * (M6, entreprise 33100001000016) has 2 participants, men of 50 and over, 35 h in July
 * and 35 h in September 2020, all in embauche directe. Each works on impact_calcul(). */
static const CrossAttack CROSS_ATTACKS[] = {
	{"participants : donneur - opérations",
	 "SELECT (SELECT valeur FROM i WHERE niveau = 'total' AND cle = 'participants') "
	 "- (SELECT valeur FROM i WHERE groupe_id = 'OP-BDX-2' AND cle = 'participants')", "2"},
	{"participants : donneur - entreprises",
	 "SELECT (SELECT valeur FROM i WHERE niveau = 'total' AND cle = 'participants') "
	 "- (SELECT valeur FROM i WHERE groupe_id = '33100002000015' AND cle = 'participants')", "2"},
	{"participants : donneur - marchés",
	 "SELECT (SELECT valeur FROM i WHERE niveau = 'total' AND cle = 'participants') "
	 "- (SELECT valeur FROM i WHERE groupe_id = 'M2' AND cle = 'participants')", "2"},
	{"contrats : donneur - opérations",
	 "SELECT (SELECT valeur FROM i WHERE niveau = 'total' AND cle = 'contrats') "
	 "- (SELECT valeur FROM i WHERE groupe_id = 'OP-BDX-2' AND cle = 'contrats')", "2"},
	{"heures de juillet 2020 : donneur - OP-BDX-2 (un mois absent compte 0)",
	 "SELECT (SELECT valeur FROM i WHERE niveau = 'total' AND cle = 'mois_2020-07') "
	 "- coalesce((SELECT valeur FROM i WHERE groupe_id = 'OP-BDX-2' AND cle = 'mois_2020-07'), 0)", "35.00"},
	{"heures de septembre 2020 par les entreprises",
	 "SELECT (SELECT valeur FROM i WHERE niveau = 'total' AND cle = 'mois_2020-09') "
	 "- coalesce((SELECT valeur FROM i WHERE groupe_id = '33100002000015' AND cle = 'mois_2020-09'), 0)", "35.00"},
	{"heures d'embauche directe : donneur - OP-BDX-2",
	 "SELECT (SELECT valeur FROM i WHERE niveau = 'total' AND cle = 'modalite_embauche_directe') "
	 "- (SELECT valeur FROM i WHERE groupe_id = 'OP-BDX-2' AND cle = 'modalite_embauche_directe')", "70.00"},
	{"heures en CDI : donneur - M2",
	 "SELECT (SELECT valeur FROM i WHERE niveau = 'total' AND cle = 'heures_cdi') "
	 "- (SELECT valeur FROM i WHERE groupe_id = 'M2' AND cle = 'heures_cdi')", "70.00"},
	{"moins de 26 ans : donneur - OP-BDX-2 (zéro chez OP-PESSAC)",
	 "SELECT (SELECT valeur FROM i WHERE niveau = 'total' AND cle = 'age_moins_26') "
	 "- (SELECT valeur FROM i WHERE groupe_id = 'OP-BDX-2' AND cle = 'age_moins_26')", "0"},
	/* a bound: the donneur's 4 people of 50 and over, OP-BDX-2's "< 3" (2 at most), leave
	 * OP-PESSAC 2 or more, which is all its "< 3" participants can be */
	{"50 ans et plus : borne basse, donneur - OP-BDX-2",
	 "SELECT 'tous' FROM (SELECT (SELECT valeur FROM i WHERE niveau = 'total' AND cle = 'age_50_plus') "
	 "- (SELECT CASE WHEN secret THEN NULL WHEN masque THEN 2 ELSE valeur END FROM i "
	 "   WHERE groupe_id = 'OP-BDX-2' AND cle = 'age_50_plus') AS au_moins) x "
	 "WHERE x.au_moins >= 2", "tous"},
};

START_TEST(test_cross_level_attacks)
{
	const CrossAttack *a = &CROSS_ATTACKS[_i];
	char sql[1536];

	load_masking_data();
	/* below the layer, with the masks of impact_calcul() only, the attack works */
	snprintf(sql, sizeof(sql),
			 "WITH i AS (SELECT *, false AS secret FROM impact_calcul('BM')) %s", a->sql);
	ck_assert_msg(strcmp(testdb_text(sql), a->recovered) == 0, "%s : %s sous la couche", a->what, testdb_text(sql));
	snprintf(sql, sizeof(sql), "WITH i AS (SELECT * FROM impact('BM')) %s", a->sql);
	ck_assert_msg(strcmp(testdb_text(sql), "(null)") == 0, "%s : %s", a->what, testdb_text(sql));
	snprintf(sql, sizeof(sql), "WITH i AS (SELECT * FROM clause.mon_impact()) %s", a->sql);
	ck_assert_msg(strcmp(testdb_text_as("test_role_masque_bm", sql), "(null)") == 0, "%s (mon_impact)", a->what);
}
END_TEST

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
 * The attacker's audit of a whole tableau d'impact: every sum a reader can write from it
 * — within each group (femmes + hommes and the age bands to participants; contracts by
 * type, by length and by end with those inferred to contrats; hours by contract type,
 * modalité and month to heures réalisées) and across levels (opérations, entreprises and
 * marchés to the donneur; marchés to their opération and entreprise; a missing month
 * counts 0) — taken as exact, each "< seuil" worth 1 to seuil - 1 and each secret cell
 * 0 or more. No sum may force its hidden cells: one alone, or their sum at its least or
 * most. Two exceptions the reader can see too: a total of 0 (its parts are 0), and a sum
 * of people whose participants shown prove someone counted twice (then only the most
 * forces). Returns the open sums, or "aucune".
 */
static const char AUDIT_SQL[] =
	"WITH i AS (SELECT * FROM %s), "
	"prm AS (SELECT valeur AS s FROM parametre WHERE cle = 'seuil_masquage'), "
	"interne AS (SELECT i.*, v.p FROM i CROSS JOIN LATERAL (VALUES "
	"  (CASE WHEN cle IN ('femmes', 'hommes') THEN 'sexe' WHEN cle LIKE 'age\\_%%' THEN 'age' "
	"   WHEN rubrique = 'contrats' AND unite = 'contrats' THEN 'contrat' WHEN rubrique = 'contrats' THEN 'hc' "
	"   WHEN rubrique = 'modalites' THEN 'mod' WHEN rubrique = 'mois' THEN 'mois' "
	"   WHEN rubrique = 'contrats_duree' OR cle = 'contrats_deduits' THEN 'duree' END), "
	"  (CASE WHEN rubrique = 'contrats_fin' OR cle = 'contrats_deduits' THEN 'fin' END)) v(p) "
	" WHERE v.p IS NOT NULL), "
	"lien AS (SELECT 'total' AS pn, '%s' AS pg, niveau AS cn, groupe_id AS cg "
	"  FROM (SELECT DISTINCT niveau, groupe_id FROM i WHERE niveau <> 'total') g "
	" UNION ALL SELECT 'operation', m.operation_id, 'marche', m.id FROM marche m "
	"  WHERE m.id IN (SELECT groupe_id FROM i WHERE niveau = 'marche') "
	" UNION ALL SELECT 'entreprise', m.attributaire_siret, 'marche', m.id FROM marche m "
	"  WHERE m.id IN (SELECT groupe_id FROM i WHERE niveau = 'marche')), "
	"travers AS (SELECT l.pn, l.pg, l.cn, k.* FROM lien l "
	"  JOIN i k ON k.niveau = l.cn AND k.groupe_id = l.cg WHERE k.rubrique <> 'heures'), "
	"double AS (SELECT x.pn, x.pg, x.cn, x.cle FROM travers x "
	"  JOIN i t ON t.niveau = x.pn AND t.groupe_id = x.pg AND t.cle = x.cle "
	"  WHERE x.cle IN ('participants', 'contrats') GROUP BY x.pn, x.pg, x.cn, x.cle, t.valeur, t.masque "
	"  HAVING NOT t.masque AND NOT bool_or(x.masque) AND t.valeur < sum(x.valeur)), "
	"somme AS ( "
	" SELECT 'groupe ' || niveau || ' ' || groupe_id || ' ' || p AS rel, 1 AS signe, valeur, masque, secret, "
	"  false AS couverture FROM interne "
	" UNION ALL SELECT DISTINCT 'groupe ' || n.niveau || ' ' || n.groupe_id || ' ' || n.p, -1, t.valeur, "
	"  t.masque, t.secret, false FROM interne n JOIN i t ON t.niveau = n.niveau AND t.groupe_id = n.groupe_id "
	"  AND t.cle = CASE WHEN n.p IN ('sexe', 'age') THEN 'participants' "
	"   WHEN n.p IN ('contrat', 'duree', 'fin') THEN 'contrats' ELSE 'heures_realisees' END "
	" UNION ALL SELECT 'niveau ' || x.pn || ' ' || x.pg || ' ' || x.cn || ' ' || x.cle, 1, x.valeur, x.masque, "
	"  x.secret, EXISTS (SELECT 1 FROM double d WHERE d.pn = x.pn AND d.pg = x.pg "
	"   AND (d.cn = x.cn OR x.cn = 'marche') "
	"   AND d.cle = CASE x.unite WHEN 'personnes' THEN 'participants' WHEN 'contrats' THEN 'contrats' END) "
	"  FROM travers x "
	" UNION ALL SELECT DISTINCT 'niveau ' || x.pn || ' ' || x.pg || ' ' || x.cn || ' ' || x.cle, -1, t.valeur, "
	"  t.masque, t.secret, false FROM travers x "
	"  JOIN i t ON t.niveau = x.pn AND t.groupe_id = x.pg AND t.cle = x.cle), "
	"bilan AS (SELECT rel, bool_or(couverture) AS couverture, count(*) FILTER (WHERE masque) AS caches, "
	"  coalesce(-sum(signe * valeur) FILTER (WHERE NOT masque), 0) AS reste, "
	"  coalesce(sum(CASE WHEN signe > 0 THEN CASE WHEN secret THEN 0 ELSE 1 END "
	"   ELSE -CASE WHEN secret THEN 1e15 ELSE prm.s - 1 END END) FILTER (WHERE masque), 0) AS bas, "
	"  coalesce(sum(CASE WHEN signe < 0 THEN -CASE WHEN secret THEN 0 ELSE 1 END "
	"   ELSE CASE WHEN secret THEN 1e15 ELSE prm.s - 1 END END) FILTER (WHERE masque), 0) AS haut, "
	"  coalesce(bool_or(valeur = 0) FILTER (WHERE NOT masque AND signe < 0), false) AS nul "
	" FROM somme CROSS JOIN prm GROUP BY rel) "
	"SELECT coalesce(string_agg(rel, ', ' ORDER BY rel), 'aucune') FROM bilan "
	"WHERE caches > 0 AND NOT nul AND CASE WHEN couverture THEN reste >= haut "
	" ELSE reste BETWEEN bas AND haut AND (caches = 1 OR reste = bas OR reste = haut) END";

static const char *
audit_open_sums(const char *from, const char *donneur, const char *role)
{
	char sql[8192];

	snprintf(sql, sizeof(sql), AUDIT_SQL, from, donneur);
	return role ? testdb_text_as(role, sql) : testdb_text(sql);
}

static void
assert_no_complement(const char *donneur)
{
	char from[64], sql[1024];

	snprintf(from, sizeof(from), "impact('%s')", donneur);
	ck_assert_str_eq(audit_open_sums(from, donneur, NULL), "aucune");

	/* no group of 1 to seuil - 1 participants shows a breakdown */
	snprintf(sql, sizeof(sql),
			 "WITH i AS (SELECT * FROM impact('%s')) "
			 "SELECT count(*) FROM i JOIN i p ON p.niveau = i.niveau AND p.groupe_id = i.groupe_id "
			 "WHERE p.cle = 'participants' AND p.masque AND NOT p.secret AND i.valeur IS NOT NULL "
			 "AND (i.rubrique IN ('profil', 'criteres', 'contrats', 'modalites', 'mois') OR i.cle = 'contrats')",
			 donneur);
	ck_assert_int_eq(testdb_count(sql), 0);

	/* a cell shown is the figure below the layer, unchanged */
	snprintf(sql, sizeof(sql),
			 "SELECT count(*) FROM impact('%s') i JOIN impact_calcul('%s') c USING (niveau, groupe_id, cle) "
			 "WHERE i.valeur IS NOT NULL AND i.valeur IS DISTINCT FROM c.valeur", donneur, donneur);
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

/* Where nothing needs hiding, nothing is hidden: with no count below the threshold
 * (seuil 1), impact() is impact_calcul() cell for cell, and the observatoire of the
 * reports data (no breakdown that gives a masked count away) is its figures unchanged. */
START_TEST(test_unchanged_without_masking)
{
	testdb_load_reports();
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM observatoire(2021) o "
								  "JOIN observatoire_calcul(2021) c USING (cle) "
								  "WHERE o.secret OR o.masque <> c.masque OR o.valeur IS DISTINCT FROM c.valeur"), 0);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM observatoire_repartition(2021) o "
								  "JOIN observatoire_repartition_calcul(2021) c USING (dimension, cle) "
								  "WHERE o.secret OR o.heures_secret OR o.masque <> c.masque "
								  "OR o.heures IS DISTINCT FROM c.heures "
								  "OR o.participants IS DISTINCT FROM c.participants"), 0);
	ck_assert(db_exec(testdb(), "UPDATE parametre SET valeur = 1 WHERE cle = 'seuil_masquage'"));
	ck_assert_int_gt(testdb_count("SELECT count(*) FROM impact('BM')"), 300);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM impact('BM')"),
					 testdb_count("SELECT count(*) FROM impact_calcul('BM')"));
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM impact('BM') i "
								  "JOIN impact_calcul('BM') c USING (niveau, groupe_id, cle) "
								  "WHERE i.masque OR i.secret OR i.valeur IS DISTINCT FROM c.valeur"), 0);
}
END_TEST

/* The observatoire, attacked as the tableau d'impact: 2021 of the masking data has 17
 * participants, one woman; 2020 has the 2 men of OP-PESSAC. */
static const char *const OBSERVATOIRE_ATTACKS[] = {
	/* femmes = participants - hommes */
	"SELECT (SELECT valeur FROM o WHERE cle = 'participants') "
	"- (SELECT participants FROM r WHERE cle = 'hommes')",
	/* the same from the other side: hommes = participants - femmes, femmes being 1 or 2 */
	"SELECT CASE WHEN (SELECT participants FROM r WHERE cle = 'hommes') IS NOT NULL "
	" THEN NULL ELSE (SELECT valeur FROM o WHERE cle = 'participants') - 1 END "
	"WHERE (SELECT masque AND NOT secret FROM r WHERE cle = 'femmes') "
	" AND (SELECT valeur FROM o WHERE cle = 'participants') - 1 = "
	"     (SELECT participants FROM r WHERE cle = 'hommes')",
};

START_TEST(test_observatoire_attacks)
{
	char sql[1024];

	load_masking_data();
	snprintf(sql, sizeof(sql),
			 "WITH o AS (SELECT * FROM observatoire_calcul(2021)), "
			 "r AS (SELECT * FROM observatoire_repartition_calcul(2021) WHERE dimension = 'sexe') %s",
			 OBSERVATOIRE_ATTACKS[0]);
	ck_assert_str_eq(testdb_text(sql), "1");	/* below the layer */
	for (size_t a = 0; a < sizeof(OBSERVATOIRE_ATTACKS) / sizeof(OBSERVATOIRE_ATTACKS[0]); a++)
	{
		snprintf(sql, sizeof(sql),
				 "WITH o AS (SELECT * FROM observatoire(2021)), "
				 "r AS (SELECT * FROM observatoire_repartition(2021) WHERE dimension = 'sexe') %s",
				 OBSERVATOIRE_ATTACKS[a]);
		ck_assert_str_eq(testdb_text(sql), "(null)");
	}
	/* a year of 2 people: no breakdown at all, hours and zeros included, nor contracts */
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM observatoire_calcul(2020) WHERE cle = 'participants' AND masque"), 1);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM observatoire_repartition(2020) "
								  "WHERE heures IS NOT NULL OR part_heures IS NOT NULL OR participants IS NOT NULL "
								  "OR NOT heures_secret"), 0);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM observatoire(2020) WHERE unite = 'contrats' AND NOT secret"), 0);
	ck_assert_str_eq(testdb_text("SELECT valeur FROM observatoire(2020) WHERE cle = 'heures'"), "70.00");
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
	tcase_add_loop_test(tc, test_cross_level_attacks, 0, sizeof(CROSS_ATTACKS) / sizeof(CROSS_ATTACKS[0]));
	tcase_add_test(tc, test_no_complement_masking_data);
	tcase_add_test(tc, test_no_complement_reports_data);
	tcase_add_test(tc, test_no_complement_contracts_data);
	tcase_add_test(tc, test_unchanged_without_masking);
	tcase_add_test(tc, test_observatoire_attacks);
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
