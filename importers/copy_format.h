/*
 * Writing values in PostgreSQL's COPY text format: tab-separated, \N for NULL,
 * backslash escapes for the characters the format reserves.
 */
#ifndef CLAUSE_COPY_FORMAT_H
#define CLAUSE_COPY_FORMAT_H

#include <stdbool.h>

#include "src/lib/strbuf.h"

/*
 * Bytes of COPY rows gathered before one send, for every import (import_batch.c). Small
 * sends keep the server busy while the next rows are parsed: with 256 KB the two sides
 * took turns and a million lines took 6 s instead of 3.9 s. Measured again when DECP
 * (then 256 KB) joined: a million timesheet lines, 32 KB against 256 KB and 64 KB, gave
 * 0.84 and 0.97 of their wall time (medians of five alternated runs).
 */
#define COPY_FLUSH_SIZE (32 * 1024)

bool copy_append_text(StrBuf *row, const char *value);
bool copy_append_null(StrBuf *row);
bool copy_append_int(StrBuf *row, long long value);

/* Separators: call before every value but the first, and at the end of a row. */
bool copy_next_field(StrBuf *row);
bool copy_end_row(StrBuf *row);

/*
 * PostgreSQL's binary COPY format, for the timesheet lines (importers/heures_load.c): the
 * server reads dates and numbers as they are stored instead of parsing their text, 0.23 s
 * less for the COPY of 500,000 lines (0.77 against 0.54 s, issue 17). Each value is its
 * length then its bytes, in network order; the values given are the importer's canonical
 * ones (validated), any other form is refused (false) rather than guessed.
 */
#define COPY_BINARY_HEADER_SIZE 19
extern const char COPY_BINARY_HEADER[COPY_BINARY_HEADER_SIZE];

bool copy_binary_row(StrBuf *row, int fields);	/* before the row's fields */
bool copy_binary_null(StrBuf *row);
bool copy_binary_int8(StrBuf *row, long long value);
bool copy_binary_int4(StrBuf *row, int value);
bool copy_binary_text(StrBuf *row, const char *value);
/* "YYYY-MM-DD", a real day of the proleptic Gregorian calendar, years 1 to 9999 */
bool copy_binary_date(StrBuf *row, const char *iso);
/* up to 16 digits, then a '.' and at most four decimals ("12.5", "0.25", "744") */
bool copy_binary_numeric(StrBuf *row, const char *decimal);

#endif
