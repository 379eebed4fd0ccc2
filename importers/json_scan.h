/*
 * A streaming JSON scanner over a FILE, shared by the JSON and DECP readers: it finds
 * where values end (strings, escapes and depth tracked) without parsing them.
 */
#ifndef CLAUSE_JSON_SCAN_H
#define CLAUSE_JSON_SCAN_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "src/lib/strbuf.h"

#define JSON_SCAN_ANY_DEPTH LONG_MAX	/* max_depth of a value whose depth is not limited */

typedef struct JsonScan
{
	FILE *file;					/* not owned */
	long line;					/* current line, 1-based */
	int peeked;					/* one byte of lookahead, valid when has_peek */
	bool has_peek;
} JsonScan;

/* How a value was kept: out may hold less than the whole value. */
typedef struct JsonValueInfo
{
	bool too_big;				/* more than max_size bytes: out holds the first ones */
	bool too_deep;				/* nested deeper than max_depth */
	bool no_memory;				/* out could not grow: it holds what fit */
} JsonValueInfo;

typedef enum JsonKeyStatus
{
	JSON_KEY_OK,
	JSON_KEY_MISSING,			/* the next byte does not open a string */
	JSON_KEY_TRUNCATED,			/* the file ends inside the key */
	JSON_KEY_NO_COLON			/* no ':' after the key */
} JsonKeyStatus;

void json_scan_init(JsonScan *scan, FILE *file);
int json_scan_get(JsonScan *scan);
int json_scan_peek(JsonScan *scan);

/* Skips spaces, tabs and line ends; returns the next byte, not consumed. */
int json_scan_space(JsonScan *scan);

/*
 * Reads the value whose first byte is next, to its end: a string to its closing quote,
 * a container to its closing bracket, anything else up to a delimiter (, ] } or a
 * space). When out is not NULL it is reset and holds the value's first max_size bytes.
 * Returns false when the file ends inside the value; *info says what was kept.
 */
bool json_scan_value(JsonScan *scan, StrBuf *out, size_t max_size, long max_depth,
					 JsonValueInfo *info);

/*
 * Reads a bare word (a number, true, false, null): the bytes from [A-Za-z0-9+-.] that
 * come next, kept in out as json_scan_value does. Returns false when there are none.
 */
bool json_scan_word(JsonScan *scan, StrBuf *out, size_t max_size, JsonValueInfo *info);

/*
 * Reads an object key (next byte '"'), its ':' and the spaces after it. The key goes
 * into key as written, escapes included (so a key with escapes matches no plain name),
 * cut to size - 1 bytes; *length (when not NULL) gets its whole length.
 */
JsonKeyStatus json_scan_key(JsonScan *scan, char *key, size_t size, size_t *length);

#endif
