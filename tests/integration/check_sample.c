/*
 * The bundled sample year (data/sample/) against the figures that tools/gen_data.c
 * computed independently from its own model (tests/expected/sample-2021-expected.tsv).
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/workflow/attribute.h"
#include "testdb.h"

#define SAMPLE "data/sample"
#define EXPECTED "tests/expected/sample-2021-expected.tsv"

static int
compare_names(const void *a, const void *b)
{
	return strcmp(*(const char *const *) a, *(const char *const *) b);
}

/* Loads the sample as make demo does: referential files, contracts (the ETTI's through its
 * profile), then hours in name order. */
static void
load_sample(void)
{
	DIR *dir = opendir(SAMPLE);
	char *names[64];
	int count = 0;
	struct dirent *entry;

	testdb_import_referential_tolerant(SAMPLE);
	ck_assert_ptr_nonnull(dir);
	while ((entry = readdir(dir)) != NULL && count < 64)
		if (strncmp(entry->d_name, "heures_", 7) == 0)
			names[count++] = strdup(entry->d_name);
	closedir(dir);
	qsort(names, (size_t) count, sizeof(char *), compare_names);
	ck_assert_int_ge(count, 13);

	int etti = testdb_run("import contrats --profile profiles/etti-idees-bordeaux-contrats.json "
						  SAMPLE "/contrats_2021_etti-idees-bordeaux.csv");

	ck_assert_msg(etti == 0, "contrats de l'ETTI : code %d", etti);
	ImportStatus ei = testdb_import("contrats", SAMPLE "/contrats_2021_elan-batiment.csv", false, NULL);

	ck_assert_msg(ei == IMPORT_LOADED || ei == IMPORT_ALREADY_DONE, "contrats de l'EI : statut %d", ei);
	for (int i = 0; i < count; i++)
	{
		char path[512];

		snprintf(path, sizeof(path), SAMPLE "/%s", names[i]);
		ImportStatus status = testdb_import("heures", path, false, NULL);

		ck_assert_msg(status == IMPORT_LOADED || status == IMPORT_ROWS_REJECTED || status == IMPORT_ALREADY_DONE,
					  "%s : statut %d", path, status);
		free(names[i]);
	}
	ck_assert(db_exec(testdb(), "UPDATE fiche SET etp_declares = 1.5 WHERE code = 'S3'"));
}

typedef struct Expected
{
	char section[32];
	char key[128];
	double value;
} Expected;

static int
read_expected(Expected *rows, int max)
{
	FILE *in = fopen(EXPECTED, "r");
	char line[512];
	int count = 0;

	ck_assert_ptr_nonnull(in);
	while (fgets(line, sizeof(line), in) && count < max)
	{
		Expected *row = &rows[count];

		if (sscanf(line, "%31[^\t]\t%127[^\t]\t%lf", row->section, row->key, &row->value) == 3)
			count++;
	}
	fclose(in);
	return count;
}

START_TEST(test_sample_matches_independent_figures)
{
	static Expected rows[512];
	int count = read_expected(rows, 512);
	int compared_indicators = 0;

	ck_assert_int_gt(count, 50);
	load_sample();
	/* the contract figures are compared whole: no count masked */
	ck_assert_int_eq(testdb_run("config set seuil_masquage 1"), 0);
	for (int i = 0; i < count; i++)
	{
		const Expected *row = &rows[i];
		char sql[1024];

		if (strcmp(row->section, "fiche") == 0)
		{
			char fiche[16], key[64];

			ck_assert_int_eq(sscanf(row->key, "%15[^.].%63s", fiche, key), 2);
			snprintf(sql, sizeof(sql),
					 "SELECT count(*) FROM progression_fiche(2021, '2021-12-31') "
					 "WHERE fiche = '%s' AND cle = '%s'", fiche, key);
			if (testdb_count(sql) == 0)
				continue;		/* not an indicator of that fiche */
			snprintf(sql, sizeof(sql),
					 "SELECT realise FROM progression_fiche(2021, '2021-12-31') "
					 "WHERE fiche = '%s' AND cle = '%s'", fiche, key);
			compared_indicators++;
		}
		else if (strcmp(row->section, "lines") == 0)
			snprintf(sql, sizeof(sql), "SELECT count(*) FROM v_ligne WHERE coalesce(motif, 'credited') = '%s'",
					 row->key);
		else if (strcmp(row->section, "rejects") == 0)
			snprintf(sql, sizeof(sql), "SELECT count(*) FROM rejet r JOIN lot_import b ON b.id = r.lot_id "
					 "WHERE b.fichier = '%s'", row->key);
		else if (strcmp(row->section, "hours") == 0)
			snprintf(sql, sizeof(sql), "SELECT sum(heures_total) FROM v_ligne WHERE credite");
		else if (strcmp(row->section, "contracts") == 0)	/* observatoire 2021, every PLIE */
			snprintf(sql, sizeof(sql), "SELECT coalesce(valeur, -1) FROM observatoire(2021) WHERE cle = '%s'",
					 row->key);
		else
			ck_abort_msg("section inconnue %s", row->section);

		double got = testdb_number(sql);

		ck_assert_msg(got > row->value - 0.005 && got < row->value + 0.005,
					  "%s %s : attendu %.2f, obtenu %.2f", row->section, row->key, row->value, got);
	}
	/* every tracked indicator of the catalogue was compared: 16 of them */
	ck_assert_int_eq(compared_indicators, 16);
}
END_TEST

