/*
 * The import of one file: file -> reader (decode, parse) -> validation -> COPY into
 * a temporary stage -> merge SQL -> attribution, all in one transaction, so that a
 * file is either wholly loaded or not at all. Good rows load even when others fail.
 * Timesheets, the large kind, skip the stage: heures_load.c resolves their references
 * and COPYs them into ligne_heures itself.
 */
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include "src/lib/checksum.h"
#include "importers/copy_format.h"
#include "importers/csv_reader.h"
#include "src/lib/format.h"
#include "importers/heures_load.h"
#include "importers/import.h"
#include "importers/json_reader.h"
#include "importers/participant_index.h"
#include "importers/profile.h"
#include "src/lib/progress_line.h"
#include "importers/kinds.h"
#include "src/lib/log.h"
#include "src/lib/sql_embedded.h"
#include "build/sql_files.h"
#include "importers/xlsx_reader.h"

/*
 * Small sends keep the server busy while the next rows are parsed: with 256 KB the two
 * sides took turns and a million lines took 6 s instead of 3.9 s.
 */
#define COPY_FLUSH_SIZE (32 * 1024)
#define CONTENT_MAX 2000		/* bytes of a rejected row kept for the reject report */

typedef struct ImportState
{
	Db *db;
	const KindSpec *kind;
	const char *display_name;
	char delimiter;
	bool header_done;
	bool header_failed;
	bool open_failed;
	int header_line;
	bool cp1252;
	ParticipantIndex participants;	/* for profiles that find participants by name */
	bool direct;				/* heures: rows go to ligne_heures through heures */
	bool bulk;					/* heures: btree indexes rebuilt after the COPY */
	HeuresLoad heures;
	ProgressLine progress;
	const CsvReader *reader;	/* for the bytes read, when reading CSV */
	int header_fields;
	int map[32];				/* spec column -> file column, -1 when absent */
	bool json;					/* a canonical JSON file: json_seen says its columns */
	bool json_seen[JSON_MAX_FIELDS];	/* file column -> some object has that key */
	StrBuf copy;				/* COPY rows not yet sent */
	StrBuf scratch;
	char *values[32];			/* canonical values of the row, NULL for SQL NULL */
	char value_storage[32][KIND_VALUE_SIZE];
	long long rows_read;
	long long rows_rejected_early;
	long long blank_rows;
	bool xlsx;					/* reading a workbook */
	int title_lines;			/* xlsx: rows before the header */
	ImportResult *result;		/* xlsx: where the header row is kept for the rejects */
} ImportState;

/* Keeps at most CONTENT_MAX bytes of a rejected row, cut on a UTF-8 boundary. */
static bool
import_truncate_content(StrBuf *out)
{
	if (out->len <= CONTENT_MAX)
		return true;

	size_t cut = CONTENT_MAX;

	while (cut > 0 && ((unsigned char) out->data[cut] & 0xC0) == 0x80)
		cut--;
	out->len = cut;
	out->data[cut] = '\0';
	return strbuf_puts(out, "…");
}

/* Joins a record's raw fields, CSV-quoted, for the reject report. */
static bool
import_join_record(const CsvRecord *record, char delimiter, StrBuf *out)
{
	strbuf_reset(out);
	for (int i = 0; i < record->nfields && out->len < CONTENT_MAX; i++)
	{
		const char *field = record->fields[i];
		bool quote = strchr(field, delimiter) || strchr(field, '"') ||
			strchr(field, '\n') || strchr(field, '\r');

		if (i > 0 && !strbuf_putc(out, delimiter))
			return false;
		if (!quote)
		{
			if (!strbuf_puts(out, field))
				return false;
			continue;
		}
		if (!strbuf_putc(out, '"'))
			return false;
		for (const char *p = field; *p; p++)
			if ((*p == '"' && !strbuf_putc(out, '"')) || !strbuf_putc(out, *p))
				return false;
		if (!strbuf_putc(out, '"'))
			return false;
	}
	return import_truncate_content(out);
}

static bool
import_flush(ImportState *state, bool force)
{
	if (state->copy.len == 0 || (!force && state->copy.len < COPY_FLUSH_SIZE))
		return true;

	bool ok = db_copy_put(state->db, state->copy.data, state->copy.len);

	strbuf_reset(&state->copy);
	return ok;
}

/*
 * The key and period of a timesheet row rejected for another reason, when they can be
 * read: a line of the file with the same key and an overlapping period is rejected with
 * it (rule 2: the sender must say which is right). A period that cannot be read is
 * taken as the whole month.
 */
