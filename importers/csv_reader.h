/*
 * Streaming CSV reader on libcsv: detects encoding and delimiter, converts to
 * UTF-8, and hands each record with the physical line where it starts.
 */
#ifndef CLAUSE_CSV_READER_H
#define CLAUSE_CSV_READER_H

#include <stdbool.h>
#include <stdio.h>

#include <csv.h>

#include "importers/decode.h"
#include "src/lib/strbuf.h"

typedef struct CsvRecord
{
	int line;					/* physical line where the record starts, 1-based */
	int nfields;
	char **fields;				/* UTF-8, NUL-terminated, valid during the callback */
	size_t *lengths;
	const char *error;			/* non-NULL: the record cannot be trusted, and why */
	const char *error_column;	/* the column at fault, when known */
	const char *content;		/* the row as sent, when fields are not (profiles) */
} CsvRecord;

/* Returns false to stop reading (a fatal error it has reported). */
typedef bool (*CsvRecordCallback) (void *context, const CsvRecord *record);

typedef struct CsvReader
{
	const char *path;
	FILE *file;
	long long file_size;
	long long bytes_read;
	char delimiter;
	Encoding encoding;
	bool forced_encoding;
	int line;					/* lines read so far */
	struct csv_parser parser;
	bool parser_ready;

	/* the record being built */
	StrBuf arena;				/* field bytes, each followed by NUL */
	size_t *offsets;
	size_t *lengths;
	char **fields;
	int nfields;
	int cap_fields;
	int record_line;
	char error[256];
	bool stop;
	bool failed;

	CsvRecordCallback callback;
	void *context;
	StrBuf decoded;				/* a line converted to UTF-8 */
	char *linebuf;
	size_t linecap;
} CsvReader;

/*
 * Opens path, detects its encoding (unless forced with *encoding) and its
 * delimiter (unless delimiter is not 0). Reports errors itself.
 */
bool csv_reader_open(CsvReader *reader, const char *path, char delimiter,
					 const Encoding *encoding);

/* Reads every record, calling callback; false on I/O or callback failure. */
bool csv_reader_run(CsvReader *reader, CsvRecordCallback callback, void *context);

void csv_reader_close(CsvReader *reader);

/* Guesses the delimiter (; , or tab) from a header line, outside quotes. */
char csv_detect_delimiter(const char *line, size_t len);

#endif
