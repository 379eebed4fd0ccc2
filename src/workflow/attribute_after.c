/*
 * After a change, the one decision of what to attribute again: the participant-months that
 * new or cancelled timesheet batches and recorded referential changes touch, or every line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build/sql_files.h"
#include "src/lib/log.h"
#include "src/lib/strbuf.h"
#include "src/workflow/attribute.h"
#include "src/workflow/baisses.h"

/* The batches an attribution takes: those named and those waiting (a_attribuer). */
typedef struct AfterLots
{
	StrBuf all;					/* "12,13": every one, for what went down (baisse) */
	StrBuf heures;				/* the timesheet batches among them */
} AfterLots;

static bool
attribute_after_lot_row(void *context, const DbRow *row)
{
	AfterLots *lots = context;
	const char *id = db_row_value(row, 0);

	return strbuf_printf(&lots->all, "%s%s", lots->all.len ? "," : "", id) &&
		(strcmp(db_row_value(row, 1), "heures") != 0 ||
		 strbuf_printf(&lots->heures, "%s%s", lots->heures.len ? "," : "", id));
}

/*
 * The inputs of sql/attribution/perimetre.sql and sql/attribution/mois_nouveaux.sql, as
 * temporary tables of this transaction (lot_id bigint), made again on every call: the
 * timesheet batches lots ("12,13", "" for none) into attribution_lots, and the batches
 * whose months are left out (excluded) into mois_exclus_lots.
 */
static bool
attribute_after_inputs(Db *db, const char *lots, const char *excluded)
{
	const char *params[] = {lots, excluded};

	return db_exec(db, "DROP TABLE IF EXISTS pg_temp.attribution_lots, pg_temp.mois_exclus_lots; "
				   "CREATE TEMP TABLE attribution_lots (lot_id bigint) ON COMMIT DROP; "
				   "CREATE TEMP TABLE mois_exclus_lots (lot_id bigint) ON COMMIT DROP") &&
		db_query(db, "WITH lots AS (INSERT INTO pg_temp.attribution_lots "
				 "    SELECT unnest(string_to_array(nullif($1, ''), ',')::bigint[])) "
				 "INSERT INTO pg_temp.mois_exclus_lots "
				 "SELECT unnest(string_to_array(nullif($2, ''), ',')::bigint[])",
				 2, params, NULL, NULL, NULL) &&
		/* analysed, so that the planner knows one batch from a hundred and none from any */
		db_exec(db, "ANALYZE pg_temp.attribution_lots, pg_temp.mois_exclus_lots");
}

/* One yes/no query with the list as $1. */
static bool
attribute_after_ask(Db *db, const char *sql, const char *list, bool *answer)
{
	const char *params[] = {list};
	char value[8] = "";

	if (!db_query_value(db, sql, 1, params, value, sizeof(value), NULL))
		return false;
	*answer = value[0] == 't';
	return true;
}

/*
 * Whether lines is too large a part of the attribution to be recomputed alone: past a fifth
 * of the lines (clause.attribution_part_max), one pass over everything is faster than one
 * small computation per participant-month. Counts from the catalog: counting a million
 * rows would cost what it saves.
 */
#define ATTRIBUTE_TOO_LARGE_SQL \
	"SELECT $1::numeric > coalesce(nullif(current_setting('clause.attribution_part_max', true), '')::numeric, 0.2) " \
	"       * (SELECT greatest(reltuples, 0) FROM pg_class WHERE oid = 'clause.attribution'::regclass)"

/*
 * The batches taken are attributed (the changes they recorded left with perimetre), and
 * their senders folded into envoi for attendus().
 */
static bool
attribute_after_clear(Db *db, const char *lots)
{
	const char *params[] = {lots};

	return db_query(db, "UPDATE clause.lot_import SET a_attribuer = false "
					"WHERE a_attribuer AND id = ANY (string_to_array(nullif($1, ''), ',')::bigint[])",
					1, params, NULL, NULL, NULL) &&
		db_exec(db, ATTRIBUTE_FOLD_SENDERS_SQL);
}

/*
 * The incremental attribution, once it is decided: the new months alone when fresh, then
 * the participant-months of perimetre (already built), with what they lowered.
 */
static bool
attribute_after_part(Db *db, const AfterLots *lots, bool fresh, long long lines, bool cancelled)
{
	bool ok = true;

	if (fresh)
	{
		log_info("attribution des heures des lots %s (mois nouveaux)", lots->heures.data);
		ok = attribute_after_inputs(db, lots->heures.data, "") &&
			db_exec(db, SQL_ATTRIBUTION_MOIS_NOUVEAUX);
	}
	if (ok && lines > 0)
	{
		char count[32];

		snprintf(count, sizeof(count), "%lld", lines);
		log_info("attribution des heures : %s ligne%s des participants-mois touchés par les lots %s",
				 count, lines > 1 ? "s" : "", lots->all.data);
		ok = db_exec(db, SQL_ATTRIBUTION_PERIMETRE_CALCUL) &&
			attribute_note_lowered(db, lots->all.data, cancelled);
	}
	return ok && attribute_after_clear(db, lots->all.data);
}

