/*
 * The facilitateur's month (issue 16), against tests/data/reports/ and the additions of
 * tests/data/attendus/ (its README derives every figure): who has not sent yet, the
 * attestation of a marché, the lists, suggestions for unknown ids, month options in both
 * forms, pro rata hours due in a window, labels wrapped, French numbers and agreement.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/lists.h"
#include "testdb.h"

#define TMP "tests/tmp"
#define DATA "tests/data/attendus"
#define OUTPUT_SIZE 65536

static void
load_december(void)
{
	ImportResult result = {0};

	testdb_load_reports();
	ck_assert_int_eq(testdb_import("marches", DATA "/marches.csv", false, &result), IMPORT_LOADED);
	ck_assert_int_eq(testdb_import("heures", DATA "/heures_2021-12.csv", false, &result), IMPORT_LOADED);
	ck_assert_int_eq(result.rows_loaded, 7);
	ck_assert(db_exec(testdb(), "UPDATE lot_import SET importe_le = '2022-01-15 10:00:00+00'"));
}

/* Runs clause, keeping stdout and stderr; returns the exit code. */
static int
run(const char *command_line, char *out)
{
	return testdb_run_output(command_line, out, OUTPUT_SIZE);
}

static void
assert_contains(const char *text, const char *expected)
{
	ck_assert_msg(strstr(text, expected) != NULL, "« %s » absent de :\n%s", expected, text);
}

START_TEST(test_attendus_figures)
{
	testdb_load_reports();
	ImportResult result = {0};

	ck_assert_int_eq(testdb_import("marches", DATA "/marches.csv", false, &result), IMPORT_LOADED);
	/* November, before the December file: four employers late, MZ1 without hours */
	ck_assert_str_eq(testdb_text("SELECT string_agg(cas || ':' || marche_id || ':' || siret || ':' "
								 "|| coalesce(to_char(dernier_mois, 'YYYY-MM'), '-'), ' ') "
								 "FROM attendus('bordeaux', '2021-11-01')"),
					 "en_retard:MA1:33100001000016:2021-03 en_retard:MA1:33100002000015:2021-02 "
					 "en_retard:MA1:33100003000014:2021-02 en_retard:MX1:33100001000016:2021-05 "
					 "sans_heures:MZ1:33100001000016:-");
	ck_assert_int_eq(testdb_import("heures", DATA "/heures_2021-12.csv", false, &result), IMPORT_LOADED);
	/* December: one employer late, one marché without hours */
	ck_assert_str_eq(testdb_text("SELECT string_agg(cas || ':' || marche_id || ':' || siret || ':' "
								 "|| coalesce(to_char(dernier_mois, 'YYYY-MM'), '-'), ' ') "
								 "FROM attendus('bordeaux', '2021-12-01')"),
					 "en_retard:MA1:33100002000015:2021-02 sans_heures:MZ1:33100001000016:-");
	/* another PLIE follows none of them */
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM attendus('sources', '2021-12-01')"), 0);
}
END_TEST

/*
 * What attendus() gave before it read the kept last months (migration 0160): every line
 * of the active marchés' history. The kept table must give the same rows in every state.
 */
static const char ATTENDUS_FROM_LINES[] =
	"CREATE FUNCTION pg_temp.attendus_lignes(p_plie text, p_mois date) "
	"RETURNS TABLE (cas text, plie text, marche_id text, intitule text, operation text, "
	"siret text, entreprise text, dernier_mois date) LANGUAGE sql STABLE AS $$\n"
	"WITH actifs AS (\n"
	"    SELECT DISTINCT m.id, m.intitule, m.attributaire_siret, o.nom AS operation, mp.plie\n"
	"    FROM clause.marche m\n"
	"    JOIN clause.operation o ON o.id = m.operation_id\n"
	"    JOIN clause.v_marche_plie mp ON mp.marche_id = m.id AND mp.annee = extract(year FROM p_mois)::integer\n"
	"    WHERE (p_plie IS NULL OR mp.plie = p_plie)\n"
	"      AND m.date_debut <= (p_mois + interval '1 month - 1 day')::date\n"
	"      AND m.date_fin >= p_mois),\n"
	"envois AS (\n"
	"    SELECT l.marche_id, l.employeur_siret, max(l.mois) AS dernier_mois,\n"
	"           bool_or(l.mois = p_mois) AS ce_mois\n"
	"    FROM clause.ligne_heures l\n"
	"    WHERE l.marche_id IN (SELECT id FROM actifs) AND l.mois <= p_mois\n"
	"    GROUP BY l.marche_id, l.employeur_siret)\n"
	"SELECT 'en_retard', a.plie, a.id, a.intitule, a.operation, e.employeur_siret, ent.raison_sociale,\n"
	"       e.dernier_mois\n"
	"FROM actifs a\n"
	"JOIN envois e ON e.marche_id = a.id AND NOT e.ce_mois\n"
	"LEFT JOIN clause.entreprise ent ON ent.siret = e.employeur_siret\n"
	"UNION ALL\n"
	"SELECT 'sans_heures', a.plie, a.id, a.intitule, a.operation, a.attributaire_siret, ent.raison_sociale,\n"
	"       NULL::date\n"
	"FROM actifs a\n"
	"LEFT JOIN clause.entreprise ent ON ent.siret = a.attributaire_siret\n"
	"WHERE NOT EXISTS (SELECT 1 FROM clause.ligne_heures l WHERE l.marche_id = a.id AND l.mois <= p_mois)\n"
	"ORDER BY 1, 2, 3, 6\n"
	"$$";

