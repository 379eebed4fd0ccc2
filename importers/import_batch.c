/*
 * The skeleton every import shares: the file's transaction and batch, the COPY in chunks,
 * the counts recorded, --strict judged, the commit. import.c and decp.c both run it.
 */
#include <stdio.h>
#include <stdlib.h>

#include "importers/copy_format.h"
#include "importers/import_batch.h"
#include "src/lib/format.h"
#include "src/lib/log.h"

ImportStatus
import_batch_start(Db *db, const char *path, char sha[CHECKSUM_HEX_SIZE])
{
	if (!checksum_file_sha256(path, sha))
		return IMPORT_FILE_REJECTED;
	return db_begin(db) ? IMPORT_LOADED : IMPORT_DATABASE_ERROR;
}

typedef struct LotLookup
{
	long long id;
	char date[64];
	bool found;
} LotLookup;

static bool
import_lot_callback(void *context, const DbRow *row)
{
	LotLookup *lookup = context;

	lookup->found = true;
	lookup->id = strtoll(db_row_value(row, 0), NULL, 10);
	snprintf(lookup->date, sizeof(lookup->date), "%s", db_row_value(row, 1));
	return true;
}

static bool
import_later_callback(void *context, const DbRow *row)
{
	ImportResult *result = context;

	result->previous_cancelled = db_row_value(row, 0)[0] == 't';
	snprintf(result->later_lots, sizeof(result->later_lots), "%s",
			 db_row_isnull(row, 1) ? "" : db_row_value(row, 1));
	return true;
}

/*
 * A file identical to an earlier batch changes nothing; when later timesheet batches of
 * the same months stand, they are what the user wants to cancel to come back to it.
 */
static bool
import_batch_note_later(Db *db, ImportResult *result)
{
	char id[32];

	snprintf(id, sizeof(id), "%lld", result->lot_id);

	const char *params[] = {id};

	return db_query(db, "SELECT b.annule_le IS NOT NULL, "
					"(SELECT string_agg(o.id::text, ', ' ORDER BY o.id) FROM lot_import o "
					" WHERE b.nature = 'heures' AND o.nature = 'heures' AND o.id > b.id "
					"   AND o.annule_le IS NULL AND o.mois_min <= b.mois_max "
					"   AND o.mois_max >= b.mois_min) "
					"FROM lot_import b WHERE b.id = $1::bigint", 1, params,
					import_later_callback, result, NULL);
}

ImportStatus
import_batch_find_or_create(Db *db, const char *kind, const char *display_name, const char *sha,
							ImportResult *result)
{
	const char *lookup_params[] = {sha, kind};
	LotLookup lookup = {0};

	/* Two processes importing the same file: the second waits, then sees the first's batch. */
	if (!db_query(db, "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", 1,
				  lookup_params, NULL, NULL, NULL) ||
		!db_query(db, "SELECT id, to_char(importe_le, 'DD/MM/YYYY HH24:MI') FROM lot_import "
				  "WHERE sha256 = $1 AND nature = $2", 2, lookup_params,
				  import_lot_callback, &lookup, NULL))
		return IMPORT_DATABASE_ERROR;
	if (lookup.found)
	{
		result->lot_id = lookup.id;
		snprintf(result->previous_date, sizeof(result->previous_date), "%s", lookup.date);
		return import_batch_note_later(db, result) ? IMPORT_ALREADY_DONE : IMPORT_DATABASE_ERROR;
	}

	const char *insert_params[] = {kind, display_name, sha};
	char id[32];

	if (!db_query_value(db, "INSERT INTO lot_import (nature, fichier, sha256) VALUES ($1, $2, $3) "
						"RETURNING id", 3, insert_params, id, sizeof(id), NULL))
		return IMPORT_DATABASE_ERROR;
	result->lot_id = strtoll(id, NULL, 10);
	return IMPORT_LOADED;
}

ImportStatus
import_batch_open(Db *db, const char *kind, const char *display_name, const char *sha,
				  ImportResult *result)
{
	ImportStatus status = import_batch_find_or_create(db, kind, display_name, sha, result);

	if (status != IMPORT_LOADED)
		return status;

	char id[32];

	snprintf(id, sizeof(id), "%lld", result->lot_id);

	const char *set_params[] = {id};

	if (!db_query(db, "SELECT set_config('clause.lot_id', $1, true)", 1, set_params,
				  NULL, NULL, NULL))
		return IMPORT_DATABASE_ERROR;
	return IMPORT_LOADED;
}