START_TEST(test_sample_reload_changes_nothing)
{
	load_sample();

	char before[256];

	snprintf(before, sizeof(before), "%s",
			 testdb_text("SELECT count(*) || ' ' || sum(heures_total) || ' ' || count(*) FILTER (WHERE credite) "
						 "FROM v_ligne"));
	load_sample();
	ck_assert_str_eq(testdb_text("SELECT count(*) || ' ' || sum(heures_total) || ' ' || count(*) FILTER (WHERE credite) "
								 "FROM v_ligne"), before);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM lot_import"), 22);
}
END_TEST

START_TEST(test_sample_bad_rows_reported_with_line)
{
	load_sample();
	ck_assert_str_eq(testdb_text("SELECT string_agg(b.fichier || ':' || r.ligne || ':' || coalesce(r.colonne, '-'), ' ' "
								 "ORDER BY b.fichier, r.ligne) FROM rejet r JOIN lot_import b ON b.id = r.lot_id"),
					 "heures_2021-02.csv:40:employeur_siret heures_2021-02.csv:94:marche_id "
					 "heures_2021-02.csv:151:heures heures_2021-07.csv:59:mois heures_2021-07.csv:72:participant_id "
					 "heures_2021-07.csv:131:heures heures_2021-07.csv:212:participant_id "
					 "participants.csv:158:date_naissance");
}
END_TEST

/* Monthly files are attributed one participant-month at a time: same result as whole. */
START_TEST(test_incremental_attribution_equals_whole)
{
	load_sample();
	ck_assert(db_exec(testdb(), "CREATE TABLE public.avant AS SELECT * FROM attribution"));
	ck_assert_int_eq(testdb_run("attribute"), 0);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM ((SELECT * FROM public.avant EXCEPT SELECT * FROM attribution) "
								  "UNION ALL (SELECT * FROM attribution EXCEPT SELECT * FROM public.avant)) d"), 0);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM public.avant"), 2417);
	ck_assert(db_exec(testdb(), "DROP TABLE public.avant"));
}
END_TEST

/* The whole attribution split by participant over 2 and 3 connections: the same tables. */
START_TEST(test_parallel_attribution_equals_single)
{
	load_sample();
	ck_assert(attribute_run_on(testdb(), 1));
	ck_assert(db_exec(testdb(), "CREATE TABLE public.seule AS SELECT * FROM attribution; "
					  "CREATE TABLE public.seule_fiche AS SELECT * FROM fiche_heures_mois"));
	for (int connections = 2; connections <= 3; connections++)
	{
		ck_assert(db_exec(testdb(), "DELETE FROM attribution WHERE ligne_id % 7 = 0"));
		ck_assert(attribute_run_on(testdb(), connections));
		ck_assert_int_eq(testdb_count("SELECT count(*) FROM ((SELECT * FROM public.seule EXCEPT ALL "
									  "SELECT * FROM attribution) UNION ALL (SELECT * FROM attribution "
									  "EXCEPT ALL SELECT * FROM public.seule)) d"), 0);
		ck_assert_int_eq(testdb_count("SELECT count(*) FROM ((SELECT * FROM public.seule_fiche EXCEPT ALL "
									  "SELECT * FROM fiche_heures_mois) UNION ALL (SELECT * FROM "
									  "fiche_heures_mois EXCEPT ALL SELECT * FROM public.seule_fiche)) d"), 0);
	}
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM public.seule"), 2417);
	ck_assert_int_gt(testdb_count("SELECT count(*) FROM public.seule_fiche"), 50);
	ck_assert(db_exec(testdb(), "DROP TABLE public.seule, public.seule_fiche"));
}
END_TEST

static Suite *
sample_suite(void)
{
	Suite *suite = suite_create("sample");
	TCase *tc = tcase_create("sample-2021");

	tcase_set_timeout(tc, 120);
	tcase_add_checked_fixture(tc, testdb_setup, testdb_teardown);
	tcase_add_test(tc, test_sample_matches_independent_figures);
	tcase_add_test(tc, test_sample_reload_changes_nothing);
	tcase_add_test(tc, test_sample_bad_rows_reported_with_line);
	tcase_add_test(tc, test_incremental_attribution_equals_whole);
	tcase_add_test(tc, test_parallel_attribution_equals_single);
	suite_add_tcase(suite, tc);
	return suite;
}

int
main(void)
{
	SRunner *runner = srunner_create(sample_suite());

	srunner_run_all(runner, CK_NORMAL);

	int failed = srunner_ntests_failed(runner);

	srunner_free(runner);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
