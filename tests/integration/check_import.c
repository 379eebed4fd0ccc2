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

/*
 * Digests of the referential rows (migration 0210, importers/row_digest.h): a monthly file
 * repeats every row; those equal to the stored ones are left out of the stage.
 */
#define DIGESTS "tests/tmp/empreintes"
#define PARTICIPANTS_HEADER "id;nom;prenom;date_naissance;sexe;commune_insee;qpv;criteres;date_eligibilite\n"
#define P1_ROW "P1;Martin;Léa;1990-05-01;F;33063;oui;rsa|qpv;2021-01-10\n"
#define P2_TO_P5_ROWS "P2;Durand;Éric;1970-02-02;M;33063;non;deld;\n" \
	"P3;Petit;Chloé;01/01/2000;F;47001;non;jeune;15/03/2021\n" \
	"P4;Bernard;Ahmed;1965-01-01;M;24322;non;senior;2020-12-01\n" \
	"P5;Roux;Inès;1985-01-01;F;33063;non;;2021-01-01\n"

static void
write_digest_file(const char *name, const char *content)
{
	char path[256];

	ck_assert_int_eq(system("mkdir -p " DIGESTS), 0);
	snprintf(path, sizeof(path), DIGESTS "/%s", name);

	FILE *out = fopen(path, "w");

	ck_assert_ptr_nonnull(out);
	ck_assert_int_eq(fputs(content, out) >= 0, 1);
	ck_assert_int_eq(fclose(out), 0);
}

/* clause -v import KIND FILE of DIGESTS; its exit code, what it printed in out. */
static int
import_digest_file(const char *kind, const char *name, char *out, size_t outsize)
{
	char command[512];

	snprintf(command, sizeof(command), "-v import %s " DIGESTS "/%s", kind, name);
	return testdb_run_output(command, out, outsize);
}

START_TEST(test_monthly_file_leaves_equal_rows_home)
{
	char out[8192];

	testdb_import_referential(RULES);
	ck_assert_int_eq(testdb_count("SELECT count(empreinte) FROM participant"), 5);
	/* the same five people, P2 now in a QPV */
	write_digest_file("participants_mois.csv", PARTICIPANTS_HEADER P1_ROW
					  "P2;Durand;Éric;1970-02-02;M;33063;oui;deld;\n"
					  "P3;Petit;Chloé;01/01/2000;F;47001;non;jeune;15/03/2021\n"
					  "P4;Bernard;Ahmed;1965-01-01;M;24322;non;senior;2020-12-01\n"
					  "P5;Roux;Inès;1985-01-01;F;33063;non;;2021-01-01\n");
	ck_assert_int_eq(import_digest_file("participants", "participants_mois.csv", out, sizeof(out)), 0);
	ck_assert_msg(strstr(out, "participants_mois.csv : 4 lignes identiques à l'enregistré, non envoyées") != NULL,
				  "%s", out);
	ck_assert_msg(strstr(out, "5 lignes lues, 1 chargée, 4 inchangées, 0 rejetée") != NULL, "%s", out);
	ck_assert_str_eq(testdb_text("SELECT qpv::text FROM participant WHERE id = 'P2'"), "true");
	ck_assert_int_eq(testdb_count("SELECT count(empreinte) FROM participant"), 5);
	/* the changed row carries the digest of its new line: the same file again is left home */
	write_digest_file("participants_mois2.csv", PARTICIPANTS_HEADER P1_ROW
					  "P2;Durand;Éric;1970-02-02;M;33063;oui;deld;\n"
					  "P3;Petit;Chloé;01/01/2000;F;47001;non;jeune;15/03/2021\n"
					  "P4;Bernard;Ahmed;1965-01-01;M;24322;non;senior;2020-12-01\n"
					  "P5;Roux;Inès;1985-01-01;F;33063;non;;2021-01-01\n\n");
	ck_assert_int_eq(import_digest_file("participants", "participants_mois2.csv", out, sizeof(out)), 0);
	ck_assert_msg(strstr(out, "5 lignes identiques à l'enregistré, non envoyées") != NULL, "%s", out);
	ck_assert_str_eq(testdb_text("SELECT lignes_lues || '/' || lignes_chargees || '/' || lignes_inchangees "
								 "|| '/' || lignes_rejetees FROM lot_import WHERE fichier = 'participants_mois2.csv'"),
					 "5/0/5/0");
}
END_TEST