static bool
import_note_rejected_key(ImportState *state, const CsvRecord *record)
{
	static const int KEY_COLUMNS[] = {0, 1, 2, 3, 8, 9};
	char storage[10][KIND_VALUE_SIZE];
	char *values[10] = {0};
	char err[VALIDATE_ERR_SIZE];

	if (record->error || record->nfields == 0 || state->kind->ncolumns < 10)
		return true;
	for (size_t k = 0; k < sizeof(KEY_COLUMNS) / sizeof(KEY_COLUMNS[0]); k++)
	{
		int i = KEY_COLUMNS[k];
		int f = state->map[i];
		bool is_null = false;

		strbuf_reset(&state->scratch);
		if (!strbuf_puts(&state->scratch, f >= 0 && f < record->nfields ? record->fields[f] : ""))
			return false;
		if (kind_validate_field(&state->kind->columns[i], state->scratch.data, storage[i],
								&is_null, err) && !is_null)
			values[i] = storage[i];
		else if (i < 4)
			return true;		/* no key to compare */
	}
	if (values[8] == NULL || values[9] == NULL || strncmp(values[8], values[3], 7) != 0 ||
		strcmp(values[9], values[8]) < 0)
		values[8] = values[9] = NULL;
	return heures_load_add_rejected_key(&state->heures, record->line, values);
}

/* One stage row of a rejected record: line, reason, column, content, NULL values. */
static bool
import_emit_reject(ImportState *state, const CsvRecord *record, const char *column,
				   const char *reason_text)
{
	StrBuf *row = &state->copy;
	char reason[512];

	/* a reason quotes the bad value, maybe cut inside a character: keep it valid UTF-8 */
	snprintf(reason, sizeof(reason), "%s", reason_text);
	decode_utf8_sanitize(reason);

	state->rows_rejected_early++;
	strbuf_reset(&state->scratch);
	if (!(record->content ? strbuf_puts(&state->scratch, record->content) &&
		  import_truncate_content(&state->scratch)
		  : import_join_record(record, state->delimiter, &state->scratch)))
		return false;
	if (state->direct)
		return heures_load_add_reject(&state->heures, record->line, column, reason,
									  state->scratch.data) &&
			import_note_rejected_key(state, record);
	if (!copy_append_int(row, record->line) || !copy_next_field(row) ||
		!copy_append_text(row, reason) || !copy_next_field(row) ||
		!(column ? copy_append_text(row, column) : copy_append_null(row)) ||
		!copy_next_field(row) || !copy_append_text(row, state->scratch.data))
		return false;
	for (int i = 0; i < state->kind->ncolumns; i++)
		if (!copy_next_field(row) || !copy_append_null(row))
			return false;
	return copy_end_row(row) && import_flush(state, false);
}

/* A valid timesheet row: its references resolved here, then straight to the COPY. */
static bool
import_emit_heures_row(ImportState *state, const CsvRecord *record)
{
	char err[VALIDATE_ERR_SIZE];
	int column = 0;

	if (!heures_load_check_references(&state->heures, state->values, &column, err))
		return import_emit_reject(state, record, state->kind->columns[column].name, err);
	return heures_load_add_row(&state->heures, record->line, state->values, &state->copy) &&
		import_flush(state, false);
}

static bool
import_emit_row(ImportState *state, const CsvRecord *record)
{
	StrBuf *row = &state->copy;

	if (state->direct)
		return import_emit_heures_row(state, record);
	if (!copy_append_int(row, record->line) || !copy_next_field(row) ||
		!copy_append_null(row) || !copy_next_field(row) ||
		!copy_append_null(row) || !copy_next_field(row) || !copy_append_null(row))
		return false;
	for (int i = 0; i < state->kind->ncolumns; i++)
	{
		if (!copy_next_field(row))
			return false;
		if (!(state->values[i] ? copy_append_text(row, state->values[i]) : copy_append_null(row)))
			return false;
	}
	return copy_end_row(row) && import_flush(state, false);
}

