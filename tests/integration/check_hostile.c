/*
 * Hostile and broken inputs (issue #6): every file of tests/inputs/ (and three large ones
 * made here) reaches a clear French error naming its file and line, the exit status says
 * rows were refused, the good rows still load, and the database is intact.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testdb.h"

typedef struct HostileCase
{
	const char *kind;
	const char *file;			/* under tests/inputs/, or tests/tmp/ for the large ones */
	int exit_code;
	const char *where;			/* "fichier:ligne" the message must name */
	const char *reason;			/* French words it must contain */
	int loaded;					/* good rows that still load */
} HostileCase;

static const HostileCase CASES[] = {
	{"heures", "tests/inputs/tronque.heures.csv", 2, "tronque.heures.csv:3", "4 champs au lieu de 8", 1},
	{"heures", "tests/inputs/vide.heures.csv", 2, "vide.heures.csv", "fichier vide", 0},
	{"heures", "tests/inputs/entete_seule.heures.csv", 2, "entete_seule.heures.csv", "aucune ligne de données", 0},
	{"heures", "tests/inputs/colonne_manquante.heures.csv", 2, "colonne_manquante.heures.csv:1",
	 "colonne obligatoire « heures » absente", 0},
	{"heures", "tests/inputs/colonnes_en_trop.heures.csv", 2, "colonnes_en_trop.heures.csv:2",
	 "9 champs au lieu de 8", 0},
	{"heures", "tests/inputs/colonne_en_double.heures.csv", 2, "colonne_en_double.heures.csv:1",
	 "colonne « heures » en double", 0},
	{"heures", "tests/inputs/guillemet_non_ferme.heures.csv", 2, "guillemet_non_ferme.heures.csv:3",
	 "guillemet ouvert ligne 3 jamais fermé", 1},
	{"heures", "tests/inputs/saut_de_ligne.heures.csv", 2, "saut_de_ligne.heures.csv:2",
	 "colonne « participant_id » : caractère de contrôle", 0},
	{"heures", "tests/inputs/octet_nul.heures.csv", 2, "octet_nul.heures.csv:2", "caractère NUL", 0},
	{"donneurs", "tests/inputs/utf8_invalide.donneurs.csv", 2, "utf8_invalide.donneurs.csv:3",
	 "octet 0xC3 invalide en UTF-8", 1},
	{"donneurs", "tests/inputs/encodage_mixte.donneurs.csv", 2, "encodage_mixte.donneurs.csv:3",
	 "octet 0xE9 invalide en UTF-8 (encodage mélangé", 1},
	{"participants", "tests/inputs/dates_impossibles.participants.csv", 2, "dates_impossibles.participants.csv:2",
	 "colonne « date_naissance » : jour inexistant dans « 31/02/2021 »", 0},
	{"participants", "tests/inputs/dates_impossibles.participants.csv", 2, "dates_impossibles.participants.csv:3",
	 "année hors limites dans « 00/00/0000 »", 0},
	{"heures", "tests/inputs/heures_invalides.heures.csv", 2, "heures_invalides.heures.csv:2",
	 "nombre invalide « 1e309 »", 0},
	{"heures", "tests/inputs/heures_invalides.heures.csv", 2, "heures_invalides.heures.csv:3",
	 "nombre invalide « NaN »", 0},
	{"heures", "tests/inputs/heures_invalides.heures.csv", 2, "heures_invalides.heures.csv:4",
	 "nombre négatif « -0 »", 0},
	{"heures", "tests/inputs/heures_invalides.heures.csv", 2, "heures_invalides.heures.csv:5",
	 "nombre invalide « 12,5,3 »", 0},
	{"heures", "tests/inputs/heures_invalides.heures.csv", 2, "heures_invalides.heures.csv:6",
	 "nombre invalide « ٣ »", 0},
	{"heures", "tests/inputs/siret_cle_fausse.heures.csv", 2, "siret_cle_fausse.heures.csv:2",
	 "colonne « employeur_siret » : SIRET invalide « 33100001000017 » (clé de contrôle fausse)", 0},
	{"heures", "tests/inputs/identifiants_hostiles.heures.csv", 2, "identifiants_hostiles.heures.csv:2",
	 "participant inconnu « P1'\" »", 0},
	{"heures", "tests/inputs/identifiants_hostiles.heures.csv", 2, "identifiants_hostiles.heures.csv:3",
	 "participant inconnu « P1;P2 »", 0},
	{"heures", "tests/inputs/identifiants_hostiles.heures.csv", 2, "identifiants_hostiles.heures.csv:4",
	 "participant inconnu « '); DROP TABLE clause.ligne_heures; -- »", 0},
	{"donneurs", "tests/inputs/cles_en_double.donneurs.json", 2, "cles_en_double.donneurs.json:1",
	 "clé « id » en double", 0},
	{"donneurs", "tests/inputs/mauvais_types.donneurs.json", 2, "mauvais_types.donneurs.json:1",
	 "colonne « nom » : type inattendu (objet)", 0},
	{"donneurs", "tests/inputs/mauvais_types.donneurs.json", 2, "mauvais_types.donneurs.json:2",
	 "colonne « type » : valeur inconnue « 12 »", 0},
	{"donneurs", "tests/tmp/imbrication_profonde.donneurs.json", 2, "imbrication_profonde.donneurs.json:1",
	 "trop imbriqué", 0},
	{"heures", "tests/tmp/champ_10_mo.heures.csv", 2, "champ_10_mo.heures.csv:2",
	 "colonne « participant_id » : identifiant trop long", 0},
	{"heures", "tests/tmp/cent_mille_colonnes.heures.csv", 2, "cent_mille_colonnes.heures.csv:2",
	 "100000 champs au lieu de 8", 0},
	/* found by fuzzing (tests/fuzz): each crashed or failed the whole file before its fix */
	{"heures", "tests/inputs/regress/debordement-cp1252.heures.csv", 2, "debordement-cp1252.heures.csv:1",
	 "colonne obligatoire « mois » absente", 0},
	{"donneurs", "tests/inputs/regress/enum-utf8-coupe.donneurs.csv", 2, "enum-utf8-coupe.donneurs.csv:2",
	 "colonne « type » : valeur inconnue", 0},
	{"donneurs", "tests/inputs/regress/json-utf8-invalide.donneurs.json", 2, "json-utf8-invalide.donneurs.json:1",
	 "invalide en UTF-8 (le JSON doit être en UTF-8)", 0},
};

