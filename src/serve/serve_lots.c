/*
 * clause serve's /lots page: the batches the facilitateur's PLIE sees, and the cancellation
 * of one of them (src/workflow/lot_cancel.c, as `clause lot annuler`), in the facilitateur's name.
 */
#include <stdlib.h>
#include <string.h>

#include "reports/format_html.h"
#include "reports/lines.h"
#include "src/lib/log.h"
#include "src/serve/serve_internal.h"
#include "src/workflow/lot_cancel.h"

#define MOTIF_MAX 500

typedef struct CancelRows
{
	FILE *out;
	const WebSession *session;
} CancelRows;

/* One active batch of hours the reader sees: a form to cancel it, or why it may not. */
static bool
batch_cancel_row(void *context, const DbRow *row)
{
	const CancelRows *rows = context;
	FILE *out = rows->out;
	const char *id = db_row_value(row, 0);
	long long seen = strtoll(db_row_value(row, 4), NULL, 10);
	long long loaded = strtoll(db_row_value(row, 3), NULL, 10);

	fprintf(out, "<tr><td class=\"n\">%s</td><td>", id);
	html_escape(out, db_row_value(row, 1));
	fprintf(out, "</td><td>%s</td><td class=\"n\">%lld</td><td>", db_row_value(row, 2), loaded);
	if (seen < loaded)
		fprintf(out, "<span class=\"note\">porte aussi %lld ligne%s d'autres PLIE : seul "
				"l'administrateur peut l'annuler (<code>clause lot annuler %s</code>)</span>",
				loaded - seen, loaded - seen > 1 ? "s" : "", id);
	else
	{
		fprintf(out, "<details><summary>Annuler le lot %s…</summary>\n"
				"<form class=\"web\" method=\"post\" action=\"/lots/annuler\">", id);
		page_csrf_field(out, rows->session);
		fprintf(out, "<input type=\"hidden\" name=\"lot\" value=\"%s\"/>"
				"<label>Motif<input name=\"motif\" required=\"required\" maxlength=\"%d\" size=\"30\"/>"
				"</label><label class=\"confirm\"><input type=\"checkbox\" name=\"confirmer\" "
				"value=\"oui\" required=\"required\"/>Je confirme : ses lignes ne compteront plus"
				"</label><button type=\"submit\">Annuler le lot %s</button></form></details>", id,
				MOTIF_MAX, id);
	}
	fputs("</td></tr>\n", out);
	return true;
}

/* The batches and what each changed (clause report batches), then those it may cancel. */
enum MHD_Result
serve_lots_page(Request *request)
{
	WebSession *session = request->session;
	char *text = NULL;
	size_t len = 0;
	FILE *buffer = open_memstream(&text, &len);
	Reply reply = {0};

	if (buffer == NULL)
		return MHD_NO;

	bool ok = batches_write(&session->db, LINES_TEXT, buffer);

	fclose(buffer);
	if (!ok || !page_open(request, &reply, "Lots importés"))
	{
		free(text);
		return ok ? MHD_NO : page_database_error(request);
	}
	fputs("<header><h1>Lots importés</h1><p class=\"meta\">Chaque fichier chargé est un lot : "
		  "lignes lues, chargées, inchangées et rejetées.</p></header>\n", reply.out);
	page_pre(reply.out, text, len);
	free(text);
	fputs("<h2>Annuler un lot d'heures</h2>\n<p class=\"meta\">Un mauvais fichier, un mois chargé "
		  "pour un autre : les lignes du lot cessent de compter et celles qu'il avait remplacées "
		  "comptent de nouveau. Rien n'est effacé ; la date, le motif et votre rôle restent dans "
		  "l'historique.</p>\n<div class=\"scroll\"><table>\n<tr><th class=\"n\">Lot</th><th>Fichier"
		  "</th><th>Importé le</th><th class=\"n\">Lignes</th><th></th></tr>\n", reply.out);
	CancelRows rows = {.out = reply.out, .session = session};

	ok = db_query(&session->db, "SELECT b.id, b.fichier, to_char(b.importe_le, 'DD/MM/YYYY HH24:MI'), "
				  "b.lignes_chargees, (SELECT count(*) FROM clause.ligne_heures l WHERE l.lot_id = b.id) "
				  "FROM clause.lot_import b WHERE b.nature = 'heures' AND b.annule_le IS NULL "
				  "ORDER BY b.id DESC", 0, NULL, batch_cancel_row, &rows, NULL);
	if (!ok)
	{
		fclose(reply.out);
		free(reply.body);
		return page_database_error(request);
	}
	fputs("</table></div>\n", reply.out);
	return page_send(request, &reply);
}

/* What the reader's own connection shows of a batch: it exists for it, its lines it sees. */
typedef struct SeenBatch
{
	bool found;
	char nature[32];
	bool cancelled;
	long long lines_seen;
} SeenBatch;

static bool
seen_batch_row(void *context, const DbRow *row)
{
	SeenBatch *seen = context;

	seen->found = true;
	snprintf(seen->nature, sizeof(seen->nature), "%s", db_row_value(row, 0));
	seen->cancelled = strcmp(db_row_value(row, 1), "t") == 0;
	seen->lines_seen = strtoll(db_row_value(row, 2), NULL, 10);
	return true;
}

