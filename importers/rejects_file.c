/*
 * Writing a batch's rejected rows back in the shape of the file they came from.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "importers/decode.h"
#include "importers/json_reader.h"
#include "importers/rejects_file.h"
#include "src/lib/log.h"
#include "src/lib/safe_file.h"
#include "src/lib/strbuf.h"

typedef struct RejectsWriter
{
	FILE *out;
	const ImportResult *result;
	const char *newline;
	StrBuf line;
	StrBuf encoded;
} RejectsWriter;

/* A cell starting like a formula (= + - @ tab CR) would run in a spreadsheet. */
static bool
starts_like_formula(char c)
{
	return c != '\0' && strchr("=+-@\t\r", c) != NULL;
}

static void
append_field(StrBuf *line, const char *value, char delimiter)
{
	if (starts_like_formula(value[0]))
	{
		/* quoted, with the apostrophe spreadsheets read as "text" */
		strbuf_puts(line, "\"'");
		for (const char *p = value; *p; p++)
		{
			if (*p == '"')
				strbuf_putc(line, '"');
			strbuf_putc(line, *p);
		}
		strbuf_putc(line, '"');
		return;
	}
	if (strchr(value, delimiter) == NULL && strchr(value, '"') == NULL && strchr(value, '\n') == NULL)
	{
		strbuf_puts(line, value);
		return;
	}
	strbuf_putc(line, '"');
	for (const char *p = value; *p; p++)
	{
		if (*p == '"')
			strbuf_putc(line, '"');
		strbuf_putc(line, *p);
	}
	strbuf_putc(line, '"');
}

/*
 * Appends a row as sent, cell by cell in its delimiter and quoting, with an apostrophe
 * before the content of each cell that starts like a formula: the rows come back to be
 * corrected, and whoever opens the file in a spreadsheet must not run what a sender wrote.
 */
static void
append_raw_row(StrBuf *line, const char *row, char delimiter)
{
	bool cell_start = true;
	bool quoted = false;

	for (const char *p = row; *p; p++)
	{
		if (cell_start)
		{
			cell_start = false;
			if (*p == '"')
			{
				quoted = true;
				strbuf_putc(line, *p);
				if (starts_like_formula(p[1]))
					strbuf_putc(line, '\'');
				continue;
			}
			if (starts_like_formula(*p))
				strbuf_putc(line, '\'');
		}
		if (*p == '"' && quoted)
		{
			if (p[1] == '"')
				strbuf_putc(line, *p++);	/* an escaped quote, still inside */
			else
				quoted = false;
		}
		else if (*p == delimiter && !quoted)
			cell_start = true;
		strbuf_putc(line, *p);
	}
}

/* Writes a UTF-8 line in the source's encoding. */
static bool
rejects_put(RejectsWriter *writer, const char *utf8)
{
	if (!writer->result->cp1252)
		return fputs(utf8, writer->out) >= 0;
	strbuf_reset(&writer->encoded);
	return decode_utf8_to_cp1252(utf8, &writer->encoded) &&
		fwrite(writer->encoded.data, 1, writer->encoded.len, writer->out) == writer->encoded.len;
}

static bool
rejects_row(void *context, const DbRow *row)
{
	RejectsWriter *writer = context;
	char delimiter = writer->result->delimiter ? writer->result->delimiter : ';';

	strbuf_reset(&writer->line);
	if (writer->result->json)
	{
		strbuf_puts(&writer->line, db_row_value(row, 1));
		strbuf_putc(&writer->line, delimiter);
		append_field(&writer->line, db_row_value(row, 2), delimiter);
		strbuf_putc(&writer->line, delimiter);
		append_field(&writer->line, db_row_value(row, 3), delimiter);
		strbuf_putc(&writer->line, delimiter);
		append_field(&writer->line, db_row_value(row, 0), delimiter);
	}
	else
	{
		/* the row as sent, already in the file's delimiter and quoting; the sender's column */
		append_raw_row(&writer->line, db_row_value(row, 0), delimiter);
		strbuf_printf(&writer->line, "%c%s%c", delimiter, db_row_value(row, 1), delimiter);
		append_field(&writer->line, *db_row_value(row, 2) ?
					 import_sender_column(writer->result, db_row_value(row, 2)) : "", delimiter);
		strbuf_putc(&writer->line, delimiter);
		append_field(&writer->line, db_row_value(row, 3), delimiter);
	}
	strbuf_puts(&writer->line, writer->newline);
	return rejects_put(writer, writer->line.data);
}

/* Copies the source's lines up to its header, verbatim, and extends the header. */
static bool
rejects_copy_header(RejectsWriter *writer, const char *source_path)
{
	FILE *source = fopen(source_path, "rb");
	char *line = NULL;
	size_t cap = 0;
	ssize_t got;
	int number = 0;
	char delimiter = writer->result->delimiter ? writer->result->delimiter : ';';

	if (source == NULL)
	{
		log_error("%s : ouverture impossible : %s", source_path, log_strerror(errno));
		return false;
	}
	while (number < writer->result->header_line && (got = getline(&line, &cap, source)) > 0)
	{
		number++;

		size_t len = (size_t) got;
		bool crlf = len >= 2 && line[len - 2] == '\r';

		if (number < writer->result->header_line)
		{
			fwrite(line, 1, len, writer->out);
			continue;
		}
		writer->newline = crlf ? "\r\n" : "\n";
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			len--;
		fwrite(line, 1, len, writer->out);
		fprintf(writer->out, "%cligne%ccolonne%cmotif%s", delimiter, delimiter, delimiter, writer->newline);
	}
	free(line);
	fclose(source);
	return true;
}