/* attendus() and the reading of every line agree for every PLIE in each of these months. */
static void
assert_attendus_as_lines(const char *state)
{
	static const char *const months[] = {"2021-02-01", "2021-06-01", "2021-11-01", "2021-12-01",
										 "2022-01-01", NULL};

	for (int i = 0; months[i]; i++)
	{
		const char *params[] = {months[i]};
		char differ[32] = "";

		ck_assert(db_query_value(testdb(),
								 "SELECT count(*) FROM ((SELECT * FROM attendus(NULL, $1::date) "
								 "EXCEPT ALL SELECT * FROM pg_temp.attendus_lignes(NULL, $1::date)) "
								 "UNION ALL (SELECT * FROM pg_temp.attendus_lignes(NULL, $1::date) "
								 "EXCEPT ALL SELECT * FROM attendus(NULL, $1::date))) d",
								 1, params, differ, sizeof(differ), NULL));
		ck_assert_msg(strcmp(differ, "0") == 0, "%s, %s : %s lignes diffèrent", state, months[i], differ);
	}
	/* the compte-rendu's month has someone to wait for: the comparison is not empty */
	ck_assert_int_gt(testdb_count("SELECT count(*) FROM attendus(NULL, '2021-12-01')"), 0);
}

/* envoi as the batches marked folded make it: the others' lines left out */
static const char FOLDED_ONLY[] =
	"DELETE FROM envoi_attente; DELETE FROM envoi; INSERT INTO envoi "
	"SELECT marche_id, employeur_siret, max(mois) FROM ligne_heures l "
	"JOIN lot_import b ON b.id = l.lot_id AND b.envois_repris GROUP BY 1, 2";

/* v_envoi (envoi and the pairs waiting beside it) holds, pair by pair, the last month of
 * every line (every batch folded in). */
static void
assert_envoi_from_lines(const char *state)
{
	long long differ = testdb_count(
		"SELECT count(*) FROM ((SELECT marche_id, employeur_siret, dernier_mois FROM v_envoi "
		"EXCEPT ALL SELECT marche_id, employeur_siret, max(mois) FROM ligne_heures GROUP BY 1, 2) "
		"UNION ALL (SELECT marche_id, employeur_siret, max(mois) FROM ligne_heures GROUP BY 1, 2 "
		"EXCEPT ALL SELECT marche_id, employeur_siret, dernier_mois FROM v_envoi)) d");

	ck_assert_msg(differ == 0, "%s : %lld paires diffèrent de celles des lignes", state, differ);
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM lot_import WHERE NOT envois_repris"), 0);
	ck_assert_int_gt(testdb_count("SELECT count(*) FROM envoi"), 0);
}

/* envoi's rows as the fold counts them (the statistics, flushed first, or the catalogue). */
static long long
envoi_live_rows(void)
{
	ck_assert(db_exec(testdb(), "SELECT pg_stat_force_next_flush()"));
	return testdb_count("SELECT greatest(pg_stat_get_live_tuples(c.oid), c.reltuples::bigint) "
						"FROM pg_class c WHERE c.oid = 'envoi'::regclass");
}

/* The distinct (marché, employer) pairs of a batch's lines. */
static long long
batch_pairs(long long batch)
{
	char sql[256];

	snprintf(sql, sizeof(sql), "SELECT count(DISTINCT (marche_id, employeur_siret)) FROM ligne_heures "
			 "WHERE lot_id = %lld", batch);
	return testdb_count(sql);
}

/* Folds one batch again, then checks the fold's rule: its pairs are appended beside envoi
 * while they and the waiting pairs are no more than envoi's rows (as the statistics count
 * them), else the waiting pairs and its own all go into envoi. Returns whether they went
 * into envoi. */
static bool
refold_batch(long long batch)
{
	char sql[256];
	long long waiting = testdb_count("SELECT count(*) FROM envoi_attente");
	long long appended = batch_pairs(batch);
	long long kept = envoi_live_rows();

	ck_assert_int_eq(testdb_count("SELECT pg_stat_get_live_tuples('envoi_attente'::regclass)"), waiting);
	snprintf(sql, sizeof(sql), "UPDATE lot_import SET envois_repris = false WHERE id = %lld", batch);
	ck_assert(db_exec(testdb(), sql));
	ck_assert(db_exec(testdb(), "SELECT envois_reprendre()"));
	bool moved = waiting + appended > kept;

	ck_assert_int_eq(testdb_count("SELECT count(*) FROM envoi_attente"), moved ? 0 : waiting + appended);
	return moved;
}