/* Maps the header's names to the kind's columns; reports what is wrong with it. */
static bool
import_read_header(ImportState *state, const CsvRecord *record)
{
	const KindSpec *kind = state->kind;

	if (record->error)
	{
		log_error("%s:%d : en-tête illisible : %s", state->display_name, record->line, record->error);
		return false;
	}
	int unknown = 0;

	for (int i = 0; i < kind->ncolumns; i++)
		state->map[i] = -1;

	for (int f = 0; f < record->nfields; f++)
	{
		if (!strbuf_reserve(&state->scratch, record->lengths[f]))
			return false;
		strbuf_reset(&state->scratch);
		strbuf_puts(&state->scratch, record->fields[f]);

		char *name = validate_trim(state->scratch.data);
		bool known = false;

		for (int i = 0; i < kind->ncolumns; i++)
		{
			if (strcasecmp(name, kind->columns[i].name) != 0)
				continue;
			known = true;
			if (state->map[i] >= 0)
			{
				log_error("%s:%d : colonne « %s » en double dans l'en-tête (colonnes %d et %d)",
						  state->display_name, record->line, kind->columns[i].name,
						  state->map[i] + 1, f + 1);
				return false;
			}
			state->map[i] = f;
		}
		if (!known && *name && ++unknown <= 10)
			log_warn("%s:%d : colonne « %.60s » inconnue pour %s, ignorée",
					 state->display_name, record->line, name, kind->name);
	}
	if (unknown > 10)
	{
		const char *s = fr_s(unknown - 10);

		log_warn("%s:%d : … et %d autre%s colonne%s inconnue%s, ignorée%s", state->display_name,
				 record->line, unknown - 10, s, s, s, s);
	}

	bool ok = true;

	for (int i = 0; i < kind->ncolumns; i++)
	{
		if (state->map[i] < 0 && kind->columns[i].required)
		{
			log_error("%s:%d : colonne obligatoire « %s » absente de l'en-tête "
					  "(attendu pour %s : séparateur « ; » ou « , », noms exacts)",
					  state->display_name, record->line, kind->columns[i].name, kind->name);
			ok = false;
		}
	}
	state->header_fields = record->nfields;
	return ok;
}

static bool
import_record_is_blank(const CsvRecord *record)
{
	for (int i = 0; i < record->nfields; i++)
		for (const char *p = record->fields[i]; *p; p++)
			if (*p != ' ' && *p != '\t' && *p != '\r')
				return false;
	return record->error == NULL;
}

/* Extra trailing fields are tolerated only when empty (spreadsheets add them). */
static bool
import_extra_fields_empty(const CsvRecord *record, int expected)
{
	for (int i = expected; i < record->nfields; i++)
		if (record->lengths[i] > 0)
			return false;
	return true;
}

static bool
import_on_record(void *context, const CsvRecord *record)
{
	ImportState *state = context;
	const KindSpec *kind = state->kind;
	char err[VALIDATE_ERR_SIZE];

	if (!state->header_done)
	{
		state->header_done = true;
		state->header_line = record->line;
		if (!import_read_header(state, record))
		{
			state->header_failed = true;
			return false;
		}
		return true;
	}
	if (import_record_is_blank(record))
	{
		state->blank_rows++;
		return true;
	}
	state->rows_read++;
	progress_line_update(&state->progress, state->rows_read,
						 state->reader ? state->reader->bytes_read : 0,
						 state->reader ? state->reader->file_size : 0);

	if (record->error)
		return import_emit_reject(state, record, record->error_column, record->error);
	if (record->nfields < state->header_fields ||
		(record->nfields > state->header_fields &&
		 !import_extra_fields_empty(record, state->header_fields)))
	{
		snprintf(err, sizeof(err), "%d champs au lieu de %d (séparateur « %c »)",
				 record->nfields, state->header_fields, state->delimiter);
		return import_emit_reject(state, record, NULL, err);
	}

	for (int i = 0; i < kind->ncolumns; i++)
	{
		const ColumnSpec *column = &kind->columns[i];
		const char *raw = state->map[i] >= 0 ? record->fields[state->map[i]] : "";
		bool is_null = false;

		strbuf_reset(&state->scratch);
		if (!strbuf_puts(&state->scratch, raw))
			return false;
		if (!kind_validate_field(column, state->scratch.data, state->value_storage[i],
								 &is_null, err))
			return import_emit_reject(state, record, column->name, err);
		state->values[i] = is_null ? NULL : state->value_storage[i];
	}
	if (kind->check_row)
	{
		int column = 0;

		if (!kind->check_row(state->values, &column, err))
			return import_emit_reject(state, record, kind->columns[column].name, err);
	}
	return import_emit_row(state, record);
}

