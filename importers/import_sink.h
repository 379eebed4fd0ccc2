/*
 * Where the checked rows of an import go. import.c reads and checks a file and hands every
 * row, good or rejected, to one sink; the sink decides where rows land and how they merge.
 *
 * Two sinks exist:
 *   sink_staged.c  a temporary stage COPYed row by row, then the kind's merge script
 *                  (sql/merge/<kind>.sql): every kind but timesheets;
 *   sink_heures.c  timesheets, the large kind: references resolved in memory and rows
 *                  COPYed straight into ligne_heures (heures_load.c), no stage.
 * The order of calls: begin (starts the COPY), columns once the header is read, row and
 * reject for each record, the COPY ended by import_sink_end_copy, finish (merges, fills
 * the counts), import_sink_free.
 */
#ifndef CLAUSE_IMPORT_SINK_H
#define CLAUSE_IMPORT_SINK_H

#include <stdbool.h>

#include "importers/import.h"
#include "importers/kinds.h"
#include "importers/validate.h"
#include "src/lib/db.h"
#include "src/lib/strbuf.h"

/*
 * Reads column `column` of a rejected row, validated alone, into storage (KIND_VALUE_SIZE
 * bytes): *value is storage, or NULL when the column is absent, empty or invalid. False
 * only when memory runs out. Lets a sink look at what it can read of a bad row.
 */
typedef bool (*ImportFieldReader)(void *context, int column, char *storage, const char **value);

typedef struct ImportRejectedRow
{
	long long line;				/* the row's line in the file */
	const char *column;			/* the column at fault, NULL for the row as a whole */
	const char *reason;			/* French, valid UTF-8 */
	const char *content;		/* the row as the sender wrote it, cut to a bounded size */
	ImportFieldReader read_field;	/* NULL when the row has no readable fields */
	void *read_context;
} ImportRejectedRow;

/* A row the sink itself refuses (a timesheet's unknown reference): column -1 when none. */
typedef struct ImportRefusal
{
	int column;					/* index in the kind's columns */
	char reason[VALIDATE_ERR_SIZE];
} ImportRefusal;

typedef struct ImportSink ImportSink;

typedef struct ImportSinkOps
{
	/* Prepares the batch lot_id of file path and starts the COPY; false on a failure. */
	bool (*begin)(ImportSink *sink, const char *path, long long lot_id);
	/*
	 * Optional: the columns the file has, as soon as its header says so, before its rows
	 * (never for JSON, whose columns are known at its end). present[i]: column i.
	 */
	bool (*columns)(ImportSink *sink, const bool *present);
	/* A checked row (values: the kind's canonical columns, NULL for SQL NULL). */
	bool (*row)(ImportSink *sink, long long line, char *const *values, ImportRefusal *refusal);
	bool (*reject)(ImportSink *sink, const ImportRejectedRow *row);
	/*
	 * After the COPY ended: merges the batch and sets result's rows_loaded, rows_rejected
	 * and rows_unchanged. present[i]: the file has the kind's column i (DOMAIN.md rule 10).
	 */
	bool (*finish)(ImportSink *sink, const bool *present, ImportResult *result);
	/* Frees what begin allocated in impl; called once, whether begin ran or not. */
	void (*free)(ImportSink *sink);
} ImportSinkOps;

struct ImportSink
{
	const ImportSinkOps *ops;
	Db *db;
	const KindSpec *kind;
	const char *display_name;	/* the file's name in messages */
	StrBuf copy;				/* COPY rows not yet sent */
	void *impl;					/* the implementation's own state, freed by ops->free */
};

extern const ImportSinkOps sink_staged_ops;
extern const ImportSinkOps sink_heures_ops;

/* The sink of a kind: timesheets load directly, every other kind through a stage. */
void import_sink_init(ImportSink *sink, Db *db, const KindSpec *kind, const char *display_name);

/* Sends the pending COPY rows once they reach COPY_FLUSH_SIZE, or now when force. */
bool import_sink_flush(ImportSink *sink, bool force);

/*
 * Ends the COPY begun by begin: the pending rows sent and the COPY closed when ok,
 * else the COPY aborted. True when the COPY completed.
 */
bool import_sink_end_copy(ImportSink *sink, bool ok);

void import_sink_free(ImportSink *sink);

#endif