/* December's pairs wait beside an envoi that lacks December, and attendus() reads them
 * there; then the other batches are folded again one by one until the waiting pairs
 * outnumber envoi's rows, when they are all moved into it. */
static void
assert_fold_waits_then_moves(long long december)
{
	char sql[256];

	snprintf(sql, sizeof(sql), "UPDATE lot_import SET envois_repris = false WHERE id = %lld", december);
	ck_assert(db_exec(testdb(), sql));
	ck_assert(db_exec(testdb(), FOLDED_ONLY));
	ck_assert_int_lt(batch_pairs(december), testdb_count("SELECT count(*) FROM envoi"));
	ck_assert(db_exec(testdb(), sql));
	ck_assert(!refold_batch(december));
	ck_assert_int_gt(testdb_count("SELECT count(*) FROM envoi_attente"), 0);
	assert_envoi_from_lines("décembre en attente à côté d'envoi");
	assert_attendus_as_lines("décembre en attente à côté d'envoi");

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM lot_import WHERE nature = 'heures' AND id <> %lld",
			 december);
	long long others = testdb_count(sql);
	bool moved = false;

	for (long long k = 0; k < others && !moved; k++)
	{
		snprintf(sql, sizeof(sql), "SELECT id FROM lot_import WHERE nature = 'heures' AND id <> %lld "
				 "ORDER BY id OFFSET %lld LIMIT 1", december, k);
		moved = refold_batch(testdb_count(sql));
		assert_envoi_from_lines(moved ? "paires en attente reportées dans envoi" : "paires en attente");
		assert_attendus_as_lines(moved ? "paires en attente reportées dans envoi" : "paires en attente");
	}
	ck_assert_msg(moved, "les paires en attente n'ont jamais été reportées dans envoi");
}

START_TEST(test_attendus_kept_as_lines)
{
	char out[OUTPUT_SIZE];
	char sql[256];

	ck_assert(db_exec(testdb(), ATTENDUS_FROM_LINES));
	/* small sets: without this, every import here would be attributed whole */
	ck_assert(db_exec(testdb(), "SET clause.attribution_part_max = '1000'"));
	setenv("PGOPTIONS", "-c clause.attribution_part_max=1000", 1);
	load_december();
	/* every batch attributed as it came, so folded in by the incremental attribution */
	assert_envoi_from_lines("lots attribués");
	/* the first fold filled envoi and analysed it (attendus() is planned on its statistics) */
	ck_assert_int_gt(testdb_count("SELECT reltuples FROM pg_class WHERE oid = 'envoi'::regclass"), 0);
	assert_attendus_as_lines("lots attribués");

	/* December as if imported without its attribution: read from its lines until one runs */
	long long december = testdb_count("SELECT max(id) FROM lot_import WHERE nature = 'heures'");

	snprintf(sql, sizeof(sql), "UPDATE lot_import SET envois_repris = false, a_attribuer = true "
			 "WHERE id = %lld", december);
	ck_assert(db_exec(testdb(), sql));
	ck_assert(db_exec(testdb(), FOLDED_ONLY));
	/* the kept months stop before December: attendus must find December in the lines */
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM envoi WHERE dernier_mois >= '2021-12-01'"), 0);
	ck_assert_int_gt(testdb_count("SELECT count(*) FROM ligne_heures WHERE mois = '2021-12-01'"), 0);
	assert_attendus_as_lines("décembre en attente d'attribution");
	/* the whole attribution on two connections folds December in beside the parts */
	setenv("CLAUSE_ATTRIBUTION_CONNEXIONS", "2", 1);
	ck_assert_int_eq(run("attribute", out), 0);
	assert_envoi_from_lines("après clause attribute sur deux connexions");
	assert_attendus_as_lines("après clause attribute");

	/* and on one connection (sql/attribution/tout.sql), December waiting again */
	ck_assert(db_exec(testdb(), sql));
	ck_assert(db_exec(testdb(), FOLDED_ONLY));
	setenv("CLAUSE_ATTRIBUTION_CONNEXIONS", "1", 1);
	ck_assert_int_eq(run("attribute", out), 0);
	unsetenv("CLAUSE_ATTRIBUTION_CONNEXIONS");
	assert_envoi_from_lines("après clause attribute sur une connexion");
	assert_attendus_as_lines("après clause attribute sur une connexion");

	/* a cancelled batch's lines were still received */
	snprintf(sql, sizeof(sql), "lot annuler %lld --motif essai", december);
	ck_assert_int_eq(run(sql, out), 0);
	assert_attendus_as_lines("décembre annulé");
	unsetenv("PGOPTIONS");
	assert_fold_waits_then_moves(december);
}
END_TEST

