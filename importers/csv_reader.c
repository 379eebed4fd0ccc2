/*
 * Streaming CSV reading with libcsv. The file is fed line by line so that each
 * record knows the physical line it starts on, even with quoted newlines; memory
 * stays bounded by the longest record, never by the file.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "importers/csv_reader.h"
#include "src/lib/log.h"

#define DETECT_SAMPLE_SIZE (64 * 1024)

char
csv_detect_delimiter(const char *line, size_t len)
{
	int semicolons = 0, commas = 0, tabs = 0;
	bool quoted = false;

	for (size_t i = 0; i < len && line[i] != '\n'; i++)
	{
		if (line[i] == '"')
			quoted = !quoted;
		else if (!quoted && line[i] == ';')
			semicolons++;
		else if (!quoted && line[i] == ',')
			commas++;
		else if (!quoted && line[i] == '\t')
			tabs++;
	}
	if (tabs > semicolons && tabs > commas)
		return '\t';
	if (commas > semicolons)
		return ',';
	return ';';
}

static void
csv_on_field(void *data, size_t len, void *context)
{
	CsvReader *reader = context;

	if (reader->stop)
		return;
	if (reader->nfields == reader->cap_fields)
	{
		int cap = reader->cap_fields ? reader->cap_fields * 2 : 32;
		size_t *offsets = realloc(reader->offsets, sizeof(size_t) * (size_t) cap);
		size_t *lengths = offsets ? realloc(reader->lengths, sizeof(size_t) * (size_t) cap) : NULL;

		if (offsets)
			reader->offsets = offsets;
		if (lengths)
			reader->lengths = lengths;
		if (offsets == NULL || lengths == NULL)
		{
			log_error("mémoire insuffisante pour lire %s", reader->path);
			reader->stop = reader->failed = true;
			return;
		}
		reader->cap_fields = cap;
	}
	reader->offsets[reader->nfields] = reader->arena.len;
	reader->lengths[reader->nfields] = len;
	if (!strbuf_append(&reader->arena, data ? data : "", data ? len : 0) ||
		!strbuf_putc(&reader->arena, '\0'))
	{
		reader->stop = reader->failed = true;
		return;
	}
	reader->nfields++;
}

/* Builds the field pointers (the arena may have moved) and calls back. */
static void
csv_emit_record(CsvReader *reader)
{
	if (reader->nfields == 0 && reader->error[0] == '\0')
		return;

	char **fields = realloc(reader->fields, sizeof(char *) * (size_t) (reader->nfields + 1));

	if (fields == NULL)
	{
		log_error("mémoire insuffisante pour lire %s", reader->path);
		reader->stop = reader->failed = true;
		return;
	}
	reader->fields = fields;
	for (int i = 0; i < reader->nfields; i++)
		fields[i] = reader->arena.data + reader->offsets[i];

	CsvRecord record = {
		.line = reader->record_line,
		.nfields = reader->nfields,
		.fields = fields,
		.lengths = reader->lengths,
		.error = reader->error[0] ? reader->error : NULL,
	};

	if (!reader->callback(reader->context, &record))
		reader->stop = reader->failed = true;

	reader->nfields = 0;
	reader->error[0] = '\0';
	strbuf_reset(&reader->arena);
}

static void
csv_on_record(int terminator, void *context)
{
	(void) terminator;
	CsvReader *reader = context;

	if (!reader->stop)
		csv_emit_record(reader);
}

