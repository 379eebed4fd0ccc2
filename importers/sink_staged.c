/*
 * The staged sink: rows COPYed into a temporary table `stage` (good rows with their
 * values, rejected rows with their reason), then the kind's merge script over it.
 *
 * A kind whose merge keeps each row's digest (participants, marchés: importers/row_digest.h)
 * has its stored digests read first; a good row whose digest is the stored one is not
 * sent, and counts as unchanged. Its id is remembered: should the file give the id again,
 * the row left out is sent after all (its line and id), so that the merge's repeated-ids
 * check sees every occurrence, as it would have.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "importers/copy_format.h"
#include "importers/import_batch.h"
#include "importers/import_sink.h"
#include "importers/row_digest.h"
#include "src/lib/format.h"
#include "src/lib/log.h"
#include "src/lib/sql_embedded.h"

typedef struct StagedDigests
{
	StoredDigests stored;		/* the stored rows' digests, by id */
	/*
	 * By stored digest: the first line of its id in the file, negated when that row was
	 * left out; 0 before. Only a stored id can be left out, so only those are followed.
	 */
	long long *first_line;
	RowDigester digester;
	bool ready;					/* the file's columns are known: its rows are digested */
	long long left_out;			/* rows equal to the stored ones, not sent */
	long long sent_back;		/* of those, sent after all: their id came again */
} StagedDigests;

static bool
sink_staged_read_digest(void *context, const DbRow *row)
{
	StagedDigests *digests = context;

	if ((row->row > 0 || stored_digests_reserve(&digests->stored, (size_t) db_row_count(row))) &&
		stored_digests_add_hex(&digests->stored, db_row_value(row, 0), db_row_value(row, 1)))
		return true;
	log_error("empreintes des lignes : mémoire insuffisante ou empreinte illisible (%s)",
			  db_row_value(row, 0));
	return false;
}

/* The kind's stored digests, read before the COPY starts (no query can run during it). */
static bool
sink_staged_load_digests(ImportSink *sink)
{
	StagedDigests *digests = calloc(1, sizeof(StagedDigests));

	if (digests == NULL)
		return false;
	sink->impl = digests;
	if (!db_exec(sink->db, sink->kind->stored_digests_lock) ||
		!db_query(sink->db, sink->kind->stored_digests_sql, 0, NULL, sink_staged_read_digest,
				  digests, NULL))
		return false;
	digests->first_line = calloc(digests->stored.count + 1, sizeof(long long));
	return digests->first_line != NULL;
}

/* The stage and the notices table, dropped at commit; starts the COPY into the stage. */
static bool
sink_staged_begin(ImportSink *sink, const char *path, long long lot_id)
{
	const KindSpec *kind = sink->kind;
	StrBuf sql = {0};
	bool ok = (kind->stored_digests_sql == NULL || sink_staged_load_digests(sink)) &&
		strbuf_puts(&sql, "CREATE TEMP TABLE stage (ligne integer NOT NULL, "
					"motif text, colonne text, contenu text");

	(void) path;
	(void) lot_id;				/* the merge reads clause.lot_id */
	for (int i = 0; ok && i < kind->ncolumns; i++)
		ok = strbuf_printf(&sql, ", %s text", kind->columns[i].name);	/* our constants */
	if (ok && kind->stored_digests_sql)
		ok = strbuf_puts(&sql, ", empreinte bytea");	/* NULL: not digested (JSON) */
	ok = ok && strbuf_puts(&sql, ") ON COMMIT DROP");

	/* what a merge wants the user to see, such as a changed eligibility (rule 10) */
	ok = ok && db_exec(sink->db, sql.data) &&
		db_exec(sink->db, "CREATE TEMP TABLE signalement (ligne integer NOT NULL, "
				"message text NOT NULL) ON COMMIT DROP");
	strbuf_reset(&sql);
	ok = ok && strbuf_puts(&sql, "COPY stage (ligne, motif, colonne, contenu");
	for (int i = 0; ok && i < kind->ncolumns; i++)
		ok = strbuf_printf(&sql, ", %s", kind->columns[i].name);
	if (ok && kind->stored_digests_sql)
		ok = strbuf_puts(&sql, ", empreinte");
	ok = ok && strbuf_puts(&sql, ") FROM STDIN") && db_copy_begin(sink->db, sql.data);
	strbuf_free(&sql);
	return ok;
}