/* The rejected lines of a batch, in line order, for a JSON source. */
typedef struct RejectLines
{
	const ImportResult *result;
	long *lines;
	char **motifs;
	int count;
	int cap;
} RejectLines;

static bool
rejects_collect(void *context, const DbRow *row)
{
	RejectLines *rejects = context;
	long line = strtol(db_row_value(row, 1), NULL, 10);
	const char *column = db_row_value(row, 2);
	StrBuf motif = {0};

	if (*column)
		strbuf_printf(&motif, "« %s » : %s", import_sender_column(rejects->result, column),
					  db_row_value(row, 3));
	else
		strbuf_puts(&motif, db_row_value(row, 3));
	/* two reasons on one line: joined */
	if (rejects->count > 0 && rejects->lines[rejects->count - 1] == line)
	{
		StrBuf joined = {0};

		strbuf_printf(&joined, "%s ; %s", rejects->motifs[rejects->count - 1], motif.data);
		free(rejects->motifs[rejects->count - 1]);
		rejects->motifs[rejects->count - 1] = joined.data;
		strbuf_free(&motif);
		return true;
	}
	if (rejects->count == rejects->cap)
	{
		int cap = rejects->cap ? rejects->cap * 2 : 64;
		long *lines = realloc(rejects->lines, sizeof(long) * (size_t) cap);
		char **motifs = lines ? realloc(rejects->motifs, sizeof(char *) * (size_t) cap) : NULL;

		if (lines)
			rejects->lines = lines;
		if (motifs == NULL)
		{
			strbuf_free(&motif);
			return false;
		}
		rejects->motifs = motifs;
		rejects->cap = cap;
	}
	rejects->lines[rejects->count] = line;
	rejects->motifs[rejects->count++] = motif.data;
	return true;
}

static const char *
rejects_motif_of(void *context, long line)
{
	const RejectLines *rejects = context;
	int low = 0, high = rejects->count - 1;

	while (low <= high)
	{
		int mid = (low + high) / 2;

		if (rejects->lines[mid] == line)
			return rejects->motifs[mid];
		if (rejects->lines[mid] < line)
			low = mid + 1;
		else
			high = mid - 1;
	}
	return NULL;
}

/*
 * A JSON sender gets its own objects back, each rejected line with "ligne" and "motif",
 * in the file's own shape: corrected, it goes back in the box as it is.
 */
static bool
rejects_write_json(Db *db, const char *source_path, const ImportResult *result, FILE *out)
{
	RejectLines rejects = {.result = result};
	char lot[32];

	snprintf(lot, sizeof(lot), "%lld", result->lot_id);

	const char *params[] = {lot};
	bool ok = db_query(db, "SELECT coalesce(contenu, ''), ligne, coalesce(colonne, ''), motif "
					   "FROM rejet WHERE lot_id = $1 ORDER BY ligne, motif", 1, params,
					   rejects_collect, &rejects, NULL) &&
		json_rejects_write(source_path, result->json_array, rejects_motif_of, &rejects, out);

	for (int i = 0; i < rejects.count; i++)
		free(rejects.motifs[i]);
	free(rejects.motifs);
	free(rejects.lines);
	return ok;
}

bool
rejects_file_write(Db *db, const char *source_path, const ImportResult *result,
				   const char *out_path)
{
	RejectsWriter writer = {.result = result, .newline = "\n"};
	char lot[32];

	SafeFile file = {0};

	if (!safe_file_begin(&file, out_path))
		return false;
	writer.out = file.out;

	bool ok;

	if (result->json)
	{
		if (!rejects_write_json(db, source_path, result, writer.out))
		{
			log_error("impossible d'écrire %s", out_path);
			safe_file_abort(&file);
			return false;
		}
		return safe_file_commit(&file);
	}
	else if (result->xlsx)
	{
		/* a workbook's rows come back as CSV for Excel: its header row, then the rows */
		fprintf(writer.out, "\xEF\xBB\xBF%s;ligne;colonne;motif\n", result->source_header);
		ok = true;
	}
	else
		ok = rejects_copy_header(&writer, source_path);

	snprintf(lot, sizeof(lot), "%lld", result->lot_id);

	const char *params[] = {lot};

	ok = ok && db_query(db, "SELECT coalesce(contenu, ''), ligne, coalesce(colonne, ''), motif "
						"FROM rejet WHERE lot_id = $1 ORDER BY ligne, motif", 1, params,
						rejects_row, &writer, NULL);
	strbuf_free(&writer.line);
	strbuf_free(&writer.encoded);
	if (!ok)
	{
		safe_file_abort(&file);
		return false;
	}
	return safe_file_commit(&file);
}