START_TEST(test_attendus_formats)
{
	char *out = malloc(OUTPUT_SIZE);

	load_december();
	ck_assert_int_eq(run("report attendus --plie bordeaux --mois 12/2021", out), 0);
	assert_contains(out, "Heures attendues — PLIE de Bordeaux — décembre 2021");
	assert_contains(out, "  MA1     Gros œuvre  Réhabilitation Benauge  33100002000015  Propreté Œuvre Façades  février 2021\n");
	assert_contains(out, "  MZ1     Entretien des berges  Propreté des quais  33100001000016  "
					"Société Générale de Bâtiment  aucun\n");
	ck_assert_int_eq(run("report attendus --plie bordeaux --mois 2021-12 --format csv -o " TMP "/attendus.csv", out), 0);

	char *csv = testdb_read_file(TMP "/attendus.csv", NULL);

	ck_assert_str_eq(csv, "\xEF\xBB\xBFSituation;Marché;Intitulé;Opération;SIRET;Entreprise;Dernier mois reçu\r\n"
					 "rien reçu ce mois;MA1;Gros œuvre;Réhabilitation Benauge;33100002000015;Propreté Œuvre Façades;2021-02\r\n"
					 "aucune heure depuis le début;MZ1;Entretien des berges;Propreté des quais;33100001000016;"
					 "Société Générale de Bâtiment;\r\n");
	free(csv);
	ck_assert_int_eq(run("report attendus --plie bordeaux --mois 2021-12 --format html -o " TMP "/attendus.html", out), 0);
	testdb_assert_offline_html(TMP "/attendus.html", false);
	ck_assert_int_eq(run("report attendus --plie bordeaux --mois 2021-12 --format xlsx -o " TMP "/attendus.xlsx", out), 0);

	const char *const sheets[] = {"Employeurs attendus", "Marchés sans heures", "Sources", NULL};

	testdb_assert_xlsx_sheets(TMP "/attendus.xlsx", sheets);
	/* an empty month says so */
	ck_assert_int_eq(run("report attendus --plie sources --mois 2021-12", out), 0);
	assert_contains(out, "rien encore ce mois ==\n  aucun\n");
	ck_assert_int_eq(run("report attendus --plie bordeaux", out), 1);
	ck_assert_int_eq(run("report attendus --plie Bordeau --mois 2021-12", out), 1);
	assert_contains(out, "PLIE inconnu « Bordeau » ; vouliez-vous dire « bordeaux » ?");
	free(out);
}
END_TEST

/* The monthly box: the compte-rendu lists who is awaited, agrees in number, says aucune. */
START_TEST(test_compte_rendu)
{
	char *out = malloc(OUTPUT_SIZE);

	testdb_load_reports();
	ck_assert_int_eq(system("rm -rf " TMP "/boite-16 && mkdir -p " TMP "/boite-16 && "
							"cp " DATA "/marches.csv " TMP "/boite-16/marches_mz1.csv && "
							"cp " DATA "/heures_2021-12.csv " TMP "/boite-16/heures_2021-12.csv"), 0);
	ck_assert_int_eq(run("batch " TMP "/boite-16", out), 0);

	char *report = testdb_read_file(TMP "/boite-16/compte-rendu.txt", NULL);

	assert_contains(report, "  non éligible                            1 ligne          8,00 h\n");
	assert_contains(report, "  plafond mensuel dépassé                 2 lignes       230,00 h\n");
	/* the marchés and months of the batch's lines, each with
	 * the month's credited hours and the cumul kept by the attribution */
	assert_contains(report, "  2021-12  MA1                           32,50       846,50      1 000    84,7 %\n"
					"  2021-12  MB1                           30,00       320,00        500    64,0 %\n"
					"  2021-12  MX1                           10,00       110,00        400    27,5 %\n\n");
	ck_assert_str_eq(testdb_text("SELECT string_agg(DISTINCT marche_id, ' ' ORDER BY marche_id) FROM ligne_heures "
								 "WHERE lot_id = (SELECT max(id) FROM lot_import WHERE nature = 'heures')"),
					 "MA1 MB1 MX1");
	ck_assert_str_eq(testdb_text("SELECT to_char(sum(heures_total), 'FM990.00') FROM v_ligne WHERE credite "
								 "AND marche_id = 'MA1' AND mois <= '2021-12-01'"), "846.50");
	assert_contains(report, "Heures attendues pour décembre 2021, rien reçu encore (clause report attendus)\n"
					"  bordeaux  MA1  33100002000015 Propreté Œuvre Façades : dernier mois février 2021\n"
					"  bordeaux  MZ1  33100001000016 Société Générale de Bâtiment : aucune heure depuis le début\n");
	ck_assert_ptr_null(strstr(report, "1 lignes"));
	free(report);

	/* a box with a referential file only: no hours, the sections say aucune */
	ck_assert_int_eq(system("mkdir -p " TMP "/boite-16b && cp tests/data/reports/donneurs.csv "
							TMP "/boite-16b/donneurs_bis.csv && sed -i 's/Ville de Bordeaux/Ville de Bordeaux (mairie)/' "
							TMP "/boite-16b/donneurs_bis.csv"), 0);
	ck_assert_int_eq(run("batch " TMP "/boite-16b", out), 0);
	report = testdb_read_file(TMP "/boite-16b/compte-rendu.txt", NULL);
	assert_contains(report, "Lignes non comptabilisées de ces lots, par motif\n  aucune\n");
	free(report);
	free(out);
}
END_TEST