static bool
import_create_stage(Db *db, const KindSpec *kind)
{
	StrBuf sql = {0};
	bool ok = strbuf_puts(&sql, "CREATE TEMP TABLE stage (ligne integer NOT NULL, "
						  "motif text, colonne text, contenu text");

	for (int i = 0; ok && i < kind->ncolumns; i++)
		ok = strbuf_printf(&sql, ", %s text", kind->columns[i].name);	/* our constants */
	ok = ok && strbuf_puts(&sql, ") ON COMMIT DROP");

	/* what a merge wants the user to see, such as a changed eligibility (rule 10) */
	ok = ok && db_exec(db, sql.data) &&
		db_exec(db, "CREATE TEMP TABLE signalement (ligne integer NOT NULL, message text NOT NULL) "
				"ON COMMIT DROP");
	strbuf_reset(&sql);
	ok = ok && strbuf_puts(&sql, "COPY stage (ligne, motif, colonne, contenu");
	for (int i = 0; ok && i < kind->ncolumns; i++)
		ok = strbuf_printf(&sql, ", %s", kind->columns[i].name);
	ok = ok && strbuf_puts(&sql, ") FROM STDIN") && db_copy_begin(db, sql.data);
	strbuf_free(&sql);
	return ok;
}

typedef struct RejectPrinter
{
	const char *file;
	int printed;
} RejectPrinter;

static bool
import_print_reject(void *context, const DbRow *row)
{
	RejectPrinter *printer = context;

	printer->printed++;
	if (db_row_isnull(row, 1))
		log_warn("%s:%s : ligne rejetée : %s", printer->file, db_row_value(row, 0),
				 db_row_value(row, 2));
	else
		log_warn("%s:%s : colonne « %s » : %s", printer->file, db_row_value(row, 0),
				 db_row_value(row, 1), db_row_value(row, 2));
	return true;
}

