/*
 * The staged sink: rows COPYed into a temporary table `stage` (good rows with their
 * values, rejected rows with their reason), then the kind's merge script over it.
 */
#include <stdio.h>
#include <stdlib.h>

#include "importers/copy_format.h"
#include "importers/import_batch.h"
#include "importers/import_sink.h"
#include "src/lib/log.h"
#include "src/lib/sql_embedded.h"

/* The stage and the notices table, dropped at commit; starts the COPY into the stage. */
static bool
sink_staged_begin(ImportSink *sink, const char *path, long long lot_id)
{
	const KindSpec *kind = sink->kind;
	StrBuf sql = {0};
	bool ok = strbuf_puts(&sql, "CREATE TEMP TABLE stage (ligne integer NOT NULL, "
						  "motif text, colonne text, contenu text");

	(void) path;
	(void) lot_id;				/* the merge reads clause.lot_id */
	for (int i = 0; ok && i < kind->ncolumns; i++)
		ok = strbuf_printf(&sql, ", %s text", kind->columns[i].name);	/* our constants */
	ok = ok && strbuf_puts(&sql, ") ON COMMIT DROP");

	/* what a merge wants the user to see, such as a changed eligibility (rule 10) */
	ok = ok && db_exec(sink->db, sql.data) &&
		db_exec(sink->db, "CREATE TEMP TABLE signalement (ligne integer NOT NULL, "
				"message text NOT NULL) ON COMMIT DROP");
	strbuf_reset(&sql);
	ok = ok && strbuf_puts(&sql, "COPY stage (ligne, motif, colonne, contenu");
	for (int i = 0; ok && i < kind->ncolumns; i++)
		ok = strbuf_printf(&sql, ", %s", kind->columns[i].name);
	ok = ok && strbuf_puts(&sql, ") FROM STDIN") && db_copy_begin(sink->db, sql.data);
	strbuf_free(&sql);
	return ok;
}

/* A good row: line, no reason, no column, no content, then its values. */
static bool
sink_staged_row(ImportSink *sink, long long line, char *const *values, ImportRefusal *refusal)
{
	StrBuf *row = &sink->copy;

	refusal->column = -1;		/* the merge script judges the references */
	if (!copy_append_int(row, line) || !copy_next_field(row) ||
		!copy_append_null(row) || !copy_next_field(row) ||
		!copy_append_null(row) || !copy_next_field(row) || !copy_append_null(row))
		return false;
	for (int i = 0; i < sink->kind->ncolumns; i++)
	{
		if (!copy_next_field(row))
			return false;
		if (!(values[i] ? copy_append_text(row, values[i]) : copy_append_null(row)))
			return false;
	}
	return copy_end_row(row) && import_sink_flush(sink, false);
}

/* A rejected row: line, reason, column, content, NULL values. */
static bool
sink_staged_reject(ImportSink *sink, const ImportRejectedRow *rejected)
{
	StrBuf *row = &sink->copy;

	if (!copy_append_int(row, rejected->line) || !copy_next_field(row) ||
		!copy_append_text(row, rejected->reason) || !copy_next_field(row) ||
		!(rejected->column ? copy_append_text(row, rejected->column) : copy_append_null(row)) ||
		!copy_next_field(row) || !copy_append_text(row, rejected->content))
		return false;
	for (int i = 0; i < sink->kind->ncolumns; i++)
		if (!copy_next_field(row) || !copy_append_null(row))
			return false;
	return copy_end_row(row) && import_sink_flush(sink, false);
}

/*
 * Tells the merge which columns the file has (clause.colonnes, "a,b,c"): a column it
 * lacks leaves the stored value alone (DOMAIN.md rule 10), an empty cell clears it.
 */
static bool
sink_staged_set_present_columns(ImportSink *sink, const bool *present)
{
	StrBuf names = {0};
	bool ok = strbuf_puts(&names, "");

	for (int i = 0; ok && i < sink->kind->ncolumns; i++)
		if (present[i])
			ok = strbuf_printf(&names, "%s%s", names.len ? "," : "", sink->kind->columns[i].name);

	const char *params[] = {names.data};

	ok = ok && db_query(sink->db, "SELECT set_config('clause.colonnes', $1, true)", 1, params,
						NULL, NULL, NULL);
	strbuf_free(&names);
	return ok;
}

static bool
sink_staged_print_notice(void *context, const DbRow *row)
{
	const char *file = context;

	log_warn("%s:%s : %s", file, db_row_value(row, 0), db_row_value(row, 1));
	return true;
}

/* Runs the kind's merge SQL over the stage; fills the result's counts. */
static bool
sink_staged_finish(ImportSink *sink, const bool *present, ImportResult *result)
{
	const char *merge = sql_embedded_get(sink->kind->merge_sql);
	char changed[32];
	ImportCounts counts = {0};	/* valid rows, rejected rows */

	/*
	 * A temporary table is never analysed by autovacuum: planned on a guess of 81 rows,
	 * the merge looked each of a monthly file's 60,000 participants up by key. Two
	 * columns analysed (36 ms there; all of them, 144 ms) give the row count and the
	 * share of rows rejected: from the count alone, "motif IS NULL" kept one row in 200,
	 * and the participants were still looked up one by one (0.1 s more than hashed).
	 */
	if (merge == NULL || !sink_staged_set_present_columns(sink, present) ||
		!db_exec(sink->db, "ANALYZE pg_temp.stage (ligne, motif)") ||
		!db_exec_value(sink->db, merge, changed, sizeof(changed)) ||
		!db_query(sink->db, "SELECT ligne, message FROM signalement ORDER BY ligne, message", 0,
				  NULL, sink_staged_print_notice, (void *) sink->display_name, NULL) ||
		!db_query(sink->db, "SELECT count(*) FILTER (WHERE motif IS NULL), "
				  "count(*) FILTER (WHERE motif IS NOT NULL) FROM stage",
				  0, NULL, import_counts_read, &counts, NULL))
		return false;
	result->rows_rejected = counts.value[1];
	result->rows_loaded = strtoll(changed, NULL, 10);
	result->rows_unchanged = counts.value[0] - result->rows_loaded;
	return true;
}

static void
sink_staged_free(ImportSink *sink)
{
	(void) sink;				/* the stage is the transaction's, dropped at its end */
}

const ImportSinkOps sink_staged_ops = {
	.begin = sink_staged_begin,
	.row = sink_staged_row,
	.reject = sink_staged_reject,
	.finish = sink_staged_finish,
	.free = sink_staged_free,
};