START_TEST(test_attestation_figures)
{
	ImportResult result = {0};

	load_december();
	ck_assert_str_eq(testdb_text("SELECT concat_ws(':', heures_prevues, heures_realisees, heures_travaillees, "
								 "heures_formation, participants, contrats, plie) FROM attestation_total('MA1', NULL)"),
					 "1000.00:846.50:822.50:24.00:5:5:bordeaux");
	ck_assert_str_eq(testdb_text("SELECT string_agg(concat_ws(':', siret, heures, coalesce(participants::text, 'masque'), "
								 "coalesce(contrats::text, 'masque')), ' ') FROM attestation_employeurs('MA1', NULL)"),
					 "33100001000016:616.50:3:3 33100003000014:190.00:masque:masque 33100002000015:40.00:masque:masque");
	ck_assert_str_eq(testdb_text("SELECT string_agg(modalite || ':' || heures, ' ') FROM attestation_modalites('MA1', NULL)"),
					 "embauche_directe:616.50 mise_a_disposition:190.00 sous_traitance:40.00 formation:0");
	/* one employer: its hours only, its counts masked */
	ck_assert_str_eq(testdb_text("SELECT concat_ws(':', heures_realisees, coalesce(participants::text, 'masque')) "
								 "FROM attestation_total('MA1', '33100003000014')"), "190.00:masque");
	/* the threshold is the setting's */
	ck_assert_int_eq(testdb_run("config set seuil_masquage 1"), 0);
	ck_assert_str_eq(testdb_text("SELECT participants::text FROM attestation_total('MA1', '33100003000014')"), "1");
	/* sources: the timesheets of MA1, its marché, opération, donneur and entreprises files */
	ck_assert_str_eq(testdb_text("SELECT string_agg(fichier, ',' ORDER BY lot_id) FROM attestation_sources('MA1', NULL)"),
					 "donneurs.csv,entreprises.csv,operations.csv,marches.csv,heures_2021.csv,heures_2021-12.csv");
	/*
	 * Contracts sent (tests/data/contrats/contrats_impact.csv): tied to MA1, Q3 at IIG twice,
	 * Q1 and Q3 at SGB; Q2's contract at POF on MA2 covers Q2's February line on MA1; Q4
	 * and Q6 at SGB sent none: one inferred each. SGB 2 + 2, IIG 2, POF 1: 7.
	 */
	ck_assert_int_eq(testdb_import("contrats", "tests/data/contrats/contrats_impact.csv", false, &result),
					 IMPORT_LOADED);
	ck_assert_int_eq(testdb_count("SELECT contrats FROM attestation_total('MA1', NULL)"), 7);
	ck_assert_str_eq(testdb_text("SELECT string_agg(siret || ':' || contrats, ' ') FROM attestation_employeurs('MA1', NULL)"),
					 "33100001000016:4 33100003000014:2 33100002000015:1");
}
END_TEST

START_TEST(test_attestation_formats)
{
	char *out = malloc(OUTPUT_SIZE);

	load_december();
	ck_assert_int_eq(run("report attestation --marche MA1 -o " TMP "/attestation.html", out), 0);
	testdb_assert_offline_html(TMP "/attestation.html", false);

	char *html = testdb_read_file(TMP "/attestation.html", NULL);

	assert_contains(html, "@page { size: A4;");
	assert_contains(html, "<p>Attributaire : Société Générale de Bâtiment (SIRET 33100001000016)</p>");
	assert_contains(html, "<dt>Période du marché</dt><dd>du 01/01/2021 au 31/12/2021</dd>");
	assert_contains(html, "<dt>Suivi par</dt><dd>PLIE de Bordeaux</dd>");
	assert_contains(html, "<dt>Heures prévues (dues)</dt><dd>1 000 h</dd>");
	assert_contains(html, "<dt>Heures réalisées</dt><dd>846,5 h</dd>");
	assert_contains(html, "<dt>Taux de réalisation</dt><dd>84,7 %</dd>");
	assert_contains(html, "<dt>Participants</dt><dd>5</dd>");
	assert_contains(html, "<td>Intérim Insertion Garonne</td><td class=\"n\">190</td><td class=\"n\">0</td>"
					"<td class=\"n\">190</td><td class=\"n\"></td>");
	assert_contains(html, "<td>Mise à disposition</td><td class=\"n\">190</td>");
	assert_contains(html, "heures_2021-12.csv");
	for (const char *const *name = (const char *const[]) {"Q1", "Zanetti", "Tessier", "Wagner", NULL}; *name; name++)
		ck_assert_msg(strstr(html, *name) == NULL, "l'attestation nomme %s", *name);
	free(html);

	ck_assert_int_eq(run("report attestation --marche MA1 --entreprise 33100003000014 -o " TMP "/att-iig.html", out), 0);
	html = testdb_read_file(TMP "/att-iig.html", NULL);
	assert_contains(html, "Employeur : Intérim Insertion Garonne (SIRET 33100003000014)");
	assert_contains(html, "<dt>Participants</dt><dd>&lt; 3</dd>");
	free(html);

	ck_assert_int_eq(run("report attestation --marche MA1 --format xlsx -o " TMP "/attestation.xlsx", out), 0);

	const char *const sheets[] = {"Attestation", "Par employeur", "Par modalité", "Sources", NULL};

	testdb_assert_xlsx_sheets(TMP "/attestation.xlsx", sheets);

	char *sheet = testdb_command_output("unzip -p " TMP "/attestation.xlsx xl/worksheets/sheet1.xml");

	testdb_assert_numeric_cell(sheet, "B15", 846.5);	/* heures réalisées, a number */
	free(sheet);
	sheet = testdb_command_output("unzip -p " TMP "/attestation.xlsx xl/worksheets/sheet2.xml");
	testdb_assert_numeric_cell(sheet, "E6", 616.5);
	free(sheet);

	ck_assert_int_eq(run("report attestation --marche ma1", out), 1);
	assert_contains(out, "marché inconnu « ma1 » ; vouliez-vous dire « MA1 » ?");
	ck_assert_int_eq(run("report attestation --marche MA1 --entreprise 33100001000016 --format xlsx", out), 1);
	/* an entreprise with neither the marché nor its hours */
	ck_assert_int_eq(run("report attestation --marche MB1 --entreprise 33100003000014", out), 1);
	free(out);
}
END_TEST