/* Prints the batch's rejected rows, at most max of them, in line order. */
static bool
import_report_rejects(Db *db, const char *file, long long lot_id, long long total, int max)
{
	char lot[32];
	char limit[32];

	snprintf(lot, sizeof(lot), "%lld", lot_id);
	snprintf(limit, sizeof(limit), "%d", max);

	const char *params[] = {lot, limit};
	RejectPrinter printer = {.file = file};

	if (!db_query(db, "SELECT ligne, colonne, motif FROM rejet WHERE lot_id = $1 "
				  "ORDER BY ligne, motif LIMIT $2", 2, params,
				  import_print_reject, &printer, NULL))
		return false;
	if (total > printer.printed)
	{
		const char *s = fr_s(total - printer.printed);

		log_warn("%s : … et %lld autre%s ligne%s rejetée%s (clause report rejets --lot %lld)",
				 file, total - printer.printed, s, s, s, lot_id);
	}
	return true;
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

/*
 * Opens the load of a reference file (ImportOptions.reference): a row of source_reference,
 * made clause.reference_id for the merge scripts, clause.lot_id left empty.
 */
static ImportStatus
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

/* A reference file's rejected rows, read from the stage: they are no batch's. */
static bool
import_report_reference_rejects(Db *db, const char *file)
{
	RejectPrinter printer = {.file = file};

	return db_query(db, "SELECT ligne, colonne, motif FROM stage WHERE motif IS NOT NULL "
					"ORDER BY ligne, motif", 0, NULL, import_print_reject, &printer, NULL);
}

static bool
import_is_json(const ImportOptions *options)
{
	if (options->format != IMPORT_FORMAT_AUTO)
		return options->format == IMPORT_FORMAT_JSON;

	size_t len = strlen(options->path);

	return len > 5 && strcasecmp(options->path + len - 5, ".json") == 0;
}

typedef struct XlsxTee
{
	CsvRecordCallback next;
	void *context;
	ImportState *state;
	bool captured;
} XlsxTee;

/* Keeps the workbook's header row as text, for the rejects file, then hands rows on. */
static bool
import_xlsx_tee(void *context, const CsvRecord *record)
{
	XlsxTee *tee = context;

	if (!tee->captured && record->line > tee->state->title_lines && tee->state->result)
	{
		StrBuf header = {0};

		tee->captured = true;
		if (!import_join_record(record, ';', &header))
		{
			strbuf_free(&header);
			return false;
		}
		snprintf(tee->state->result->source_header, sizeof(tee->state->result->source_header),
				 "%s", header.data ? header.data : "");
		strbuf_free(&header);
	}
	return tee->next(tee->context, record);
}

/* Reads a workbook's sheet; title_lines rows come before its header. */
static bool
import_read_xlsx(const ImportOptions *options, ImportState *state, const char *sheet,
				 CsvRecordCallback callback, void *context)
{
	XlsxTee tee = {.next = callback, .context = context, .state = state};

	state->delimiter = ';';
	state->cp1252 = false;
	if (!xlsx_reader_run(options->path, state->display_name, sheet, import_xlsx_tee, &tee))
	{
		state->open_failed = state->open_failed || !tee.captured;
		return false;
	}
	return true;
}

/* Reads a sender's file through its profile, into canonical records. */
static bool
import_read_profile(const ImportOptions *options, ImportState *state)
{
	Profile *profile = options->profile;
	ProfileMapper mapper = {.profile = profile, .next = import_on_record, .next_context = state,
	.lookup = participant_index_lookup, .lookup_context = &state->participants};
	bool ok = true;

	state->delimiter = ';';
	state->title_lines = profile->title_lines;
	if (state->xlsx)
	{
		mapper.delimiter = ';';
		ok = import_read_xlsx(options, state, profile->sheet, profile_mapper_on_record, &mapper);
	}
	else if (ok && profile->json)
	{
		JsonLayout layout;

		profile_json_layout(profile, &layout);
		ok = json_reader_run(options->path, &layout, profile_mapper_on_record, &mapper);
	}
	else if (ok)
	{
		CsvReader reader = {0};

		ok = csv_reader_open(&reader, options->path, profile->delimiter,
							 profile->encoding_forced ? &profile->encoding : NULL);
		state->open_failed = !ok;
		if (ok)
		{
			mapper.delimiter = state->delimiter = reader.delimiter;
			state->cp1252 = reader.encoding == ENCODING_CP1252;
			state->reader = &reader;
			ok = csv_reader_run(&reader, profile_mapper_on_record, &mapper);
		}
		state->reader = NULL;
		csv_reader_close(&reader);
	}
	ok = ok && profile_mapper_finish(&mapper);
	state->header_failed = state->header_failed || mapper.failed;
	profile_mapper_free(&mapper);
	return ok;
}

/* Reads the file, whatever its shape, handing canonical records to import_on_record. */
static bool
import_read_source(const ImportOptions *options, ImportState *state)
{
	bool xlsx_expected = options->format == IMPORT_FORMAT_XLSX ||
		(options->profile && options->profile->xlsx);

	if (!(options->profile && options->profile->json) &&
		!source_pick(options->path, state->display_name, xlsx_expected, &state->xlsx))
	{
		state->open_failed = true;
		return false;
	}
	if (options->profile)
		return import_read_profile(options, state);
	if (state->xlsx)
		return import_read_xlsx(options, state, NULL, import_on_record, state);

	if (import_is_json(options))
	{
		JsonLayout layout;

		json_layout_for_kind(state->kind, &layout);
		state->json = true;
		layout.seen = state->json_seen;
		state->delimiter = ';';
		return json_reader_run(options->path, &layout, import_on_record, state);
	}

	CsvReader reader = {0};
	bool ok = csv_reader_open(&reader, options->path, 0, NULL);

	if (ok)
	{
		state->delimiter = reader.delimiter;
		state->cp1252 = reader.encoding == ENCODING_CP1252;
		state->reader = &reader;
		ok = csv_reader_run(&reader, import_on_record, state);
		state->reader = NULL;
	}
	else
		state->open_failed = true;
	csv_reader_close(&reader);
	return ok;
}

/*
 * A batch of hours as large as a quarter of the lines already stored goes faster with
 * the btree indexes built anew after it than maintained row by row. Decided before the
 * COPY, so from the file's size: a timesheet line takes 60 to 100 bytes.
 */
static bool
import_is_bulk(Db *db, const char *path, bool *bulk)
{
	struct stat st;
	char value[32];
	char text[32];

	*bulk = false;
	if (stat(path, &st) != 0 || st.st_size / 64 < 100000)
		return true;
	snprintf(text, sizeof(text), "%lld", (long long) (st.st_size / 64));

	const char *params[] = {text};

	if (!db_query_value(db, "SELECT $1::bigint * 4 >= greatest(reltuples, 0) FROM pg_class "
						"WHERE oid = 'clause.ligne_heures'::regclass", 1, params, value,
						sizeof(value), NULL))
		return false;
	*bulk = value[0] == 't';
	return true;
}

/* Timesheets: no stage; the btree indexes dropped first for a large batch. */
static bool
import_begin_heures(Db *db, const ImportOptions *options, ImportState *state, long long lot_id)
{
	const char *off = SQL_BULK_LIGNE_HEURES_INDEX_OFF;
	bool owned = false;

	state->direct = true;
	if (!db_table_owned(db, "clause.ligne_heures", &owned) ||
		(owned && !import_is_bulk(db, options->path, &state->bulk)))
		return false;
	if (state->bulk)
	{
		log_info("%s : gros lot, index reconstruits après l'insertion", state->display_name);
		if (off == NULL || !db_exec(db, off))
			return false;
	}
	return heures_load_begin(db, &state->heures, lot_id, owned);
}

static double
import_now(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double) now.tv_sec + (double) now.tv_nsec / 1e9;
}

