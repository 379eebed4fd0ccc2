/*
 * What a facilitateur reads after loading the month: what came in, what was refused
 * and where to find it, what does not count and why, and where each marché stands.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "reports/attendus.h"
#include "src/lib/format.h"
#include "src/lib/log.h"
#include "src/lib/strbuf.h"
#include "src/workflow/baisses.h"
#include "src/workflow/compte_rendu.h"

static const char *
status_label(ImportStatus status)
{
	switch (status)
	{
		case IMPORT_LOADED:
			return "chargé";
		case IMPORT_ALREADY_DONE:
			return "déjà importé, rien à faire";
		case IMPORT_ROWS_REJECTED:
			return "chargé, avec des lignes rejetées";
		case IMPORT_FILE_REJECTED:
			return "REFUSÉ : rien n'a été chargé, le fichier reste dans la boîte";
		case IMPORT_DATABASE_ERROR:
			return "ERREUR de base de données : rien n'a été chargé";
		case IMPORT_INTERNAL_ERROR:
			return "ERREUR interne : rien n'a été chargé";
	}
	return "?";
}

/* A section's rows are written by a callback that counts them, so that an empty
 * section says « aucune » rather than leaving a bare heading. */
typedef struct SectionOut
{
	FILE *out;
	long long rows;
} SectionOut;

static bool
print_reason(void *context, const DbRow *row)
{
	SectionOut *section = context;
	long long lines = strtoll(db_row_value(row, 1), NULL, 10);
	char hours[32];

	format_fr_number(strtod(db_row_value(row, 2), NULL), 2, hours, sizeof(hours));
	fputs("  ", section->out);
	format_write_padded(section->out, db_row_value(row, 0), 34, false);
	fprintf(section->out, " %6lld %-6s %12s h\n", lines, lines >= 2 ? "lignes" : "ligne", hours);
	section->rows++;
	return true;
}

static bool
print_marche(void *context, const DbRow *row)
{
	SectionOut *section = context;
	FILE *out = section->out;
	char month[32], cumul[32], planned[32], rate[32];

	format_fr_number(strtod(db_row_value(row, 2), NULL), 2, month, sizeof(month));
	format_fr_number(strtod(db_row_value(row, 3), NULL), 2, cumul, sizeof(cumul));
	if (db_row_isnull(row, 4))
	{
		snprintf(planned, sizeof(planned), "—");
		snprintf(rate, sizeof(rate), "—");
	}
	else
	{
		double prevues = strtod(db_row_value(row, 4), NULL);

		format_fr_number(prevues, 0, planned, sizeof(planned));
		if (prevues > 0)
			format_fr_percent(strtod(db_row_value(row, 3), NULL) / prevues, rate, sizeof(rate));
		else
			snprintf(rate, sizeof(rate), "—");
	}
	fprintf(out, "  %-7s  ", db_row_value(row, 0));
	format_write_padded(out, db_row_value(row, 1), 22, false);
	fprintf(out, " %12s %12s %10s %9s\n", month, cumul, planned, rate);
	section->rows++;
	return true;
}

static bool
print_hors_contrat(void *context, const DbRow *row)
{
	FILE *out = context;
	char hours[32];

	format_fr_number(strtod(db_row_value(row, 4), NULL), 2, hours, sizeof(hours));
	fprintf(out, "  %s:%s  %-12s %-14s %-8s %s  %10s h\n", db_row_value(row, 0), db_row_value(row, 1),
			db_row_value(row, 2), db_row_value(row, 3), db_row_value(row, 5), db_row_value(row, 6), hours);
	return true;
}

/*
 * Lines of these batches credited although no contract sent by their employer covers the
 * month (DOMAIN.md "Contracts"): said only when there are some.
 */
static bool
compte_rendu_hors_contrat(Db *db, const char *const *params, FILE *out)
{
	char count[32];

	if (!db_query_value(db, "SELECT count(*) FROM v_heures_hors_contrat WHERE lot_id = ANY($1::bigint[])",
						1, params, count, sizeof(count), NULL))
		return false;
	if (strcmp(count, "0") == 0)
		return true;
	fprintf(out, "\nHeures hors contrat connu (créditées ; aucun contrat reçu de l'employeur ne couvre le mois)\n");
	return db_query(db, "SELECT b.fichier, h.ligne, h.participant_id, h.employeur_siret, h.heures_total, "
					"h.marche_id, to_char(h.mois, 'YYYY-MM') "
					"FROM v_heures_hors_contrat h JOIN lot_import b ON b.id = h.lot_id "
					"WHERE h.lot_id = ANY($1::bigint[]) ORDER BY b.id, h.ligne",
					1, params, print_hors_contrat, out, NULL);
}