START_TEST(test_lists)
{
	char *out = malloc(OUTPUT_SIZE);

	load_december();
	ck_assert_str_eq(testdb_text("SELECT string_agg(concat_ws(':', id, operations, marches), ' ') "
								 "FROM liste_donneurs('bordeaux', NULL)"), "BM:2:4 VILLE-BDX:1:1");
	ck_assert_str_eq(testdb_text("SELECT string_agg(id, ' ') FROM liste_marches(NULL, 'QUAIS')"), "MB1 MZ1");
	ck_assert_int_eq(testdb_count("SELECT count(*) FROM liste_donneurs('sources', NULL)"), 0);
	ck_assert_str_eq(testdb_text("SELECT string_agg(siret || ':' || marches, ' ') FROM liste_entreprises('bordeaux', NULL)"),
					 "33100001000016:3 33100002000015:2");
	ck_assert_str_eq(testdb_text("SELECT criteres FROM liste_participants(NULL, 'zanetti')"),
					 "jeune de moins de 26 ans peu qualifié, résident d'un QPV");

	ck_assert_int_eq(run("list marches --plie bordeaux --recherche quais", out), 0);
	assert_contains(out, "MB1");
	assert_contains(out, "MZ1");
	ck_assert_ptr_null(strstr(out, "MA1"));
	assert_contains(out, "2 lignes");
	ck_assert_int_eq(run("list lots --recherche 2021-12", out), 0);
	assert_contains(out, "1 ligne\n");
	ck_assert_int_eq(run("list operations --format csv -o " TMP "/operations.csv", out), 0);

	char *csv = testdb_read_file(TMP "/operations.csv", NULL);

	assert_contains(csv, "OP-B;Propreté des quais;BM;33063;proprete;;bordeaux;2\r\n");
	free(csv);
	ck_assert_int_eq(run("list entreprises --plie BORDEAUX", out), 1);
	assert_contains(out, "vouliez-vous dire « bordeaux » ?");
	ck_assert_int_eq(run("list participants --recherche théo", out), 0);
	assert_contains(out, "Tessier");
	free(out);
}
END_TEST

/* Participants are personal data: a donneur's role is refused, a facilitateur's is not. */
START_TEST(test_list_participants_roles)
{
	Db db = {0};
	long long count = 0;
	FILE *sink = fopen("/dev/null", "w");

	load_december();
	ck_assert_ptr_nonnull(sink);
	ck_assert_int_eq(testdb_run("role donneur BM test_role_list_bm"), 0);
	ck_assert_int_eq(testdb_run("role facilitateur bordeaux test_role_list_fac"), 0);
	ck_assert(testdb_connect_as("test_role_list_bm", &db));
	ck_assert_int_eq(list_write(&db, LIST_PARTICIPANTS, NULL, NULL, false, sink, &count), LIST_REFUSED);
	ck_assert_int_eq(count, 0);
	/* what a donneur may see is still listed */
	ck_assert_int_eq(list_write(&db, LIST_DONNEURS, NULL, NULL, false, sink, &count), LIST_OK);
	ck_assert_int_eq(count, 1);	/* itself only */
	db_close(&db);
	ck_assert(testdb_connect_as("test_role_list_fac", &db));
	ck_assert_int_eq(list_write(&db, LIST_PARTICIPANTS, NULL, NULL, false, sink, &count), LIST_OK);
	ck_assert_int_eq(count, 7);
	db_close(&db);
	fclose(sink);
}
END_TEST