/*
 * Builds perimetre and counts its lines; *whole when they (with the new months' lines) are
 * too many to recompute alone.
 */
static bool
attribute_after_scope(Db *db, const AfterLots *lots, bool fresh, long long fresh_lines,
					  long long *lines, bool *whole)
{
	char value[32] = "0";

	if (!attribute_after_inputs(db, fresh ? "" : lots->heures.data, fresh ? lots->heures.data : "") ||
		!db_exec(db, SQL_ATTRIBUTION_PERIMETRE) ||
		!db_exec_value(db, "SELECT count(*) FROM clause.ligne_heures l "
					   "WHERE (l.participant_id, l.mois) IN (SELECT participant_id, mois FROM perimetre)",
					   value, sizeof(value)))
		return false;
	*lines = strtoll(value, NULL, 10);
	snprintf(value, sizeof(value), "%lld", *lines + fresh_lines);
	return attribute_after_ask(db, ATTRIBUTE_TOO_LARGE_SQL, value, whole);
}

bool
attribute_after(Db *db, AttributeCause cause, const long long *lots, int count)
{
	/* a setting every line depends on */
	if (cause == ATTRIBUTE_EVERYTHING)
		return attribute_in_transaction(db);

	AfterLots after = {0};
	StrBuf named = {0};
	bool ok = strbuf_puts(&after.all, "") && strbuf_puts(&after.heures, "") && strbuf_puts(&named, "");

	for (int i = 0; ok && i < count; i++)
		ok = strbuf_printf(&named, "%s%lld", i ? "," : "", lots[i]);

	const char *params[] = {named.data};
	bool whole = false;
	bool fresh = false;
	long long fresh_lines = 0;
	long long lines = 0;

	ok = ok && db_exec(db, "SELECT pg_advisory_xact_lock(" ATTRIBUTION_LOCK_KEY ")") &&
		db_query(db, "SELECT id, nature FROM clause.lot_import "
				 "WHERE a_attribuer OR id = ANY (string_to_array(nullif($1, ''), ',')::bigint[]) ORDER BY id",
				 1, params, attribute_after_lot_row, &after, NULL);

	/* a change an earlier release did not record: everything may have changed */
	if (ok && !whole)
	{
		char unknown[8] = "";

		ok = db_query_value(db, "SELECT EXISTS (SELECT 1 FROM clause.a_reattribuer "
							"WHERE num_nonnulls(participant_id, marche_id, operation_id) = 0)",
							0, NULL, unknown, sizeof(unknown), NULL);
		whole = unknown[0] == 't';
	}

	/* many new lines: everything at once, before spending time on their participant-months */
	if (ok && !whole && after.heures.len > 0)
	{
		char value[32] = "0";
		const char *heures[] = {after.heures.data};

		ok = db_query_value(db, "SELECT coalesce(sum(lignes_chargees), 0) FROM clause.lot_import "
							"WHERE id = ANY (string_to_array($1, ',')::bigint[])",
							1, heures, value, sizeof(value), NULL) &&
			attribute_after_ask(db, ATTRIBUTE_TOO_LARGE_SQL, value, &whole);
		fresh_lines = strtoll(value, NULL, 10);
		/* months no earlier batch covers (a new monthly file): computed over them alone */
		ok = ok && (whole || cause != ATTRIBUTE_LOADED ||
					attribute_after_ask(db, "SELECT clause.mois_deja_couverts("
										"string_to_array($1, ',')::bigint[]) IS FALSE",
										after.heures.data, &fresh));
	}
	ok = ok && (whole || attribute_after_scope(db, &after, fresh, fresh ? fresh_lines : 0, &lines, &whole));

	if (ok && whole)
		ok = attribute_whole_for_lots(db, after.all.data, cause != ATTRIBUTE_CANCELLED);
	else if (ok)
		ok = attribute_after_part(db, &after, fresh, lines, cause == ATTRIBUTE_CANCELLED);
	strbuf_free(&after.all);
	strbuf_free(&after.heures);
	strbuf_free(&named);
	return ok;
}

bool
attribute_after_import(Db *db, long long lot_id)
{
	char lot[32];

	snprintf(lot, sizeof(lot), "%lld", lot_id);
	return attribute_after(db, ATTRIBUTE_LOADED, &lot_id, 1) &&
		baisses_write(db, lot, false, NULL, NULL, NULL);
}