typedef struct FallbackPrinter
{
	FILE *out;
	int printed;
} FallbackPrinter;

/* "  bordeaux : territoire 2022 non chargé, celui de 2021 s'applique". */
static bool
print_fallback(void *context, const DbRow *row)
{
	FallbackPrinter *printer = context;

	if (printer->printed++ == 0)
		fprintf(printer->out, "\nTerritoires des mois reçus (clause import territoires)\n");
	fprintf(printer->out, "  %s : territoire %s non chargé, celui de %s s'applique\n",
			db_row_value(row, 0), db_row_value(row, 1), db_row_value(row, 2));
	return true;
}

bool
compte_rendu_write(Db *db, const char *dir, const BatchOutcome *outcomes, int count,
				   int skipped, FILE *out)
{
	StrBuf lots = {0};
	char when[64];
	time_t now = time(NULL);
	struct tm local;

	localtime_r(&now, &local);
	strftime(when, sizeof(when), "%d/%m/%Y %H:%M", &local);
	fprintf(out, "Compte rendu du traitement de %s, le %s\n\n", dir, when);
	fprintf(out, "Fichiers (%d traité%s", count, fr_s(count));
	if (skipped > 0)
		fprintf(out, ", %d laissé%s dans la boîte : voir plus bas", skipped, fr_s(skipped));
	fprintf(out, ")\n");

	strbuf_puts(&lots, "{");
	for (int i = 0; i < count; i++)
	{
		const BatchOutcome *o = &outcomes[i];

		fprintf(out, "  %s (%s%s%s%s) : %s", o->file->name, o->file->kind,
				o->file->label[0] ? ", profil " : "", o->file->label,
				o->file->recognised ? ", reconnu à son en-tête" : "", status_label(o->status));
		if (o->status == IMPORT_LOADED || o->status == IMPORT_ROWS_REJECTED)
		{
			fprintf(out, ", lot n° %lld\n    lues %lld, chargées %lld, inchangées %lld, rejetées %lld\n",
					o->result.lot_id, o->result.rows_read, o->result.rows_loaded,
					o->result.rows_unchanged, o->result.rows_rejected);
			strbuf_printf(&lots, "%s%lld", lots.len > 1 ? "," : "", o->result.lot_id);
		}
		else if (o->status == IMPORT_ALREADY_DONE)
		{
			fprintf(out, " (lot n° %lld du %s)\n", o->result.lot_id, o->result.previous_date);
			if (o->result.later_lots[0])
				fprintf(out, "    lots chargés depuis sur les mêmes mois : %s ; pour revenir à ce "
						"fichier : clause lot annuler N --motif TEXTE\n", o->result.later_lots);
		}
		else
			fprintf(out, "\n");
		if (o->status == IMPORT_FILE_REJECTED && o->reason[0])
			fprintf(out, "    motif : %s\n", o->reason);
		if (o->rejects_path[0])
			fprintf(out, "    lignes rejetées à corriger et renvoyer : %s\n", o->rejects_path);
	}
	strbuf_puts(&lots, "}");

	const char *params[] = {lots.data};
	FallbackPrinter fallback = {.out = out};
	SectionOut reasons = {out, 0}, marches = {out, 0};
	bool ok = true;

	/*
	 * The lines and their attribution alone (v_ligne's other joins, batch, marché and
	 * opération, hold for every line): the batches' lines are new to the statistics, and
	 * planned as one line each, the 41,666 of a month were also looked up one by one in
	 * marché and opération (0.10 s for 0.05 s). Joined on attribution's whole key: each
	 * line is then looked up in its participant's part alone, not in every part. Looked
	 * up, not hashed: since a month's lines have a table of their own, analysed, the
	 * planner knows a batch's 41,666 lines and would hash every row of attribution with a
	 * motif against them (123-260 ms at 1M lines, 331-343 ms at 4M), costing each lookup
	 * in every part of attribution where the run prunes all but one (77 ms, 110 ms at 4M).
	 */
	fprintf(out, "\nLignes non comptabilisées de ces lots, par motif\n");
	ok = db_begin(db) &&
		db_exec(db, "SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off") &&
		db_query(db, "SELECT motif_libelle(a.motif), count(*), sum(l.heures + l.heures_formation) "
				 "FROM ligne_heures l "
				 "JOIN attribution a ON a.ligne_id = l.id AND a.participant_id = l.participant_id "
				 "WHERE l.lot_id = ANY($1::bigint[]) AND a.motif IS NOT NULL GROUP BY a.motif ORDER BY a.motif",
				 1, params, print_reason, &reasons, NULL) &&
		db_commit(db);
	if (!ok)
		db_rollback(db);		/* the session's planner settings back as they were */
	if (ok && reasons.rows == 0)
		fprintf(out, "  aucune\n");

	/* rule 3: hours already credited that these batches took back, line by line */
	if (ok && lots.len > 2)
	{
		StrBuf csv = {0};
		long long lowered = 0;

		ok = strbuf_printf(&csv, "%.*s", (int) lots.len - 2, lots.data + 1);
		fprintf(out, "\nHeures déjà comptées qui baissent avec ces lots\n");
		ok = ok && baisses_write(db, csv.data, false, out, "  ", &lowered);
		if (ok && lowered == 0)
			fprintf(out, "  aucune\n");
		strbuf_free(&csv);
	}

	/*
	 * The sums by marché and month the attribution keeps (marche_heures_mois): the same
	 * figures as summing the credited lines of v_ligne, without reading every line of the
	 * marchés received, which grew with the years of history (12 s at a million lines).
	 */
	fprintf(out, "\nHeures créditées dans les mois reçus, par marché (cumul à la fin du mois)\n");
	fprintf(out, "  %-7s  %-22s %12s %12s %10s %9s\n", "mois", "marché", "ce mois", "cumul", "prévues", "taux");
	ok = ok && db_query(db,
						"WITH mois_recus AS (SELECT DISTINCT mois, marche_id FROM ligne_heures "
						"                    WHERE lot_id = ANY($1::bigint[])) "
						"SELECT to_char(r.mois, 'YYYY-MM'), r.marche_id, coalesce(h.ce_mois, 0), "
						"       coalesce(h.cumul, 0), m.heures_prevues "
						"FROM mois_recus r JOIN marche m ON m.id = r.marche_id "
						/* summed marché by marché: joined whole, the 122,670 monthly rows of the
						 * box's 5,000 marchés were sorted again to be grouped (0.19 -> 0.17 s) */
						"CROSS JOIN LATERAL (SELECT sum(x.heures + x.heures_formation) "
						"                           FILTER (WHERE x.mois = r.mois) AS ce_mois, "
						"                           sum(x.heures + x.heures_formation) AS cumul "
						"                    FROM marche_heures_mois x "
						"                    WHERE x.marche_id = r.marche_id AND x.mois <= r.mois) h "
						"ORDER BY r.mois, r.marche_id",
						1, params, print_marche, &marches, NULL);
	if (ok && marches.rows == 0)
		fprintf(out, "  aucune\n");

	ok = ok && compte_rendu_hors_contrat(db, params, out);
	/* a received month of a year whose territory was never loaded: say which year serves */
	ok = ok && db_query(db,
						"SELECT r.plie, y.annee, r.annee_territoire "
						"FROM (SELECT generate_series(extract(year FROM min(mois_min))::integer, "
						"                             extract(year FROM max(mois_max))::integer) AS annee "
						"      FROM lot_import WHERE id = ANY($1::bigint[])) y "
						"CROSS JOIN LATERAL territoire_repli(y.annee) r "
						"ORDER BY y.annee, r.plie",
						1, params, print_fallback, &fallback, NULL);

	/* who is still awaited for the latest month received */
	char month[16] = "";
	bool no_month = true;

	ok = ok && db_query_value(db, "SELECT to_char(max(mois), 'YYYY-MM') FROM ligne_heures "
							  "WHERE lot_id = ANY($1::bigint[])", 1, params, month, sizeof(month), &no_month);
	if (ok && !no_month)
		ok = attendus_write_compte_rendu(db, month, out);
	strbuf_free(&lots);
	return ok && !ferror(out);
}

void
compte_rendu_write_refused(const Inbox *inbox, FILE *out)
{
	if (inbox->nrefused == 0)
		return;
	fprintf(out, "\nEntrées refusées, laissées dans la boîte sans être lues (%d)\n", inbox->nrefused);
	for (int i = 0; i < inbox->nrefused; i++)
		fprintf(out, "  %s : %s\n", inbox->refused[i].name, inbox->refused[i].reason);
}

void
compte_rendu_write_left(const Inbox *inbox, FILE *out)
{
	if (inbox->nleft == 0)
		return;
	fprintf(out, "\nFichiers non traités par ce passage\n");
	for (int i = 0; i < inbox->nleft; i++)
		fprintf(out, "  %s : %s%s\n", inbox->left[i].name,
				inbox->left[i].already_done ? "" : "LAISSÉ DANS LA BOÎTE : ", inbox->left[i].reason);
}