/* A row left out whose id comes again is rejected with its twin, as if it had been sent. */
START_TEST(test_left_out_row_repeated_is_rejected)
{
	char out[8192];

	testdb_import_referential(RULES);
	write_digest_file("participants_double.csv", PARTICIPANTS_HEADER P1_ROW P2_TO_P5_ROWS
					  "P1;Martin;Léa;1990-05-01;F;33318;oui;rsa|qpv;2021-01-10\n"
					  "P3;Petit;Chloé;01/01/2000;F;47001;non;jeune;15/03/2021\n");
	ck_assert_int_eq(import_digest_file("participants", "participants_double.csv", out, sizeof(out)), 2);
	ck_assert_msg(strstr(out, "7 lignes lues, 0 chargée, 3 inchangées, 4 rejetées") != NULL, "%s", out);
	ck_assert_str_eq(testdb_text("SELECT string_agg(ligne || ' ' || motif, ' | ' ORDER BY ligne) FROM rejet r "
								 "JOIN lot_import b ON b.id = r.lot_id WHERE b.fichier = 'participants_double.csv'"),
					 "2 identifiant en double dans le fichier (lignes 2, 7) | "
					 "4 identifiant en double dans le fichier (lignes 4, 8) | "
					 "7 identifiant en double dans le fichier (lignes 2, 7) | "
					 "8 identifiant en double dans le fichier (lignes 4, 8)");
	ck_assert_str_eq(testdb_text("SELECT commune_insee FROM participant WHERE id = 'P1'"), "33063");
}
END_TEST

/*
 * Rule 10 and the digests: the same values under other columns are another row. A file
 * without the eligibility columns keeps P1's criteria; the same rows with an empty
 * criteres column clear them (absent and empty give the same value, '{}').
 */
START_TEST(test_digest_follows_the_file_columns)
{
	char out[8192];

	testdb_import_referential(RULES);
	write_digest_file("participants_sans.csv", "id;nom;prenom;date_naissance;sexe;commune_insee\n"
					  "P1;Martin;Léa;1990-05-01;F;33063\n");
	ck_assert_int_eq(import_digest_file("participants", "participants_sans.csv", out, sizeof(out)), 0);
	ck_assert_str_eq(testdb_text("SELECT criteres::text FROM participant WHERE id = 'P1'"), "{rsa,qpv}");
	write_digest_file("participants_vides.csv", "id;nom;prenom;date_naissance;sexe;commune_insee;criteres\n"
					  "P1;Martin;Léa;1990-05-01;F;33063;\n");
	ck_assert_int_eq(import_digest_file("participants", "participants_vides.csv", out, sizeof(out)), 0);
	ck_assert_str_eq(testdb_text("SELECT criteres::text FROM participant WHERE id = 'P1'"), "{}");
	ck_assert_msg(strstr(out, "0 ligne identique à l'enregistré") != NULL, "%s", out);
}
END_TEST

/*
 * A digest vouches for its row only while the merge that wrote it is the last writer: a
 * change made otherwise (here by hand, or heures prévues re-estimated) drops it, and the
 * next file puts the row back as it says.
 */
START_TEST(test_row_written_otherwise_is_sent_again)
{
	char out[8192];

	testdb_import_referential(RULES);
	ck_assert_int_eq(testdb_count("WITH u AS (UPDATE participant SET nom = 'Autre' WHERE id = 'P1' "
								  "RETURNING empreinte IS NULL AS sans) SELECT count(*) FROM u WHERE sans"), 1);
	write_digest_file("participants_retour.csv", PARTICIPANTS_HEADER P1_ROW P2_TO_P5_ROWS);
	ck_assert_int_eq(import_digest_file("participants", "participants_retour.csv", out, sizeof(out)), 0);
	ck_assert_msg(strstr(out, "5 lignes lues, 1 chargée, 4 inchangées") != NULL, "%s", out);
	ck_assert_str_eq(testdb_text("SELECT nom FROM participant WHERE id = 'P1'"), "Martin");
	ck_assert_int_eq(testdb_count("SELECT count(empreinte) FROM participant"), 5);

	/* a marché re-estimated by a setting: its digest dropped with the old estimate */
	ck_assert_int_eq(testdb_import("marches", "tests/data/estimation/marches.csv", false, NULL), IMPORT_LOADED);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM marche WHERE id = 'M7' AND empreinte IS NOT NULL"), 1);
	ck_assert_int_eq(testdb_run("config set cout_horaire_charge 25"), 0);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM marche WHERE id = 'M7' AND empreinte IS NULL"), 1);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM marche WHERE id = 'M1' AND empreinte IS NOT NULL"), 1);
}
END_TEST

/*
 * A database of the release before 0210 has no digest: its first monthly file sends every
 * row, changes none, and leaves each its digest; the next one is left home.
 */
