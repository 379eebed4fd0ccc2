/*
 * The import of one file: file -> reader (decode, parse) -> validation -> sink (COPY)
 * -> merge -> attribution, all in one transaction (import_batch.c), so that a file is
 * either wholly loaded or not at all. Good rows load even when others fail. The sink
 * (import_sink.h) is a temporary stage and the kind's merge SQL (sink_staged.c), or for
 * timesheets, the large kind, ligne_heures itself through heures_load.c (sink_heures.c).
 */
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "importers/csv_reader.h"
#include "importers/import.h"
#include "importers/import_batch.h"
#include "importers/import_sink.h"
#include "importers/json_reader.h"
#include "importers/kinds.h"
#include "importers/participant_index.h"
#include "importers/profile.h"
#include "importers/xlsx_reader.h"
#include "src/lib/checksum.h"
#include "src/lib/format.h"
#include "src/lib/log.h"
#include "src/lib/progress_line.h"

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
	ImportSink sink;			/* where checked rows go: the stage, or ligne_heures */
	ProgressLine progress;
	const CsvReader *reader;	/* for the bytes read, when reading CSV */
	int header_fields;
	int map[32];				/* spec column -> file column, -1 when absent */
	bool json_seen[JSON_MAX_FIELDS];	/* JSON: source key or path -> some object has it */
	bool columns_known;			/* a JSON file, read: column_present says what it has */
	bool columns_at_header;		/* not JSON: the header says which columns the file has */
	bool column_present[32];	/* spec column -> in the file (rule 10) */
	StrBuf scratch;
	StrBuf field;				/* one field of a rejected row, read for its sink */
	char *values[32];			/* canonical values of the row, NULL for SQL NULL */
	char value_storage[32][KIND_VALUE_SIZE];
	long long rows_read;
	long long rows_rejected_early;
	long long blank_rows;
	bool xlsx;					/* reading a workbook */
	int title_lines;			/* xlsx: rows before the header */
	ImportResult *result;		/* xlsx: where the header row is kept for the rejects */
} ImportState;

/* What the step before the commit needs (import_batch_close calls it). */
typedef struct ImportCommit
{
	Db *db;
	const ImportOptions *options;
	const ImportResult *result;
} ImportCommit;

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

typedef struct RejectedRecord
{
	ImportState *state;
	const CsvRecord *record;
} RejectedRecord;

/* An ImportFieldReader over a rejected record: one column, validated alone. */
static bool
import_read_rejected_field(void *context, int column, char *storage, const char **value)
{
	RejectedRecord *rejected = context;
	ImportState *state = rejected->state;
	const CsvRecord *record = rejected->record;
	int f = state->map[column];
	bool is_null = false;
	char err[VALIDATE_ERR_SIZE];

	*value = NULL;
	strbuf_reset(&state->field);
	if (!strbuf_puts(&state->field, f >= 0 && f < record->nfields ? record->fields[f] : ""))
		return false;
	if (kind_validate_field(&state->kind->columns[column], state->field.data, storage,
							&is_null, err) && !is_null)
		*value = storage;
	return true;
}

/* Hands a rejected record to the sink: its reason, the column at fault, its content. */
static bool
import_emit_reject(ImportState *state, const CsvRecord *record, const char *column,
				   const char *reason_text)
{
	char reason[512];
	RejectedRecord rejected = {.state = state, .record = record};

	/* a reason quotes the bad value, maybe cut inside a character: keep it valid UTF-8 */
	snprintf(reason, sizeof(reason), "%s", reason_text);
	decode_utf8_sanitize(reason);

	state->rows_rejected_early++;
	strbuf_reset(&state->scratch);
	if (!(record->content ? strbuf_puts(&state->scratch, record->content) &&
		  import_truncate_content(&state->scratch)
		  : import_join_record(record, state->delimiter, &state->scratch)))
		return false;

	ImportRejectedRow row = {
		.line = record->line, .column = column, .reason = reason,
		.content = state->scratch.data, .read_context = &rejected,
		/* a record the reader could not cut into fields has no column to read */
		.read_field = record->error || record->nfields == 0 ? NULL : import_read_rejected_field,
	};

	return state->sink.ops->reject(&state->sink, &row);
}