ImportStatus
import_reference_open(Db *db, const char *kind, const char *name, const char *sha,
					  ImportResult *result)
{
	const char *params[] = {kind, name, sha};
	char id[32] = "";
	bool isnull = true;

	if (!db_query_value(db, "INSERT INTO source_reference (nature, fichier, sha256) VALUES ($1, $2, $3) "
						"ON CONFLICT (sha256, nature) DO NOTHING RETURNING id", 3, params,
						id, sizeof(id), &isnull))
		return IMPORT_DATABASE_ERROR;
	if (isnull)
		return IMPORT_ALREADY_DONE;
	result->lot_id = 0;
	result->reference_id = strtoll(id, NULL, 10);

	const char *set_params[] = {id};

	if (!db_query(db, "SELECT set_config('clause.reference_id', $1, true), "
				  "set_config('clause.lot_id', '', true)", 1, set_params, NULL, NULL, NULL))
		return IMPORT_DATABASE_ERROR;
	return IMPORT_LOADED;
}

bool
import_batch_record_counts(Db *db, const ImportResult *result, long long ignored)
{
	char id[32], read[32], loaded[32], rejected[32], unchanged[32], skipped[32];

	snprintf(id, sizeof(id), "%lld", result->lot_id);
	snprintf(read, sizeof(read), "%lld", result->rows_read);
	snprintf(loaded, sizeof(loaded), "%lld", result->rows_loaded);
	snprintf(rejected, sizeof(rejected), "%lld", result->rows_rejected);
	snprintf(unchanged, sizeof(unchanged), "%lld", result->rows_unchanged);
	snprintf(skipped, sizeof(skipped), "%lld", ignored);

	const char *params[] = {id, read, loaded, rejected, unchanged, skipped};

	if (result->reference_id > 0)
	{
		snprintf(id, sizeof(id), "%lld", result->reference_id);
		return db_query(db, "UPDATE source_reference SET lignes_lues = $2, lignes_chargees = $3 "
						"WHERE id = $1", 3, params, NULL, NULL, NULL);
	}
	if (ignored < 0)
		return db_query(db, "UPDATE lot_import SET lignes_lues = $2, lignes_chargees = $3, "
						"lignes_rejetees = $4, lignes_inchangees = $5 WHERE id = $1",
						5, params, NULL, NULL, NULL);
	return db_query(db, "UPDATE lot_import SET lignes_lues = $2, lignes_chargees = $3, "
					"lignes_rejetees = $4, lignes_inchangees = $5, lignes_ignorees = $6 WHERE id = $1",
					6, params, NULL, NULL, NULL);
}

ImportStatus
import_batch_judge_rejects(const char *display_name, long long rejected, bool strict,
						   const char *noun, const char *participle)
{
	const char *s = fr_s(rejected);

	if (!strict)
		return IMPORT_ROWS_REJECTED;
	log_error("%s : %lld %s%s %s%s et --strict : fichier refusé en entier, rien n'a été chargé",
			  display_name, rejected, noun, s, participle, s);
	return IMPORT_FILE_REJECTED;
}

ImportStatus
import_batch_close(Db *db, ImportStatus status, bool (*before_commit)(void *), void *context)
{
	bool keep = status == IMPORT_LOADED || status == IMPORT_ROWS_REJECTED;

	if (keep && !((before_commit == NULL || before_commit(context)) && db_commit(db)))
		status = IMPORT_DATABASE_ERROR;
	if (!keep || status == IMPORT_DATABASE_ERROR)
		db_rollback(db);
	return status;
}

bool
import_counts_read(void *context, const DbRow *row)
{
	ImportCounts *counts = context;

	for (int i = 0; i < row->nfields && i < 8; i++)
		counts->value[i] = strtoll(db_row_value(row, i), NULL, 10);
	return true;
}

bool
import_copy_flush(Db *db, StrBuf *copy, bool force)
{
	if (copy->len == 0 || (!force && copy->len < COPY_FLUSH_SIZE))
		return true;

	bool ok = db_copy_put(db, copy->data, copy->len);

	strbuf_reset(copy);
	return ok;
}

bool
import_copy_end(Db *db, StrBuf *copy, bool ok)
{
	if (ok && import_copy_flush(db, copy, true) && db_copy_end(db))
		return true;
	db_copy_abort(db, "import interrompu");
	return false;
}