/* Every unknown id of a command option suggests the closest known ones, ignoring case. */
static const struct
{
	const char *args;
	const char *message;
} UNKNOWN_CASES[] = {
	{"report impact --donneur bm", "donneur d'ordre inconnu « bm » ; vouliez-vous dire « BM » ?"},
	{"report impact --donneur BM --operation op-a", "opération inconnue « op-a » ; vouliez-vous dire « OP-A » ?"},
	{"report suivi --plie BORDEAUX --mois 2021-11", "PLIE inconnu « BORDEAUX » ; vouliez-vous dire « bordeaux » ?"},
	{"report progress --plie Sources", "PLIE inconnu « Sources » ; vouliez-vous dire « sources » ?"},
	{"report observatoire --year 2021 --plie agenai", "vouliez-vous dire « agenais » ?"},
	{"report lines --marche mb1", "marché inconnu « mb1 » ; vouliez-vous dire « MB1 » ?"},
	{"report history --participant q7 --marche MB1", "participant inconnu « q7 » ; vouliez-vous dire « Q7 » ?"},
	{"report decp-a-suivre --plie bordeau", "vouliez-vous dire « bordeaux » ?"},
	{"report impact --donneur ZZZZZZ", "donneur d'ordre inconnu « ZZZZZZ » (clause list donneurs les montre)"},
};

START_TEST(test_unknown_ids_suggest)
{
	char *out = malloc(OUTPUT_SIZE);

	testdb_load_reports();
	ck_assert_int_eq(run(UNKNOWN_CASES[_i].args, out), 1);
	assert_contains(out, UNKNOWN_CASES[_i].message);
	free(out);
}
END_TEST

/* Month options take AAAA-MM and MM/AAAA alike, and nothing else. */
START_TEST(test_month_options)
{
	char *a = malloc(OUTPUT_SIZE), *b = malloc(OUTPUT_SIZE);

	testdb_load_reports();
	ck_assert_int_eq(run("report suivi --plie bordeaux --mois 2021-11", a), 0);
	ck_assert_int_eq(run("report suivi --plie bordeaux --mois 11/2021", b), 0);
	ck_assert_str_eq(a, b);
	ck_assert_int_eq(run("report impact --donneur BM --from 2021-01 --to 2021-03", a), 0);
	ck_assert_int_eq(run("report impact --donneur BM --from 01/2021 --to 03/2021", b), 0);
	ck_assert_str_eq(a, b);
	ck_assert_int_eq(run("report suivi --plie bordeaux --mois 2021-11-01", a), 1);
	assert_contains(a, "--mois attend un mois AAAA-MM ou MM/AAAA");
	ck_assert_int_eq(run("report suivi --plie bordeaux --mois 13/2021", a), 1);
	ck_assert_int_eq(run("report impact --donneur BM --from 1/2021", a), 1);
	free(a);
	free(b);
}
END_TEST

/* A window compares its hours with the hours due pro rata of the marchés' days in it. */
START_TEST(test_impact_window_pro_rata)
{
	char *out = malloc(OUTPUT_SIZE);

#define Q1_VALUE(niveau, groupe, cle) \
	"SELECT valeur FROM impact('BM', NULL, '2021-01-01', '2021-03-01') WHERE niveau = '" niveau \
	"' AND groupe_id = '" groupe "' AND cle = '" cle "'"

	testdb_load_reports();
	ck_assert_double_eq_tol(testdb_number(Q1_VALUE("marche", "MA1", "heures_prevues")), 246.58, 0.001);
	ck_assert_double_eq_tol(testdb_number(Q1_VALUE("marche", "MA2", "heures_prevues")), 149.17, 0.001);
	ck_assert_double_eq_tol(testdb_number(Q1_VALUE("total", "BM", "heures_prevues")), 519.04, 0.001);
	ck_assert_double_eq_tol(testdb_number(Q1_VALUE("total", "BM", "taux_realisation")), 1.9151, 0.00001);
	/* without a window, the whole marché */
	ck_assert_double_eq_tol(testdb_number("SELECT valeur FROM impact('BM') WHERE niveau = 'total' "
										  "AND cle = 'heures_prevues'"), 1800, 0.001);
	ck_assert_int_eq(run("report impact --donneur BM --from 2021-01 --to 2021-03", out), 0);
	assert_contains(out, "Période : janvier 2021 – mars 2021 (heures prévues au prorata des jours de chaque "
					"marché dans la période)");
	assert_contains(out, "Heures prévues sur la période (prorata des jours)         519,04 h\n");
	assert_contains(out, "Taux de réalisation                                      191,5 %\n");
	free(out);
}
END_TEST

