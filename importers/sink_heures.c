/*
 * The timesheet sink: no stage. heures_load.c resolves each row's references in memory
 * and COPYs it straight into ligne_heures; a large batch rebuilds the btree indexes after.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "build/sql_files.h"
#include "importers/heures_load.h"
#include "importers/import_sink.h"
#include "src/lib/log.h"

typedef struct SinkHeures
{
	HeuresLoad load;
	bool bulk;					/* btree indexes rebuilt after the COPY */
} SinkHeures;

/*
 * A batch of hours as large as a quarter of the lines already stored goes faster with
 * the btree indexes built anew after it than maintained row by row. Decided before the
 * COPY, so from the file's size: a timesheet line takes 60 to 100 bytes.
 */
static bool
sink_heures_is_bulk(Db *db, const char *path, bool *bulk)
{
	struct stat st;
	char value[32];
	char text[32];

	*bulk = false;
	if (stat(path, &st) != 0 || st.st_size / 64 < 100000)
		return true;
	snprintf(text, sizeof(text), "%lld", (long long) (st.st_size / 64));

	const char *params[] = {text};

	if (!db_query_value(db, "SELECT $1::bigint * 4 >= clause.ligne_heures_estimation()",
						1, params, value, sizeof(value), NULL))
		return false;
	*bulk = value[0] == 't';
	return true;
}

/* The btree indexes dropped first for a large batch, then the COPY into ligne_heures. */
static bool
sink_heures_begin(ImportSink *sink, const char *path, long long lot_id)
{
	bool owned = false;
	SinkHeures *self = calloc(1, sizeof(SinkHeures));

	if (self == NULL)
		return false;
	sink->impl = self;
	if (!db_table_owned(sink->db, "clause.ligne_heures", &owned) ||
		(owned && !sink_heures_is_bulk(sink->db, path, &self->bulk)))
		return false;
	if (self->bulk)
	{
		log_info("%s : gros lot, index reconstruits après l'insertion", sink->display_name);
		if (!db_exec(sink->db, SQL_BULK_LIGNE_HEURES_INDEX_OFF))
			return false;
	}
	/* the bulk path dropped the check for the transaction (see ligne_heures_index_off) */
	/* the owner's month into a table of its own; a large batch into years' tables */
	return heures_load_begin(sink->db, &self->load, lot_id, owned && !self->bulk,
							 self->bulk ? HEURES_YEAR_TABLES :
							 owned ? HEURES_OWN_TABLE_IF_NEW : HEURES_THROUGH_PARENT);
}

/* A valid timesheet row: its references resolved here, then straight to the COPY. */
static bool
sink_heures_row(ImportSink *sink, long long line, char *const *values, ImportRefusal *refusal)
{
	SinkHeures *self = sink->impl;

	refusal->column = 0;		/* the check names the column at fault, else the first */
	if (!heures_load_check_references(&self->load, values, &refusal->column, refusal->reason))
		return true;			/* refused: import.c rejects it, with the column at fault */
	refusal->column = -1;
	/* the first line of a month without its table: the COPY ends while it is made */
	if (!heures_load_month_ready(&self->load, values[3]) &&
		!(import_sink_end_copy(sink, true) &&
		  heures_load_open_month(sink->db, &self->load, values[3])))
		return false;
	return heures_load_add_row(&self->load, line, values, &sink->copy) &&
		import_sink_flush(sink, false);
}

/*
 * The key and period of a timesheet row rejected for another reason, when they can be
 * read: a line of the file with the same key and an overlapping period is rejected with
 * it (rule 2: the sender must say which is right). A period that cannot be read is
 * taken as the whole month.
 */
