/*
 * Cancels a timesheet batch (DOMAIN.md rule 9): its lines stop standing, the lines it
 * replaced stand again; nothing is deleted. Used by clause lot annuler and clause serve.
 */
#include <stdlib.h>
#include <string.h>

#include "src/lib/format.h"
#include "src/workflow/attribute.h"
#include "src/workflow/baisses.h"
#include "src/workflow/lot_cancel.h"

static bool
lot_state_row(void *context, const DbRow *row)
{
	LotCancel *cancel = context;

	snprintf(cancel->nature, sizeof(cancel->nature), "%s", db_row_value(row, 0));
	snprintf(cancel->fichier, sizeof(cancel->fichier), "%s", db_row_value(row, 1));
	snprintf(cancel->annule_le, sizeof(cancel->annule_le), "%s",
			 db_row_isnull(row, 2) ? "" : db_row_value(row, 2));
	snprintf(cancel->annule_par, sizeof(cancel->annule_par), "%s",
			 db_row_isnull(row, 3) ? "" : db_row_value(row, 3));
	snprintf(cancel->annule_motif, sizeof(cancel->annule_motif), "%s",
			 db_row_isnull(row, 4) ? "" : db_row_value(row, 4));
	return true;
}

LotCancelStatus
lot_cancel_run(Db *db, LotCancel *cancel)
{
	const char *lot_param[] = {cancel->lot};

	cancel->nature[0] = '\0';
	if (!db_begin(db))
		return LOT_CANCEL_FAILED;
	/* locked against a second cancellation running at once */
	if (!db_query(db, "SELECT nature, fichier, to_char(annule_le, 'DD/MM/YYYY HH24:MI'), "
				  "annule_par, annule_motif FROM clause.lot_import WHERE id = $1::bigint "
				  "FOR UPDATE", 1, lot_param, lot_state_row, cancel, NULL))
	{
		db_rollback(db);
		return LOT_CANCEL_FAILED;
	}
	if (cancel->nature[0] == '\0' || strcmp(cancel->nature, "heures") != 0)
	{
		db_rollback(db);
		return cancel->nature[0] ? LOT_CANCEL_NOT_HOURS : LOT_CANCEL_UNKNOWN;
	}
	if (cancel->annule_le[0])
	{
		db_rollback(db);
		return LOT_CANCEL_ALREADY;
	}

	const char *params[] = {cancel->lot, cancel->motif, cancel->by};
	long long id = strtoll(cancel->lot, NULL, 10);
	bool ok = db_query(db, "UPDATE clause.lot_import SET annule_le = now(), "
					   "annule_par = coalesce($3, current_user), annule_motif = $2 "
					   "WHERE id = $1::bigint", 3, params, NULL, NULL, NULL) &&
		attribute_after(db, ATTRIBUTE_CANCELLED, &id, 1);

	if (!ok || !db_commit(db))
	{
		db_rollback(db);
		return LOT_CANCEL_FAILED;
	}
	return LOT_CANCEL_DONE;
}

static bool
write_reason_total(void *context, const DbRow *row)
{
	FILE *out = context;
	long long lines = strtoll(db_row_value(row, 1), NULL, 10);
	char hours[40];

	format_fr_number(strtod(db_row_value(row, 2), NULL), 2, hours, sizeof(hours));
	fprintf(out, "  %-22s %lld ligne%s, %s h\n", db_row_value(row, 0), lines, fr_s(lines), hours);
	return true;
}

bool
lot_cancel_write(Db *reader, const LotCancel *cancel, LotCancelStatus status, FILE *out)
{
	const char *params[] = {cancel->lot};

	if (status == LOT_CANCEL_ALREADY)
	{
		fprintf(out, "lot %s (%s) déjà annulé le %s par %s : « %s ». Rien ne change.\n", cancel->lot,
				cancel->fichier, cancel->annule_le, cancel->annule_par, cancel->annule_motif);
		return !ferror(out);
	}
	if (status != LOT_CANCEL_DONE)
		return true;
	fprintf(out, "lot %s (%s) annulé : ses lignes ne comptent plus, celles qu'il remplaçait comptent "
			"de nouveau.\n", cancel->lot, cancel->fichier);
	return baisses_write(reader, cancel->lot, true, out, "  ", NULL) &&
		db_query(reader, "SELECT coalesce(a.motif, 'credite'), count(*), "
				 "sum(l.heures + l.heures_formation) FROM clause.ligne_heures l "
				 "JOIN clause.attribution a ON a.ligne_id = l.id "
				 "WHERE (l.participant_id, l.mois) IN (SELECT participant_id, mois "
				 "       FROM clause.ligne_heures WHERE lot_id = $1::bigint) "
				 "GROUP BY 1 ORDER BY 1", 1, params, write_reason_total, out, NULL) &&
		!ferror(out);
}