/* The suivi speaks in plain words: reasons written out, participants by name, criteria by name. */
START_TEST(test_suivi_plain_words)
{
	char *out = malloc(OUTPUT_SIZE);

	load_december();
	ck_assert_str_eq(testdb_text("SELECT string_agg(concat_ws(':', participant, marche_id, heures::integer, motif), ' | ') "
								 "FROM suivi_lignes_non_comptabilisees('bordeaux', '2021-12-01')"),
					 "Tessier Théo (Q7):MB1:8:non éligible : aucune date d'éligibilité au 31/12/2021 | "
					 "Zanetti Zoé (Q1):MA1:80:plafond mensuel dépassé : 230 h > 208 h | "
					 "Zanetti Zoé (Q1):MB1:150:plafond mensuel dépassé : 230 h > 208 h");
	ck_assert_str_eq(testdb_text("SELECT string_agg(concat_ws(':', participant, marche_id, motif), ' | ') "
								 "FROM suivi_lignes_non_comptabilisees('bordeaux', '2021-07-01')"),
					 "Yildiz Yasmine (Q2):MA2:hors période du marché (01/01/2021–30/06/2021)");
	ck_assert_str_eq(testdb_text("SELECT motif_texte('non_eligible', '2022-01-01', NULL, NULL, NULL, NULL, NULL)"),
					 "non éligible : aucune date d'éligibilité au 31/01/2022");
	ck_assert_str_eq(testdb_text("SELECT motif_texte('non_eligible', '2022-01-01', '2022-02-15', NULL, NULL, NULL, NULL)"),
					 "non éligible : éligibilité validée le 15/02/2022, après le 31/01/2022");
	ck_assert_str_eq(testdb_text("SELECT motif_texte('depassement_plafond', '2022-01-01', NULL, NULL, NULL, 212.5, 208)"),
					 "plafond mensuel dépassé : 212,5 h > 208 h");
	ck_assert_int_eq(run("report suivi --plie bordeaux --mois 12/2021", out), 0);
	assert_contains(out, "  Tessier Théo (Q7)  novembre 2021  décembre 2021       2      48               aucun critère\n");
	assert_contains(out, "  plafond mensuel dépassé                          2             230 ");
	assert_contains(out, "Zanetti Zoé (Q1)   MB1     Propreté Œuvre Façades           150  plafond mensuel dépassé : 230 h > 208 h");
	ck_assert_ptr_null(strstr(out, "non_eligible"));
	ck_assert_ptr_null(strstr(out, "depassement_plafond"));
	/* a month with nothing held back says so */
	ck_assert_int_eq(run("report suivi --plie bordeaux --mois 2021-03", out), 0);
	assert_contains(out, "motif en clair ==\n  aucune\n");
	/* the donneur's report still names no one */
	ck_assert_int_eq(run("report impact --donneur BM", out), 0);
	ck_assert_ptr_null(strstr(out, "Tessier"));
	ck_assert_ptr_null(strstr(out, "Zanetti"));
	free(out);
}
END_TEST

/* Labels wrap instead of being cut; numbers are French in line-level reports. */
START_TEST(test_text_consistency)
{
	char *out = malloc(OUTPUT_SIZE);

	load_december();
	ck_assert_int_eq(run("report progress --plie portes_du_sud --as-of 2021-12-31", out), 0);
	assert_contains(out, "  Nombre d'entreprises et/ou ");
	assert_contains(out, "\n  partenaires visités ou rencontrés\n");
	ck_assert_int_eq(run("report history --participant Q4 --marche MA1", out), 0);
	assert_contains(out, "  12,5  ");
	ck_assert_ptr_null(strstr(out, "12.50"));
	ck_assert_int_eq(run("report lines --reason credite --marche MA1", out), 0);
	assert_contains(out, "12,5");
	ck_assert_ptr_null(strstr(out, ".00"));
	free(out);
}
END_TEST

static Suite *
facilitateur_suite(void)
{
	Suite *suite = suite_create("facilitateur");
	TCase *tc = tcase_create("mois");

	tcase_set_timeout(tc, 120);
	tcase_add_checked_fixture(tc, testdb_setup, testdb_teardown);
	tcase_add_test(tc, test_attendus_figures);
	tcase_add_test(tc, test_attendus_formats);
	tcase_add_test(tc, test_attendus_kept_as_lines);
	tcase_add_test(tc, test_compte_rendu);
	tcase_add_test(tc, test_attestation_figures);
	tcase_add_test(tc, test_attestation_formats);
	tcase_add_test(tc, test_lists);
	tcase_add_test(tc, test_list_participants_roles);
	tcase_add_loop_test(tc, test_unknown_ids_suggest, 0, sizeof(UNKNOWN_CASES) / sizeof(UNKNOWN_CASES[0]));
	tcase_add_test(tc, test_month_options);
	tcase_add_test(tc, test_impact_window_pro_rata);
	tcase_add_test(tc, test_text_consistency);
	tcase_add_test(tc, test_suivi_plain_words);
	suite_add_tcase(suite, tc);
	return suite;
}

int
main(void)
{
	SRunner *runner = srunner_create(facilitateur_suite());

	srunner_run_all(runner, CK_NORMAL);

	int failed = srunner_ntests_failed(runner);

	srunner_free(runner);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