static bool
sink_heures_note_rejected_key(ImportSink *sink, const ImportRejectedRow *row)
{
	static const int KEY_COLUMNS[] = {0, 1, 2, 3, 8, 9};
	SinkHeures *self = sink->impl;
	char storage[10][KIND_VALUE_SIZE];
	char *values[10] = {0};

	if (row->read_field == NULL || sink->kind->ncolumns < 10)
		return true;
	for (size_t k = 0; k < sizeof(KEY_COLUMNS) / sizeof(KEY_COLUMNS[0]); k++)
	{
		int i = KEY_COLUMNS[k];
		const char *value = NULL;

		if (!row->read_field(row->read_context, i, storage[i], &value))
			return false;
		if (value)
			values[i] = storage[i];
		else if (i < 4)
			return true;		/* no key to compare */
	}
	if (values[8] == NULL || values[9] == NULL || strncmp(values[8], values[3], 7) != 0 ||
		strcmp(values[9], values[8]) < 0)
		values[8] = values[9] = NULL;
	return heures_load_add_rejected_key(&self->load, row->line, values);
}

/* Rejected rows go to a temporary file of heures_load, stored in rejet by finish. */
static bool
sink_heures_reject(ImportSink *sink, const ImportRejectedRow *row)
{
	SinkHeures *self = sink->impl;

	return heures_load_add_reject(&self->load, row->line, row->column, row->reason,
								  row->content) &&
		sink_heures_note_rejected_key(sink, row);
}

/*
 * The statistics an owner's monthly import keeps (the bulk path analyses everything).
 * Those of ligne_heures as a whole (joins over every year are planned on them):
 * autovacuum analyses the tables of lines but never their parent, so an import takes them
 * when they were never taken, or when the lines grew by half since. Not more often: the
 * ANALYZE of the parent goes through every table of lines too (1.8-2.8 s at four million
 * lines in years' tables; a month's table samples less, see sql/migrations/0220), and the
 * planner takes the row counts from those tables anyway; what it takes from the parent,
 * the spread of values, moves slowly. Then a table of lines no
 * ANALYZE has seen yet (sql/bulk/ligne_heures_annees_analyse.sql): after the whole,
 * there is none.
 */
static bool
sink_heures_analyse(Db *db, long long copied)
{
	char text[32];
	char stale[8];
	const char *params[] = {text};

	snprintf(text, sizeof(text), "%lld", copied);
	if (!db_query_value(db, "SELECT (SELECT greatest(reltuples, 0) FROM pg_class "
						"WHERE oid = 'clause.ligne_heures'::regclass) * 1.5 "
						"< clause.ligne_heures_estimation() + $1::bigint",
						1, params, stale, sizeof(stale), NULL))
		return false;
	return (stale[0] != 't' || db_exec(db, "ANALYZE clause.ligne_heures")) &&
		db_exec(db, SQL_BULK_LIGNE_HEURES_ANNEES_ANALYSE);
}

/* Repeats and unchanged lines out, indexes back; fills the counts. */
static bool
sink_heures_finish(ImportSink *sink, const bool *present, ImportResult *result)
{
	SinkHeures *self = sink->impl;
	/* the owner's imports: summarising and analysing need to own the tables */
	bool owner = self->bulk || self->load.check_disabled;
	HeuresCounts counts = {0};

	(void) present;				/* a timesheet line is stored whole */
	/* the lines in place and their indexes built first: the lookups of repeats and
	 * unchanged lines go through them */
	if (!heures_load_place(sink->db, &self->load) ||
		(self->bulk && !(heures_load_narrow_years(sink->db, &self->load) &&
						 db_exec(sink->db, SQL_BULK_LIGNE_HEURES_INDEX_ON))) ||
		(owner && !db_exec(sink->db, SQL_BULK_LIGNE_HEURES_BRIN_RESUME)) ||
		!heures_load_finish(sink->db, &self->load, &counts) ||
		(owner && !self->bulk && !sink_heures_analyse(sink->db, counts.loaded)))
		return false;
	result->rows_rejected = counts.rejected;
	result->rows_loaded = counts.loaded;
	result->rows_unchanged = counts.unchanged;
	return true;
}

static void
sink_heures_free(ImportSink *sink)
{
	SinkHeures *self = sink->impl;

	if (self == NULL)
		return;
	heures_load_free(&self->load);
	free(self);
	sink->impl = NULL;
}

const ImportSinkOps sink_heures_ops = {
	.begin = sink_heures_begin,
	.row = sink_heures_row,
	.reject = sink_heures_reject,
	.finish = sink_heures_finish,
	.free = sink_heures_free,
};