/* The file's columns, known from its header: from now on its rows are digested. */
static bool
sink_staged_columns(ImportSink *sink, const bool *present)
{
	StagedDigests *digests = sink->impl;
	const char *merge = sql_embedded_get(sink->kind->merge_sql);

	if (digests == NULL)
		return true;
	if (merge == NULL || !row_digester_init(&digests->digester, sink->kind, merge, present))
		return false;
	digests->ready = true;
	return true;
}

/*
 * A good row: line, no reason, no column, no content, then its values and, for a
 * digested kind, its digest (hex, NULL when not digested).
 */
static bool
sink_staged_append(ImportSink *sink, long long line, char *const *values, const char *digest_hex)
{
	StrBuf *row = &sink->copy;

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
	if (sink->kind->stored_digests_sql &&
		!(copy_next_field(row) &&
		  (digest_hex ? copy_append_text(row, digest_hex) : copy_append_null(row))))
		return false;
	return copy_end_row(row) && import_sink_flush(sink, false);
}

/*
 * A row left out whose id the file gives again: its line and id alone, which the merge's
 * repeated-ids check rejects with the other occurrences (it never reaches the upsert).
 */
static bool
sink_staged_send_back(ImportSink *sink, long long line, const char *id)
{
	char *values[32] = {0};		/* import.c's bound on a kind's columns */

	values[0] = (char *) id;
	return sink_staged_append(sink, line, values, NULL);
}

/*
 * Whether a good row stays home: its digest is the stored one and it is the first
 * occurrence of its id in the file. The key is the first column of a digested kind.
 */
static bool
sink_staged_leave_out(ImportSink *sink, StagedDigests *digests, long long line, const char *id,
					  const unsigned char digest[ROW_DIGEST_SIZE], bool *left_out)
{
	long at;

	*left_out = false;
	if (!strmap_get(&digests->stored.index, id, &at))
		return true;			/* new, or written otherwise since: sent */

	long long *first = &digests->first_line[at];

	if (*first == 0)
	{
		*left_out = memcmp(digests->stored.digests[at], digest, ROW_DIGEST_SIZE) == 0;
		digests->left_out += *left_out;
		*first = *left_out ? -line : line;
		return true;
	}
	if (*first > 0)
		return true;
	digests->sent_back++;
	*first = -*first;
	return sink_staged_send_back(sink, *first, id);
}

static bool
sink_staged_row(ImportSink *sink, long long line, char *const *values, ImportRefusal *refusal)
{
	StagedDigests *digests = sink->impl;
	unsigned char digest[ROW_DIGEST_SIZE];
	char hex[2 + ROW_DIGEST_HEX_SIZE] = "\\x";	/* bytea's hex input */
	bool left_out = false;

	refusal->column = -1;		/* the merge script judges the references */
	if (digests == NULL || !digests->ready || values[0] == NULL)
		return sink_staged_append(sink, line, values, NULL);
	if (!row_digest(&digests->digester, values, digest) ||
		!sink_staged_leave_out(sink, digests, line, values[0], digest, &left_out))
		return false;
	if (left_out)
		return true;
	row_digest_hex(digest, hex + 2);
	return sink_staged_append(sink, line, values, hex);
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

	int fields = sink->kind->ncolumns + (sink->kind->stored_digests_sql ? 1 : 0);

	for (int i = 0; i < fields; i++)
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
	StagedDigests *digests = sink->impl;
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
	if (digests && digests->ready)
	{
		/* the rows sent back are in the stage, rejected with their repeated id */
		long long home = digests->left_out - digests->sent_back;
		const char *s = fr_s(home);

		result->rows_unchanged += home;
		log_info("%s : %lld ligne%s identique%s à l'enregistré, non envoyée%s au serveur",
				 sink->display_name, home, s, s, s);
	}
	return true;
}

/* The stage is the transaction's, dropped at its end; the digests are ours. */
static void
sink_staged_free(ImportSink *sink)
{
	StagedDigests *digests = sink->impl;

	if (digests == NULL)
		return;
	stored_digests_free(&digests->stored);
	row_digester_free(&digests->digester);
	free(digests->first_line);
	free(digests);
	sink->impl = NULL;
}

const ImportSinkOps sink_staged_ops = {
	.begin = sink_staged_begin,
	.columns = sink_staged_columns,
	.row = sink_staged_row,
	.reject = sink_staged_reject,
	.finish = sink_staged_finish,
	.free = sink_staged_free,
};