/* Streams the file into the stage; IMPORT_LOADED when the COPY completed. */
static ImportStatus
import_stream(Db *db, const ImportOptions *options, ImportState *state, long long lot_id)
{
	ImportStatus status = IMPORT_LOADED;

	/* queried before the COPY starts: no query can run during it */
	if (options->profile && options->profile->find_participant &&
		!participant_index_load(db, &state->participants))
		return IMPORT_DATABASE_ERROR;
	if (strcmp(state->kind->name, "heures") == 0 ? !import_begin_heures(db, options, state, lot_id)
		: !import_create_stage(db, state->kind))
		return IMPORT_DATABASE_ERROR;

	progress_line_start(&state->progress, state->display_name);

	bool read_ok = import_read_source(options, state);

	progress_line_finish(&state->progress);

	if (read_ok && !state->header_done)
	{
		log_error("%s : fichier vide (ni en-tête ni données)", state->display_name);
		status = IMPORT_FILE_REJECTED;
	}
	else if (read_ok && state->rows_read == 0)
	{
		log_error("%s : aucune ligne de données", state->display_name);
		status = IMPORT_FILE_REJECTED;
	}
	else if (!read_ok)
		status = (state->header_failed || state->open_failed) ? IMPORT_FILE_REJECTED :
			(db_connection_lost(db) ? IMPORT_DATABASE_ERROR : IMPORT_INTERNAL_ERROR);

	if (status == IMPORT_LOADED && import_flush(state, true) && db_copy_end(db))
		status = IMPORT_LOADED;
	else
	{
		if (status == IMPORT_LOADED)
			status = IMPORT_DATABASE_ERROR;
		db_copy_abort(db, "import interrompu");
	}
	if (state->blank_rows > 0)
	{
		const char *s = fr_s(state->blank_rows);

		log_info("%s : %lld ligne%s vide%s ignorée%s", state->display_name, state->blank_rows,
				 s, s, s);
	}
	return status;
}

typedef struct MergeCounts
{
	long long valid;
	long long rejected;
} MergeCounts;

static bool
import_counts_callback(void *context, const DbRow *row)
{
	MergeCounts *counts = context;

	counts->valid = strtoll(db_row_value(row, 0), NULL, 10);
	counts->rejected = strtoll(db_row_value(row, 1), NULL, 10);
	return true;
}

/*
 * A CSV file has the columns of its header; a JSON file has no header: its columns are
 * the keys at least one of its objects has (null or "" included), so that a file whose
 * objects all lack the eligibility keys leaves eligibility alone, as a CSV file would.
 */
static bool
import_file_has_column(const ImportState *state, int column)
{
	int f = state->map[column];

	if (f < 0)
		return false;
	return !state->json || (f < JSON_MAX_FIELDS && state->json_seen[f]);
}

/*
 * Tells the merge which columns the file has (clause.colonnes, "a,b,c"): a column it
 * lacks leaves the stored value alone (DOMAIN.md rule 10), an empty cell clears it.
 */
static bool
import_set_present_columns(Db *db, const ImportState *state)
{
	StrBuf names = {0};
	bool ok = strbuf_puts(&names, "");

	for (int i = 0; ok && i < state->kind->ncolumns; i++)
		if (import_file_has_column(state, i))
			ok = strbuf_printf(&names, "%s%s", names.len ? "," : "", state->kind->columns[i].name);

	const char *params[] = {names.data};

	ok = ok && db_query(db, "SELECT set_config('clause.colonnes', $1, true)", 1, params,
						NULL, NULL, NULL);
	strbuf_free(&names);
	return ok;
}

typedef struct NoticePrinter
{
	const char *file;
} NoticePrinter;

static bool
import_print_notice(void *context, const DbRow *row)
{
	const NoticePrinter *printer = context;

	log_warn("%s:%s : %s", printer->file, db_row_value(row, 0), db_row_value(row, 1));
	return true;
}

