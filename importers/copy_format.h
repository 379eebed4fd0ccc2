/*
 * Writing values in PostgreSQL's COPY text format: tab-separated, \N for NULL,
 * backslash escapes for the characters the format reserves.
 */
#ifndef CLAUSE_COPY_FORMAT_H
#define CLAUSE_COPY_FORMAT_H

#include <stdbool.h>

#include "src/lib/strbuf.h"

bool copy_append_text(StrBuf *row, const char *value);
bool copy_append_null(StrBuf *row);
bool copy_append_int(StrBuf *row, long long value);

/* Separators: call before every value but the first, and at the end of a row. */
bool copy_next_field(StrBuf *row);
bool copy_end_row(StrBuf *row);

#endif