static bool
csv_parser_start(CsvReader *reader)
{
	if (csv_init(&reader->parser, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0)
	{
		log_error("initialisation de libcsv impossible");
		return false;
	}
	csv_set_delim(&reader->parser, (unsigned char) reader->delimiter);
	/* libcsv grows a field by this much at a time: 128 bytes would make a 10 MB field
	 * cost 80,000 reallocations */
	csv_set_blk_size(&reader->parser, 64 * 1024);
	reader->parser_ready = true;
	return true;
}

bool
csv_reader_open(CsvReader *reader, const char *path, char delimiter,
				const Encoding *encoding)
{
	struct stat st;

	reader->path = path;
	reader->file = fopen(path, "rb");
	if (reader->file == NULL)
	{
		log_error("%s : ouverture impossible : %s", path, log_strerror(errno));
		return false;
	}
	if (fstat(fileno(reader->file), &st) == 0)
		reader->file_size = st.st_size;

	char *sample = malloc(DETECT_SAMPLE_SIZE);

	if (sample == NULL)
	{
		log_error("mémoire insuffisante");
		return false;
	}

	size_t n = fread(sample, 1, DETECT_SAMPLE_SIZE, reader->file);

	if (ferror(reader->file))
	{
		log_error("%s : lecture impossible : %s", path, log_strerror(errno));
		free(sample);
		return false;
	}
	if (encoding)
	{
		reader->encoding = *encoding;
		reader->forced_encoding = true;
	}
	else
		reader->encoding = decode_detect_complete(sample, n, feof(reader->file) != 0);

	size_t start = decode_bom_length(sample, n);

	/* blank lines before the header say nothing about the delimiter */
	while (start < n && (sample[start] == '\n' || sample[start] == '\r'))
		start++;
	reader->delimiter = delimiter ? delimiter
		: csv_detect_delimiter(sample + start, n - start);
	free(sample);
	rewind(reader->file);
	log_debug("%s : encodage %s, séparateur « %c »", path,
			  decode_encoding_name(reader->encoding), reader->delimiter);
	return csv_parser_start(reader);
}

/* Remembers the first problem of the record being read. */
static void csv_flag_record(CsvReader *reader, const char *fmt, ...)
			__attribute__((format(printf, 2, 3)));

static void
csv_flag_record(CsvReader *reader, const char *fmt, ...)
{
	va_list args;

	if (reader->error[0] != '\0')
		return;
	va_start(args, fmt);
	vsnprintf(reader->error, sizeof(reader->error), fmt, args);
	va_end(args);
}

/* Brings one raw line to UTF-8 in reader->decoded; flags what cannot be trusted. */
static bool
csv_decode_line(CsvReader *reader, const char *line, size_t len)
{
	strbuf_reset(&reader->decoded);
	if (reader->line == 1)
	{
		size_t bom = decode_bom_length(line, len);

		line += bom;
		len -= bom;
	}
	if (memchr(line, '\0', len) != NULL)
		csv_flag_record(reader, "caractère NUL (octet 0) dans la ligne");

	if (reader->encoding == ENCODING_CP1252)
	{
		size_t bad = (size_t) -1;

		if (!decode_cp1252_to_utf8(line, len, &reader->decoded, &bad))
		{
			if (bad == (size_t) -1)
				return false;
			csv_flag_record(reader, "octet 0x%02X inconnu en Windows-1252", (unsigned char) line[bad]);
			/* keep the line, minus the byte, so the record is still reported */
			strbuf_reset(&reader->decoded);
			for (size_t i = 0; i < len; i++)
			{
				size_t ignored;

				if (i != bad && !decode_cp1252_to_utf8(line + i, 1, &reader->decoded, &ignored))
					strbuf_putc(&reader->decoded, '?');
			}
		}
		return true;
	}

	size_t bad = decode_utf8_invalid_offset(line, len);

	if (bad == len)
		return strbuf_append(&reader->decoded, line, len);

	csv_flag_record(reader,
					"octet 0x%02X invalide en UTF-8 (encodage mélangé dans le fichier ?)",
					(unsigned char) line[bad]);
	/* replace invalid bytes so that the rejected row can still be shown */
	for (size_t i = 0; i < len;)
	{
		size_t ok = decode_utf8_invalid_offset(line + i, len - i);

		if (!strbuf_append(&reader->decoded, line + i, ok))
			return false;
		i += ok;
		if (i < len)
		{
			strbuf_putc(&reader->decoded, '?');
			i++;
		}
	}
	return true;
}

/* After a strict-mode syntax error: report the record, restart the parser. */
static bool
csv_recover_syntax_error(CsvReader *reader)
{
	int start = reader->record_line;

	snprintf(reader->error, sizeof(reader->error),
			 "CSV mal formé : guillemet mal placé (lignes %d à %d)", start, reader->line);
	csv_emit_record(reader);
	csv_free(&reader->parser);
	reader->parser_ready = false;
	return csv_parser_start(reader);
}

bool
csv_reader_run(CsvReader *reader, CsvRecordCallback callback, void *context)
{
	reader->callback = callback;
	reader->context = context;

	ssize_t got;

	while (!reader->stop &&
		   (got = getline(&reader->linebuf, &reader->linecap, reader->file)) > 0)
	{
		reader->line++;
		reader->bytes_read += got;
		/* a record starts on this line when the parser is between rows */
		if (reader->nfields == 0 && reader->parser.pstate == 0)
			reader->record_line = reader->line;
		if (!csv_decode_line(reader, reader->linebuf, (size_t) got))
			return false;

		size_t parsed = csv_parse(&reader->parser, reader->decoded.data,
								  reader->decoded.len, csv_on_field,
								  csv_on_record, reader);

		if (parsed != reader->decoded.len && !reader->stop)
		{
			if (csv_error(&reader->parser) != CSV_EPARSE)
			{
				log_error("%s:%d : %s", reader->path, reader->line,
						  csv_strerror(csv_error(&reader->parser)));
				return false;
			}
			if (!csv_recover_syntax_error(reader))
				return false;
		}
	}
	if (ferror(reader->file))
	{
		log_error("%s : lecture impossible : %s", reader->path, log_strerror(errno));
		return false;
	}
	if (reader->stop)
		return !reader->failed;

	if (csv_fini(&reader->parser, csv_on_field, csv_on_record, reader) != 0)
	{
		int start = reader->record_line;

		snprintf(reader->error, sizeof(reader->error),
				 "CSV mal formé : guillemet ouvert ligne %d jamais fermé "
				 "(les lignes %d à %d n'ont pas pu être lues)", start, start, reader->line);
		csv_emit_record(reader);
	}
	return !reader->failed;
}

void
csv_reader_close(CsvReader *reader)
{
	if (reader->parser_ready)
		csv_free(&reader->parser);
	if (reader->file)
		fclose(reader->file);
	strbuf_free(&reader->arena);
	strbuf_free(&reader->decoded);
	free(reader->offsets);
	free(reader->lengths);
	free(reader->fields);
	free(reader->linebuf);
	memset(reader, 0, sizeof(*reader));
}