/* Runs the kind's merge SQL over the stage; fills the result's counts. */
static bool
import_merge_stage(Db *db, const ImportState *state, ImportResult *result)
{
	const char *merge = sql_embedded_get(state->kind->merge_sql);
	char changed[32];
	MergeCounts counts = {0};
	NoticePrinter printer = {.file = state->display_name};

	if (merge == NULL || !import_set_present_columns(db, state) ||
		!db_exec_value(db, merge, changed, sizeof(changed)) ||
		!db_query(db, "SELECT ligne, message FROM signalement ORDER BY ligne, message", 0, NULL,
				  import_print_notice, &printer, NULL) ||
		!db_query(db, "SELECT count(*) FILTER (WHERE motif IS NULL), "
				  "count(*) FILTER (WHERE motif IS NOT NULL) FROM stage",
				  0, NULL, import_counts_callback, &counts, NULL))
		return false;
	result->rows_rejected = counts.rejected;
	result->rows_loaded = strtoll(changed, NULL, 10);
	result->rows_unchanged = counts.valid - result->rows_loaded;
	return true;
}

/* Timesheets: repeats and unchanged lines out, indexes back; fills the counts. */
static bool
import_merge_heures(Db *db, ImportState *state, ImportResult *result)
{
	const char *on = SQL_BULK_LIGNE_HEURES_INDEX_ON;
	HeuresCounts counts = {0};

	/* after the indexes: the lookups of repeats and unchanged lines go through them */
	if ((state->bulk && (on == NULL || !db_exec(db, on))) ||
		!heures_load_finish(db, &state->heures, &counts))
		return false;
	result->rows_rejected = counts.rejected;
	result->rows_loaded = counts.loaded;
	result->rows_unchanged = counts.unchanged;
	return true;
}

/* Merges the batch and records its counts. */
static bool
import_merge(Db *db, ImportState *state, ImportResult *result)
{
	if (!(state->direct ? import_merge_heures(db, state, result)
		  : import_merge_stage(db, state, result)))
		return false;
	result->rows_read = state->rows_read;
	result->header_line = state->header_line;
	result->delimiter = state->delimiter;
	result->cp1252 = state->cp1252;
	result->xlsx = state->xlsx;

	char id[32], read[32], loaded[32], rejected[32], unchanged[32];

	snprintf(id, sizeof(id), "%lld", result->lot_id);
	snprintf(read, sizeof(read), "%lld", result->rows_read);
	snprintf(loaded, sizeof(loaded), "%lld", result->rows_loaded);
	snprintf(rejected, sizeof(rejected), "%lld", result->rows_rejected);
	snprintf(unchanged, sizeof(unchanged), "%lld", result->rows_unchanged);

	const char *params[] = {id, read, loaded, rejected, unchanged};

	if (result->reference_id > 0)
	{
		snprintf(id, sizeof(id), "%lld", result->reference_id);
		return db_query(db, "UPDATE source_reference SET lignes_lues = $2, lignes_chargees = $3 "
						"WHERE id = $1", 3, params, NULL, NULL, NULL);
	}
	return db_query(db, "UPDATE lot_import SET lignes_lues = $2, lignes_chargees = $3, "
					"lignes_rejetees = $4, lignes_inchangees = $5 WHERE id = $1",
					5, params, NULL, NULL, NULL);
}

/* A batch loaded without attribution: the next attribution takes it (src/workflow/attribute.c). */
static bool
import_mark_pending(Db *db, long long lot_id)
{
	char id[32];

	snprintf(id, sizeof(id), "%lld", lot_id);

	const char *params[] = {id};

	return db_query(db, "UPDATE lot_import SET a_attribuer = true WHERE id = $1", 1, params,
					NULL, NULL, NULL);
}

/* The time of each stage, French decimals: "lecture, contrôles et COPY 0,48 s, …". */
static void
import_log_timings(const char *display_name, const ImportResult *result)
{
	char read[32];
	char merge[32];
	char attribution[32];

	format_fr_number(result->seconds_read, 2, read, sizeof(read));
	format_fr_number(result->seconds_merge, 2, merge, sizeof(merge));
	format_fr_number(result->seconds_attribution, 2, attribution, sizeof(attribution));
	log_info("%s : lecture, contrôles et COPY %s s, fusion %s s, attribution et validation %s s",
			 display_name, read, merge, attribution);
}

/* The sender's name of a mapping: its column, or its position; "" for a constant. */
static void
import_mapping_label(const FieldMapping *mapping, char *out, size_t size)
{
	if (mapping->column)
		snprintf(out, size, "%s", mapping->column);
	else if (mapping->position > 0)
		snprintf(out, size, "colonne n° %d", mapping->position);
	else
		out[0] = '\0';
}