/* Profiles found by fuzzing: a use after free, a leak and an overflow before their fix. */
static const char *const BAD_PROFILES[][2] = {
	{"tests/inputs/regress/fuzz_profile-uaf-json-mal-forme.json", "JSON mal formé"},
	{"tests/inputs/regress/fuzz_profile-fuite-cle-en-double.json", "« colonnes.id » en double"},
	{"tests/inputs/regress/fuzz_profile-debordement-valeurs-cle-en-double.json", "« colonnes.type » en double"},
};

START_TEST(test_bad_profile)
{
	char command[512];
	char output[4096];

	snprintf(command, sizeof(command), "profile check %s tests/data/rules/donneurs.csv", BAD_PROFILES[_i][0]);
	ck_assert_int_eq(testdb_run_output(command, output, sizeof(output)), 1);
	ck_assert_msg(strstr(output, BAD_PROFILES[_i][1]) != NULL, "« %s » absent de : %s", BAD_PROFILES[_i][1], output);
}
END_TEST

/* The three large files: made here rather than kept in the repository. */
static void
make_large_inputs(void)
{
	if (access("tests/tmp/cent_mille_colonnes.heures.csv", R_OK) == 0)
		return;
	ck_assert_int_eq(system(
		"{ printf '['; i=0; while [ $i -lt 100000 ]; do printf '{\"a\":'; i=$((i+1)); done; printf 1; "
		"  i=0; while [ $i -lt 100000 ]; do printf '}'; i=$((i+1)); done; printf ']\\n'; } "
		"  > tests/tmp/imbrication_profonde.donneurs.json && "
		"{ echo 'participant_id;employeur_siret;marche_id;mois;heures;heures_formation;type_contrat;modalite'; "
		"  head -c 10485760 /dev/zero | tr '\\0' 'P'; echo ';33100001000016;M1;2021-06;1;0;cdi;embauche_directe'; } "
		"  > tests/tmp/champ_10_mo.heures.csv && "
		"{ echo 'participant_id;employeur_siret;marche_id;mois;heures;heures_formation;type_contrat;modalite'; "
		"  yes 'x' | head -n 100000 | paste -sd ';'; } > tests/tmp/cent_mille_colonnes.heures.csv"), 0);
}

START_TEST(test_hostile_input)
{
	const HostileCase *c = &CASES[_i];
	static char output[1 << 16];
	char command[1024];

	make_large_inputs();
	testdb_import_referential("tests/data/rules");
	snprintf(command, sizeof(command), "import --max-rejets 1000 %s %s", c->kind, c->file);
	ck_assert_int_eq(testdb_run_output(command, output, sizeof(output)), c->exit_code);
	/* one line of the output names the place and gives the reason */
	bool found = false;

	for (const char *line = output; line && *line && !found;)
	{
		const char *end = strchr(line, '\n');
		char message[4096];

		snprintf(message, sizeof(message), "%.*s", end ? (int) (end - line) : (int) strlen(line), line);
		found = strstr(message, c->where) != NULL && strstr(message, c->reason) != NULL;
		line = end ? end + 1 : NULL;
	}
	ck_assert_msg(found, "aucune ligne avec « %s » et « %s » dans : %s", c->where, c->reason, output);

	/* the good rows still load; nothing else does, and every table is there */
	const char *table = strcmp(c->kind, "heures") == 0 ? "ligne_heures" :
		strcmp(c->kind, "donneurs") == 0 ? "donneur" : "participant";
	char sql[256];

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s s JOIN lot_import b ON b.id = s.lot_id "
			 "WHERE b.fichier <> '%s.csv'", table, table[0] == 'l' ? "-" : c->kind);
	ck_assert_int_eq(testdb_count(sql), c->loaded);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM pg_tables WHERE schemaname = 'clause' "
								  "AND tablename IN ('ligne_heures', 'donneur', 'participant', 'marche')"), 4);
}
END_TEST

static Suite *
hostile_suite(void)
{
	Suite *suite = suite_create("hostile");
	TCase *tc = tcase_create("inputs");

	tcase_set_timeout(tc, 120);
	tcase_add_checked_fixture(tc, testdb_setup, testdb_teardown);
	tcase_add_loop_test(tc, test_hostile_input, 0, sizeof(CASES) / sizeof(CASES[0]));
	tcase_add_loop_test(tc, test_bad_profile, 0, sizeof(BAD_PROFILES) / sizeof(BAD_PROFILES[0]));
	suite_add_tcase(suite, tc);
	return suite;
}

int
main(void)
{
	SRunner *runner = srunner_create(hostile_suite());

	srunner_run_all(runner, CK_NORMAL);

	int failed = srunner_ntests_failed(runner);

	srunner_free(runner);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