static enum MHD_Result
cancel_result_page(Request *request, const LotCancel *cancel, LotCancelStatus status)
{
	char *text = NULL;
	size_t len = 0;
	FILE *buffer = open_memstream(&text, &len);
	Reply reply = {0};
	char title[64];

	if (buffer == NULL)
		return MHD_NO;

	/* read as the facilitateur: its row-level security keeps other PLIEs' lines out */
	bool ok = lot_cancel_write(&request->session->db, cancel, status, buffer);

	fclose(buffer);
	snprintf(title, sizeof(title), "Annulation du lot %s", cancel->lot);
	if (!ok || !page_open(request, &reply, title))
	{
		free(text);
		return ok ? MHD_NO : page_database_error(request);
	}
	fprintf(reply.out, "<header><h1>%s</h1><p class=\"meta\">", title);
	html_escape(reply.out, cancel->fichier);
	fputs("</p></header>\n<p class=\"message\">", reply.out);
	if (status == LOT_CANCEL_DONE)
		fprintf(reply.out, "Lot %s annulé par %s : ses lignes ne comptent plus, celles qu'il "
				"remplaçait comptent de nouveau. Ce qui baisse :", cancel->lot, request->session->role);
	else
		fprintf(reply.out, "Lot %s déjà annulé : rien ne change.", cancel->lot);
	fputs("</p>\n", reply.out);
	page_pre(reply.out, text, len);
	free(text);
	fputs("<p><a href=\"/lots\">Retour aux lots</a></p>\n", reply.out);
	return page_send(request, &reply);
}

/*
 * POST /lots/annuler (lot, motif, confirmer=oui): the batch must exist for the reader's own
 * role (row-level security) with every one of its lines; it is then cancelled on a
 * connection of the owner, as `clause lot annuler` does, recorded in the reader's name.
 */
enum MHD_Result
serve_lots_cancel(Request *request)
{
	WebSession *session = request->session;
	const char *lot = request_field(request, "lot");
	const char *motif = request_field(request, "motif");
	const char *confirm = request_field(request, "confirmer");

	if (lot == NULL || lot[0] == '\0' || strlen(lot) > 18 || strspn(lot, "0123456789") != strlen(lot))
		return reply_error(request, MHD_HTTP_BAD_REQUEST, "Numéro de lot invalide.");
	if (motif == NULL || motif[strspn(motif, " \t\r\n")] == '\0' || strlen(motif) > MOTIF_MAX)
		return reply_error(request, MHD_HTTP_BAD_REQUEST,
						   "Indiquez le motif de l'annulation (500 caractères au plus).");
	if (confirm == NULL || strcmp(confirm, "oui") != 0)
		return reply_error(request, MHD_HTTP_BAD_REQUEST,
						   "Cochez la case de confirmation pour annuler le lot.");

	SeenBatch seen = {0};
	const char *params[] = {lot};

	if (!db_query(&session->db, "SELECT nature, annule_le IS NOT NULL, (SELECT count(*) "
				  "FROM clause.ligne_heures l WHERE l.lot_id = b.id) FROM clause.lot_import b "
				  "WHERE b.id = $1::bigint", 1, params, seen_batch_row, &seen, NULL))
		return page_database_error(request);
	if (!seen.found)
		return reply_error(request, MHD_HTTP_NOT_FOUND, "Ce lot n'existe pas pour votre PLIE.");
	if (strcmp(seen.nature, "heures") != 0)
		return reply_error(request, MHD_HTTP_BAD_REQUEST, "Seuls les lots d'heures s'annulent : un "
						   "fichier de référentiel se corrige en renvoyant les bonnes valeurs.");

	Db owner = {0};
	LotCancel cancel = {.lot = lot, .motif = motif, .by = session->role};
	LotCancelStatus status = LOT_CANCEL_FAILED;
	char all[32] = "0";
	bool isnull = true;

	serve_owner_lock(request->serve);
	bool ok = serve_owner_connect(request->serve, &owner) &&
		db_query_value(&owner, "SELECT count(*) FROM clause.ligne_heures WHERE lot_id = $1::bigint",
					   1, params, all, sizeof(all), &isnull);

	if (ok && !seen.cancelled && strtoll(all, NULL, 10) != seen.lines_seen)
	{
		db_close(&owner);
		serve_owner_unlock(request->serve);
		log_notice("%s : annulation du lot %s refusée (lignes d'autres PLIE)", session->role, lot);
		return reply_error(request, MHD_HTTP_FORBIDDEN, "Ce lot porte aussi des heures d'autres PLIE : "
						   "seul l'administrateur peut l'annuler (clause lot annuler).");
	}
	if (ok)
		status = lot_cancel_run(&owner, &cancel);
	db_close(&owner);
	serve_owner_unlock(request->serve);
	if (status == LOT_CANCEL_DONE)
		log_notice("%s : lot %s annulé", session->role, lot);
	if (status == LOT_CANCEL_FAILED)
		return page_database_error(request);
	if (status == LOT_CANCEL_UNKNOWN || status == LOT_CANCEL_NOT_HOURS)
		return reply_error(request, MHD_HTTP_NOT_FOUND, "Ce lot n'existe pas pour votre PLIE.");
	return cancel_result_page(request, &cancel, status);
}
