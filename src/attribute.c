/*
 * Where hours are attributed: this file drives the attribution scripts (sql/attribution.sql
 * whole, sql/attribution_lots.sql and sql/attribution_mois_nouveaux.sql for new batches).
 * The rules live in sql/views/05_attribution.sql, set-based; this file only chooses the
 * script and runs it under a lock and a transaction.
 */
#include <string.h>

#include "attribute.h"
#include "log.h"
#include "sql_files.h"
#include "strbuf.h"

/* Serialises attributions: two imports that commit at once each see the other's lines. */
#define ATTRIBUTION_LOCK_KEY "7304252"

/*
 * Every line again. The owner of attribution empties it with TRUNCATE, builds its key
 * after the insert and analyses the new rows before they are summed by fiche; another
 * user (one that may write but not alter it) deletes the rows and keeps the key and the
 * statistics: slower, the same result.
 */
bool
attribute_in_transaction(Db *db)
{
	const char *sql = SQL_ATTRIBUTION;
	const char *key_off = SQL_BULK_ATTRIBUTION_INDEX_OFF;
	const char *key_on = SQL_BULK_ATTRIBUTION_INDEX_ON;
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
		db_exec(db, "SELECT clause.recalcule_fiche_heures_mois(NULL)") &&
		db_exec(db, "UPDATE clause.lot_import SET a_attribuer = false WHERE a_attribuer");
}

/* "12,13" from a list of batches. */
static bool
attribute_lot_list(const long long *lots, int count, StrBuf *list)
{
	bool ok = strbuf_puts(list, "");

	for (int i = 0; ok && i < count; i++)
		ok = strbuf_printf(list, "%s%lld", i ? "," : "", lots[i]);
	return ok;
}

/* Stores in baisse what the attribution just run took back (sql/baisses.sql). */
static bool
attribute_note_lowered(Db *db, const char *lots, bool cancellation)
{
	const char *sql = SQL_BAISSES;
	const char *params[] = {lots ? lots : "", cancellation ? "true" : "false"};

	return sql != NULL &&
		db_query(db, "SELECT set_config('clause.baisse_lots', $1, true), "
				 "set_config('clause.baisse_annulation', $2, true)", 2, params, NULL, NULL, NULL) &&
		db_exec(db, sql);
}

/*
 * Whole attribution, then what it took back stored for the batches list ("12,13");
 * lots_new: their lines were never attributed (an import), so had no status to lose.
 */
static bool
attribute_whole_for_lots(Db *db, const char *list, bool lots_new)
{
	const char *after = SQL_BAISSES_TOUT;
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

bool
attribute_in_transaction_for_lots(Db *db, const long long *lots, int count)
{
	StrBuf list = {0};
	bool ok = attribute_lot_list(lots, count, &list) &&
		attribute_whole_for_lots(db, list.data, true);

	strbuf_free(&list);
	return ok;
}

typedef struct PendingLots
{
	StrBuf *list;
	bool referential;			/* a referential batch waits: everything may change */
} PendingLots;

static bool
attribute_pending_row(void *context, const DbRow *row)
{
	PendingLots *pending = context;

	if (strcmp(db_row_value(row, 1), "heures") != 0)
		pending->referential = true;
	return strbuf_printf(pending->list, "%s%s", pending->list->len ? "," : "",
						 db_row_value(row, 0));
}

static bool attribute_lots_run(Db *db, const long long *lots, int count, bool new_lines);

bool
attribute_lots_in_transaction(Db *db, const long long *lots, int count)
{
	return attribute_lots_run(db, lots, count, true);
}

bool
attribute_cancelled_lot_in_transaction(Db *db, long long lot)
{
	return attribute_lots_run(db, &lot, 1, false);
}

/*
 * new_lines: the batches' lines were never attributed (an import), so months no other
 * batch covers may be computed alone; a cancelled batch's lines were, and are recomputed
 * with the participant-months they touch.
 */
static bool
attribute_lots_run(Db *db, const long long *lots, int count, bool new_lines)
{
	const char *sql = SQL_ATTRIBUTION_LOTS;
	StrBuf list = {0};
	PendingLots pending = {.list = &list};
	bool ok = sql != NULL;

	if (count == 0)
		return true;
	for (int i = 0; ok && i < count; i++)
		ok = strbuf_printf(&list, "%s%lld", i ? "," : "", lots[i]);

	/* batches loaded with --sans-attribution (or by an interrupted batch) come along */
	ok = ok && db_exec(db, "SELECT pg_advisory_xact_lock(" ATTRIBUTION_LOCK_KEY ")") &&
		db_query(db, "SELECT id, nature FROM clause.lot_import WHERE a_attribuer ORDER BY id",
				 0, NULL, attribute_pending_row, &pending, NULL);
	if (ok && pending.referential)
	{
		ok = attribute_whole_for_lots(db, list.data, new_lines);
		strbuf_free(&list);
		return ok;
	}

	const char *params[] = {list.data};

	ok = ok && db_query(db, "SELECT set_config('clause.attribution_lots', $1, true)", 1, params,
						NULL, NULL, NULL);

	/*
	 * One small computation per participant-month pays for a month's batch; for a batch
	 * as large as a fifth of all lines, one pass over everything is faster. Counts from
	 * the catalog and the batches: counting a million rows would cost what it saves.
	 */
	char small[8] = "t";

	ok = ok && db_query_value(db,
							  "SELECT coalesce((SELECT sum(lignes_chargees) FROM clause.lot_import "
							  "        WHERE id = ANY (string_to_array($1, ',')::bigint[])), 0) * 5 "
							  "       < (SELECT greatest(reltuples, 0) FROM pg_class "
							  "          WHERE oid = 'clause.attribution'::regclass)",
							  1, params, small, sizeof(small), NULL);
	if (ok && small[0] != 't')
	{
		ok = attribute_whole_for_lots(db, list.data, new_lines);
		strbuf_free(&list);
		return ok;
	}

	/* months no earlier batch covers (a new monthly file): computed over them alone */
	char fresh[8] = "f";

	ok = ok && (!new_lines ||
				db_query_value(db, "SELECT clause.mois_deja_couverts("
							   "string_to_array($1, ',')::bigint[]) IS FALSE",
							   1, params, fresh, sizeof(fresh), NULL));
	if (ok && fresh[0] == 't')
		sql = SQL_ATTRIBUTION_MOIS_NOUVEAUX;
	if (ok)
		log_info("attribution des heures des lots %s%s", list.data,
				 fresh[0] == 't' ? " (mois nouveaux)" : "");
	ok = ok && sql != NULL && db_exec(db, sql) &&
		/* months no batch covered had nothing credited to lose */
		(fresh[0] == 't' || attribute_note_lowered(db, list.data, !new_lines)) &&
		db_exec(db, "UPDATE clause.lot_import SET a_attribuer = false WHERE a_attribuer");
	strbuf_free(&list);
	return ok;
}

bool
attribute_run(Db *db)
{
	if (!db_begin(db))
		return false;
	if (!attribute_in_transaction(db) || !db_commit(db))
	{
		db_rollback(db);
		return false;
	}
	return true;
}