/* Hands a checked record to the sink, which may still refuse it (unknown reference). */
static bool
import_emit_row(ImportState *state, const CsvRecord *record)
{
	ImportRefusal refusal = {.column = -1};

	if (!state->sink.ops->row(&state->sink, record->line, state->values, &refusal))
		return false;
	if (refusal.column >= 0)
		return import_emit_reject(state, record, state->kind->columns[refusal.column].name,
								  refusal.reason);
	return true;
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

/*
 * Tells the sink which columns the file has, once its header says so (a JSON file's
 * columns are known only at its end, import_file_has_column).
 */
static bool
import_tell_columns(ImportState *state)
{
	bool present[32] = {0};

	if (!state->columns_at_header || state->sink.ops->columns == NULL)
		return true;
	for (int i = 0; i < state->kind->ncolumns; i++)
		present[i] = state->map[i] >= 0;
	return state->sink.ops->columns(&state->sink, present);
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
		return import_tell_columns(state);
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
	state->columns_at_header = !profile->json;
	if (state->xlsx)
	{
		mapper.delimiter = ';';
		ok = import_read_xlsx(options, state, profile->sheet, profile_mapper_on_record, &mapper);
	}
	else if (ok && profile->json)
	{
		JsonLayout layout;

		profile_json_layout(profile, &layout);
		layout.seen = state->json_seen;
		ok = json_reader_run(options->path, &layout, profile_mapper_on_record, &mapper);
		for (int i = 0; ok && i < profile->kind->ncolumns; i++)
			state->column_present[i] = profile_mapper_json_has_column(&mapper, i, state->json_seen);
		state->columns_known = ok;
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
	state->columns_at_header = state->xlsx || !import_is_json(options);
	if (state->xlsx)
		return import_read_xlsx(options, state, NULL, import_on_record, state);

	if (import_is_json(options))
	{
		JsonLayout layout;

		json_layout_for_kind(state->kind, &layout);
		layout.seen = state->json_seen;
		state->delimiter = ';';
		if (!json_reader_run(options->path, &layout, import_on_record, state))
			return false;
		/* a key no object has is a column the file lacks */
		for (int i = 0; i < state->kind->ncolumns; i++)
			state->column_present[i] = state->map[i] >= 0 && state->map[i] < JSON_MAX_FIELDS &&
				state->json_seen[state->map[i]];
		state->columns_known = true;
		return true;
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

static double
import_now(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double) now.tv_sec + (double) now.tv_nsec / 1e9;
}

/* Streams the file into its sink; IMPORT_LOADED when the COPY completed. */
static ImportStatus
import_stream(Db *db, const ImportOptions *options, ImportState *state, long long lot_id)
{
	ImportStatus status = IMPORT_LOADED;

	/* queried before the COPY starts: no query can run during it */
	if (options->profile && options->profile->find_participant &&
		!participant_index_load(db, &state->participants))
		return IMPORT_DATABASE_ERROR;
	if (!state->sink.ops->begin(&state->sink, options->path, lot_id))
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

	if (!import_sink_end_copy(&state->sink, status == IMPORT_LOADED) && status == IMPORT_LOADED)
		status = IMPORT_DATABASE_ERROR;
	if (state->blank_rows > 0)
	{
		const char *s = fr_s(state->blank_rows);

		log_info("%s : %lld ligne%s vide%s ignorée%s", state->display_name, state->blank_rows,
				 s, s, s);
	}
	return status;
}

/*
 * A CSV file has the columns of its header; a JSON file has no header: its columns are
 * the keys (or, through a profile, the paths) at least one of its objects has, null or ""
 * included, so that a file whose objects all lack the eligibility keys leaves eligibility
 * alone, as a CSV file would (rule 10).
 */
static bool
import_file_has_column(const ImportState *state, int column)
{
	return state->map[column] >= 0 && (!state->columns_known || state->column_present[column]);
}

/* Merges the batch through its sink and records its counts. */
static bool
import_merge(Db *db, ImportState *state, ImportResult *result)
{
	bool present[32] = {0};

	for (int i = 0; i < state->kind->ncolumns; i++)
		present[i] = import_file_has_column(state, i);
	if (!state->sink.ops->finish(&state->sink, present, result))
		return false;
	result->rows_read = state->rows_read;
	result->header_line = state->header_line;
	result->delimiter = state->delimiter;
	result->cp1252 = state->cp1252;
	result->xlsx = state->xlsx;
	return import_batch_record_counts(db, result, -1);
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

/* Before the commit of a kept batch: the caller's attribution, or a mark for a later one. */
static bool
import_before_commit(void *context)
{
	const ImportCommit *commit = context;

	if (commit->options->reference)
		return true;			/* the catalogue loads into a database without batches */
	if (commit->options->after_merge)
		return commit->options->after_merge(commit->db, commit->result->lot_id);
	return import_mark_pending(commit->db, commit->result->lot_id);
}

/* Reports rejected rows, then --strict decides whether the batch stands. */
static ImportStatus
import_judge_rejects(Db *db, const ImportOptions *options, const char *display_name,
					 ImportResult *result)
{
	if (options->reference)
	{
		/* the shipped catalogue loads whole: a rejected row is a fault of this release */
		return import_report_reference_rejects(db, display_name) ? IMPORT_FILE_REJECTED
			: IMPORT_DATABASE_ERROR;
	}
	if (!import_report_rejects(db, display_name, result->lot_id, result->rows_rejected,
							   options->max_reported))
		return IMPORT_DATABASE_ERROR;
	return import_batch_judge_rejects(display_name, result->rows_rejected, options->strict,
									  "ligne", "rejetée");
}

/* What the file's shape tells before it is read: JSON or not, the sender's columns. */
static void
import_note_source(const ImportOptions *options, const KindSpec *kind, ImportResult *result)
{
	result->json = import_is_json(options) || (options->profile && options->profile->json);
	if (options->profile)
		import_note_sender_columns(options->profile, result);
	snprintf(result->json_array, sizeof(result->json_array), "%s",
			 options->profile && options->profile->json_array ? options->profile->json_array : kind->name);
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
	ImportCommit commit = {.db = db, .options = options, .result = result};
	ImportStatus status = import_batch_start(db, options->path, sha);

	if (status != IMPORT_LOADED)
	{
		free(path_copy);
		return status;
	}
	import_sink_init(&state.sink, db, kind, display_name);
	import_note_source(options, kind, result);
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
	if (status == IMPORT_LOADED && result->rows_rejected > 0)
		status = import_judge_rejects(db, options, display_name, result);
	status = import_batch_close(db, status, import_before_commit, &commit);
	result->seconds_attribution = import_now() - merged;
	if (status == IMPORT_LOADED || status == IMPORT_ROWS_REJECTED)
		import_log_timings(display_name, result);

	import_sink_free(&state.sink);
	strbuf_free(&state.scratch);
	strbuf_free(&state.field);
	participant_index_free(&state.participants);
	free(path_copy);
	return status;
}