START_TEST(test_rows_without_digest_get_one)
{
	char out[8192];

	testdb_import_referential(RULES);
	ck_assert_int_eq(testdb_count("WITH u AS (UPDATE participant SET empreinte = NULL RETURNING 1) "
								  "SELECT count(*) FROM u"), 5);
	write_digest_file("participants_a.csv", PARTICIPANTS_HEADER P1_ROW P2_TO_P5_ROWS);
	ck_assert_int_eq(import_digest_file("participants", "participants_a.csv", out, sizeof(out)), 0);
	ck_assert_msg(strstr(out, "0 ligne identique à l'enregistré") != NULL, "%s", out);
	ck_assert_msg(strstr(out, "5 lignes lues, 0 chargée, 5 inchangées") != NULL, "%s", out);
	ck_assert_int_eq(testdb_count("SELECT count(empreinte) FROM participant"), 5);
	write_digest_file("participants_b.csv", PARTICIPANTS_HEADER P2_TO_P5_ROWS P1_ROW);
	ck_assert_int_eq(import_digest_file("participants", "participants_b.csv", out, sizeof(out)), 0);
	ck_assert_msg(strstr(out, "5 lignes identiques à l'enregistré") != NULL, "%s", out);

	/* the same for marchés, whose merge counts its changes apart */
	ck_assert_int_eq(testdb_count("WITH u AS (UPDATE marche SET empreinte = NULL RETURNING 1) "
								  "SELECT count(*) FROM u"), 6);
	/* the same rows, other files (a blank line or two at the end): not the one imported */
	ck_assert_int_eq(system("mkdir -p " DIGESTS " && (cat " RULES "/marches.csv; echo) > " DIGESTS "/marches_a.csv && "
							"(cat " RULES "/marches.csv; echo; echo) > " DIGESTS "/marches_b.csv"), 0);
	ck_assert_int_eq(import_digest_file("marches", "marches_a.csv", out, sizeof(out)), 0);
	ck_assert_msg(strstr(out, "6 lignes lues, 0 chargée, 6 inchangées") != NULL, "%s", out);
	ck_assert_int_eq(testdb_count("SELECT count(empreinte) FROM marche"), 6);
	ck_assert_int_eq(import_digest_file("marches", "marches_b.csv", out, sizeof(out)), 0);
	ck_assert_msg(strstr(out, "6 lignes identiques à l'enregistré") != NULL, "%s", out);
}
END_TEST

/*
 * A row left out must still equal the stored one when its batch commits: the import of a
 * digested kind keeps the table's other writers out from before it reads the digests.
 * Here another session's uncommitted change to P5 (a row the file leaves out) makes it
 * wait, and give up at the lock timeout, where it used to go on.
 */
START_TEST(test_digested_import_waits_for_other_writers)
{
	char out[8192];

	testdb_import_referential(RULES);
	write_digest_file("participants_attente.csv", PARTICIPANTS_HEADER P1_ROW P2_TO_P5_ROWS);
	ck_assert(db_exec(testdb(), "BEGIN; UPDATE participant SET nom = 'Rival' WHERE id = 'P5'"));
	ck_assert_int_eq(setenv("PGOPTIONS", "-c lock_timeout=300", 1), 0);

	int status = import_digest_file("participants", "participants_attente.csv", out, sizeof(out));

	unsetenv("PGOPTIONS");
	db_rollback(testdb());
	ck_assert_msg(status != 0 && strstr(out, "55P03") != NULL, "%d %s", status, out);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM lot_import WHERE fichier = 'participants_attente.csv'"), 0);
	ck_assert_int_eq(import_digest_file("participants", "participants_attente.csv", out, sizeof(out)), 0);
	ck_assert_msg(strstr(out, "5 lignes identiques à l'enregistré") != NULL, "%s", out);
}
END_TEST

/* JSON says which keys it has at its end only: its rows are all sent, and left no digest. */
START_TEST(test_json_rows_are_sent)
{
	char out[8192];

	testdb_import_referential(RULES);
	ck_assert_int_eq(testdb_run_output("-v import participants tests/data/pratique/participants_adresse.json",
									   out, sizeof(out)), 0);
	ck_assert_ptr_null(strstr(out, "identique"));
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM participant WHERE id = 'P1' AND empreinte IS NULL"), 1);
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
	tcase_add_test(tc, test_monthly_file_leaves_equal_rows_home);
	tcase_add_test(tc, test_left_out_row_repeated_is_rejected);
	tcase_add_test(tc, test_digest_follows_the_file_columns);
	tcase_add_test(tc, test_row_written_otherwise_is_sent_again);
	tcase_add_test(tc, test_rows_without_digest_get_one);
	tcase_add_test(tc, test_digested_import_waits_for_other_writers);
	tcase_add_test(tc, test_json_rows_are_sent);
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
