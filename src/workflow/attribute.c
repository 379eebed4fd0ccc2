/*
 * Where hours are attributed whole: sql/attribution/tout.sql under the attribution lock, in the
 * caller's transaction, and what it lowered (sql/attribution/baisses_tout.sql, sql/attribution/baisses.sql).
 * The rules live in sql/views/05_attribution.sql; src/workflow/attribute_after.c decides what to
 * recompute after a change, src/workflow/attribute_parallel.c splits a whole run over connections.
 */
#include <string.h>

#include "build/sql_files.h"
#include "src/lib/log.h"
#include "src/lib/strbuf.h"
#include "src/workflow/attribute.h"

/*
 * Every line again. The owner of attribution empties it with TRUNCATE, builds its key
 * after the insert and analyses the new rows before they are summed by fiche; another
 * user (one that may write but not alter it) deletes the rows and keeps the key and the
 * statistics: slower, the same result.
 */
bool
attribute_in_transaction(Db *db)
{
	const char *sql = SQL_ATTRIBUTION_TOUT;
	const char *key_off = SQL_ATTRIBUTION_INDEX_OFF;
	const char *key_on = SQL_ATTRIBUTION_INDEX_ON;
	bool owned = false;

	if (sql == NULL || key_off == NULL || key_on == NULL)
		return false;
	if (!db_exec(db, "SELECT pg_advisory_xact_lock(" ATTRIBUTION_LOCK_KEY ")") ||
		!db_table_owned(db, "clause.attribution", &owned))
		return false;
	log_info("attribution des heures");
	return (!owned || db_exec(db, key_off)) &&
		db_exec_watched(db, sql, "attribution des heures") &&
		(!owned || db_exec(db, key_on)) &&
		db_exec(db, "SELECT clause.recalcule_heures_mois(NULL)") &&
		db_exec(db, "UPDATE clause.lot_import SET a_attribuer = false WHERE a_attribuer") &&
		db_exec(db, ATTRIBUTE_FOLD_SENDERS_SQL) &&
		db_exec(db, "DELETE FROM clause.a_reattribuer");
}

/* Stores in baisse what the attribution just run took back (sql/attribution/baisses.sql). */
bool
attribute_note_lowered(Db *db, const char *lots, bool cancellation)
{
	const char *sql = SQL_ATTRIBUTION_BAISSES;
	const char *params[] = {lots ? lots : "", cancellation ? "true" : "false"};

	/* its input: one row, the batches and whether they were cancelled */
	return sql != NULL &&
		db_exec(db, "DROP TABLE IF EXISTS pg_temp.baisse_pour; "
				"CREATE TEMP TABLE baisse_pour (lots bigint[], annulation boolean) ON COMMIT DROP") &&
		db_query(db, "INSERT INTO pg_temp.baisse_pour "
				 "VALUES (string_to_array(nullif($1, ''), ',')::bigint[], $2::boolean)",
				 2, params, NULL, NULL, NULL) &&
		db_exec(db, sql);
}

/*
 * Whole attribution, then what it took back stored for the batches list ("12,13");
 * lots_new: their lines were never attributed (an import), so had no status to lose.
 */
bool
attribute_whole_for_lots(Db *db, const char *list, bool lots_new)
{
	const char *after = SQL_ATTRIBUTION_BAISSES_TOUT;
	const char *params[] = {lots_new ? list : ""};
	bool ok = after != NULL;

	/* before: the few lines not credited, and the batches whose lines have no status yet */
	ok = ok && db_exec(db, "DROP TABLE IF EXISTS pg_temp.non_credite_avant, pg_temp.lots_nouveaux") &&
		db_exec(db, "CREATE TEMP TABLE non_credite_avant ON COMMIT DROP AS "
				"SELECT ligne_id FROM clause.attribution WHERE motif IS NOT NULL") &&
		db_query(db, "CREATE TEMP TABLE lots_nouveaux ON COMMIT DROP AS SELECT id "
				 "FROM clause.lot_import WHERE a_attribuer "
				 "OR id = ANY (string_to_array(nullif($1, ''), ',')::bigint[])",
				 1, params, NULL, NULL, NULL) &&
		attribute_in_transaction(db) &&
		db_exec(db, after) &&
		attribute_note_lowered(db, list, !lots_new);
	return ok;
}

/*
 * Lines and hours by status. The owner reads the credited ones from the sums by marché the
 * attribution keeps (every credited line counts for its marché, 0150), and joins only the
 * tenth of lines not credited: 0.25 s less at a million lines than joining them all.
 * Anyone else reads through row-level security, which shows no kept sum: the join.
 * A run on several connections counted them itself (sql/attribution/parallele_bascule.sql).
 */
#define STATUS_COUNTS_PARTS \
	"SELECT statut, lignes, heures FROM pg_temp.attribution_statuts ORDER BY 1"
#define STATUS_COUNTS_KEPT \
	"SELECT 'credite', sum(lignes), sum(heures + heures_formation) FROM clause.marche_heures_mois " \
	"HAVING sum(lignes) > 0 " \
	"UNION ALL (SELECT a.motif, count(*), sum(l.heures + l.heures_formation) " \
	"           FROM clause.attribution a JOIN clause.ligne_heures l ON l.id = a.ligne_id " \
	"           WHERE a.motif IS NOT NULL GROUP BY 1) ORDER BY 1"
#define STATUS_COUNTS_JOINED \
	"SELECT coalesce(a.motif, 'credite'), count(*), sum(l.heures + l.heures_formation) " \
	"FROM clause.attribution a JOIN clause.ligne_heures l ON l.id = a.ligne_id GROUP BY 1 ORDER BY 1"

bool
attribute_status_counts(Db *db, bool parts_counted, DbRowCallback on_row, void *context)
{
	bool owned = false;

	if (parts_counted)
		return db_query(db, STATUS_COUNTS_PARTS, 0, NULL, on_row, context, NULL) &&
			db_exec(db, "DROP TABLE pg_temp.attribution_statuts");
	return db_table_owned(db, "clause.marche_heures_mois", &owned) &&
		db_query(db, owned ? STATUS_COUNTS_KEPT : STATUS_COUNTS_JOINED,
				 0, NULL, on_row, context, NULL);
}

bool
attribute_run(Db *db)
{
	return attribute_run_counted(db, attribute_default_connections(db), NULL);
}

bool
attribute_run_on(Db *db, int connections)
{
	return attribute_run_counted(db, connections, NULL);
}

bool
attribute_run_counted(Db *db, int connections, bool *parts_counted)
{
	bool owned = false;

	if (parts_counted)
		*parts_counted = false;
	/* the parts' tables and the swap are the owner's: another user runs it on one connection */
	if (connections > 1 && !db_table_owned(db, "clause.attribution", &owned))
		return false;
	if (connections > 1 && owned)
	{
		AttributeParallel done = attribute_parallel_run(db, connections);

		if (done != ATTRIBUTE_PARALLEL_UNAVAILABLE)
		{
			if (parts_counted)
				*parts_counted = done == ATTRIBUTE_PARALLEL_DONE;
			return done == ATTRIBUTE_PARALLEL_DONE;
		}
	}
	if (!db_begin(db))
		return false;
	if (!attribute_in_transaction(db) || !db_commit(db))
	{
		db_rollback(db);
		return false;
	}
	return true;
}
