/*
 * The skeleton every import shares (import.c for the kinds, decp.c for DECP files): one
 * file, one transaction, one batch; the COPY sent in chunks; the counts recorded; --strict
 * judged; committed or rolled back as a whole.
 */
#ifndef CLAUSE_IMPORT_BATCH_H
#define CLAUSE_IMPORT_BATCH_H

#include <stdbool.h>

#include "importers/import.h"
#include "src/lib/checksum.h"
#include "src/lib/db.h"
#include "src/lib/strbuf.h"

/*
 * Checksums path into sha, then opens the file's transaction: IMPORT_FILE_REJECTED when
 * the file cannot be read, IMPORT_DATABASE_ERROR when no transaction opened, else
 * IMPORT_LOADED.
 */
ImportStatus import_batch_start(Db *db, const char *path, char sha[CHECKSUM_HEX_SIZE]);

/*
 * Opens the batch of a file, in the transaction under way: takes an advisory lock on its
 * checksum sha (a second import of the same file waits, then finds the first's batch),
 * then finds the batch of that sha and kind (IMPORT_ALREADY_DONE: result->lot_id and
 * previous_date set) or inserts it into lot_import (IMPORT_LOADED: result->lot_id set).
 * IMPORT_DATABASE_ERROR on a failure.
 */
ImportStatus import_batch_find_or_create(Db *db, const char *kind, const char *display_name,
										 const char *sha, ImportResult *result);

/*
 * import_batch_find_or_create, then a new batch is also made clause.lot_id for the rest of
 * the transaction: the batch that the merge scripts of sql/merge/ write for.
 */
ImportStatus import_batch_open(Db *db, const char *kind, const char *display_name, const char *sha,
							   ImportResult *result);

/*
 * Opens the load of a reference file (ImportOptions.reference): a row of source_reference,
 * made clause.reference_id for the merge scripts, clause.lot_id left empty.
 */
ImportStatus import_reference_open(Db *db, const char *kind, const char *name, const char *sha,
								   ImportResult *result);

/*
 * Records result's counts on its batch (or its source_reference row). ignored: the rows
 * the file held but the import leaves aside on purpose (DECP), or -1 when not counted.
 */
bool import_batch_record_counts(Db *db, const ImportResult *result, long long ignored);

/*
 * The status of a batch with `rejected` rows rejected: IMPORT_ROWS_REJECTED, or with
 * strict IMPORT_FILE_REJECTED and one message naming the rows by noun ("ligne") and
 * participle ("rejetée"), both given in the singular.
 */
ImportStatus import_batch_judge_rejects(const char *display_name, long long rejected, bool strict,
										const char *noun, const char *participle);

/*
 * Ends the transaction by status: a batch loaded, in whole or in part, is committed after
 * before_commit (may be NULL) succeeds; anything else is rolled back. Returns the status,
 * IMPORT_DATABASE_ERROR when before_commit or the commit failed.
 */
ImportStatus import_batch_close(Db *db, ImportStatus status, bool (*before_commit)(void *),
								void *context);

/* A row of counts, such as a merge's summary: column i is value[i] (at most 8 columns). */
typedef struct ImportCounts
{
	long long value[8];
} ImportCounts;

/* A DbRowCallback filling the ImportCounts context from a row of integers. */
bool import_counts_read(void *context, const DbRow *row);

/* Sends copy to the COPY under way once it holds COPY_FLUSH_SIZE bytes, or now when force. */
bool import_copy_flush(Db *db, StrBuf *copy, bool force);

/*
 * Ends the COPY under way: when ok, the rest of copy sent and the COPY closed; otherwise,
 * or when that fails, the COPY aborted. True when the COPY completed.
 */
bool import_copy_end(Db *db, StrBuf *copy, bool ok);

#endif
