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

#endif