/* Notes the sender's names of the columns, so that reject files speak its words. */
static void
import_note_sender_columns(const Profile *profile, ImportResult *result)
{
	const KindSpec *kind = profile->kind;

	result->ncolumns = 0;
	for (int i = 0; i < kind->ncolumns && result->ncolumns < 16; i++)
	{
		char label[160] = "";

		if (profile->fields[i].used)
			import_mapping_label(&profile->fields[i], label, sizeof(label));
		else if (i == 0 && profile->find_participant)
		{
			char nom[48], prenom[48], birth[48];

			import_mapping_label(&profile->person[0], nom, sizeof(nom));
			import_mapping_label(&profile->person[1], prenom, sizeof(prenom));
			import_mapping_label(&profile->person[2], birth, sizeof(birth));
			snprintf(label, sizeof(label), "%s, %s, %s", nom, prenom, birth);
		}
		if (label[0] == '\0')
			continue;
		snprintf(result->columns[result->ncolumns].canonical,
				 sizeof(result->columns[0].canonical), "%s", kind->columns[i].name);
		snprintf(result->columns[result->ncolumns].sender, sizeof(result->columns[0].sender),
				 "%s", label);
		result->ncolumns++;
	}
}

const char *
import_sender_column(const ImportResult *result, const char *canonical)
{
	for (int i = 0; i < result->ncolumns; i++)
		if (strcmp(result->columns[i].canonical, canonical) == 0)
			return result->columns[i].sender;
	return canonical;
}

ImportStatus
import_file(Db *db, const ImportOptions *options, ImportResult *result)
{
	const KindSpec *kind = kind_find(options->kind);
	char sha[CHECKSUM_HEX_SIZE];
	char *path_copy = strdup(options->path);

	if (kind == NULL || path_copy == NULL)
	{
		free(path_copy);
		return IMPORT_INTERNAL_ERROR;
	}

	const char *display_name = basename(path_copy);
	ImportState state = {.db = db, .kind = kind, .display_name = display_name, .result = result};
	ImportStatus status;

	if (!checksum_file_sha256(options->path, sha))
	{
		free(path_copy);
		return IMPORT_FILE_REJECTED;
	}
	if (!db_begin(db))
	{
		free(path_copy);
		return IMPORT_DATABASE_ERROR;
	}

	result->json = import_is_json(options) || (options->profile && options->profile->json);
	if (options->profile)
		import_note_sender_columns(options->profile, result);
	snprintf(result->json_array, sizeof(result->json_array), "%s",
			 options->profile && options->profile->json_array ? options->profile->json_array : kind->name);
	status = options->reference ? import_reference_open(db, options->kind, options->reference, sha, result)
		: import_batch_open(db, options->kind, display_name, sha, result);

	double start = import_now();

	if (status == IMPORT_LOADED)
		status = import_stream(db, options, &state, result->lot_id);

	double streamed = import_now();

	if (status == IMPORT_LOADED && !import_merge(db, &state, result))
		status = IMPORT_DATABASE_ERROR;

	double merged = import_now();

	result->seconds_read = streamed - start;
	result->seconds_merge = merged - streamed;

	if (status == IMPORT_LOADED && result->rows_rejected > 0 && options->reference)
	{
		/* the shipped catalogue loads whole: a rejected row is a fault of this release */
		status = import_report_reference_rejects(db, display_name) ? IMPORT_FILE_REJECTED
			: IMPORT_DATABASE_ERROR;
	}
	else if (status == IMPORT_LOADED && result->rows_rejected > 0)
	{
		if (!import_report_rejects(db, display_name, result->lot_id, result->rows_rejected,
								   options->max_reported))
			status = IMPORT_DATABASE_ERROR;
		else if (options->strict)
		{
			log_error("%s : %lld ligne%s rejetée%s et --strict : fichier refusé en entier, "
					  "rien n'a été chargé", display_name, result->rows_rejected,
					  fr_s(result->rows_rejected), fr_s(result->rows_rejected));
			status = IMPORT_FILE_REJECTED;
		}
		else
			status = IMPORT_ROWS_REJECTED;
	}

	bool keep = status == IMPORT_LOADED || status == IMPORT_ROWS_REJECTED;

	if (keep && !((options->reference ? true
				   : options->after_merge ? options->after_merge(db, result->lot_id)
				   : import_mark_pending(db, result->lot_id)) && db_commit(db)))
		status = IMPORT_DATABASE_ERROR;
	result->seconds_attribution = import_now() - merged;
	if (keep && status != IMPORT_DATABASE_ERROR)
		import_log_timings(display_name, result);
	if (!keep || status == IMPORT_DATABASE_ERROR)
		db_rollback(db);

	strbuf_free(&state.copy);
	strbuf_free(&state.scratch);
	participant_index_free(&state.participants);
	heures_load_free(&state.heures);
	free(path_copy);
	return status;
}
