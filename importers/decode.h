/*
 * Character encodings of input files: detection (UTF-8, with or without BOM,
 * or Windows-1252), conversion of Windows-1252 to UTF-8, UTF-8 validation.
 */
#ifndef CLAUSE_DECODE_H
#define CLAUSE_DECODE_H

#include <stdbool.h>
#include <stddef.h>

#include "src/lib/strbuf.h"

typedef enum
{
	ENCODING_UTF8 = 0,
	ENCODING_CP1252
} Encoding;

const char *decode_encoding_name(Encoding encoding);

/* Length of a UTF-8 byte order mark at the start of buf, 0 when none. */
size_t decode_bom_length(const char *buf, size_t len);

/*
 * Guesses the encoding from a sample of the file's start: Windows-1252 when it
 * holds bytes invalid in UTF-8 and no valid multi-byte UTF-8 sequence; UTF-8
 * otherwise (a mixed file is read as UTF-8 and its invalid lines rejected).
 */
Encoding decode_detect(const char *sample, size_t len);

/* Same, when the caller knows whether the sample holds the whole file: then a
 * sequence cut by its end is an invalid byte, not a sample boundary. */
Encoding decode_detect_complete(const char *sample, size_t len, bool complete);

/* Offset of the first invalid UTF-8 byte, or len when all is valid. */
size_t decode_utf8_invalid_offset(const char *buf, size_t len);

/*
 * Appends buf converted from Windows-1252 to UTF-8 into out. Returns false
 * when buf holds a byte Windows-1252 leaves undefined (offset in *bad_offset).
 */
bool decode_cp1252_to_utf8(const char *buf, size_t len, StrBuf *out,
						   size_t *bad_offset);

/* Replaces, in place, every byte that is not valid UTF-8 with '?'. */
void decode_utf8_sanitize(char *text);

/* Appends UTF-8 text converted to Windows-1252; characters it lacks become '?'. */
bool decode_utf8_to_cp1252(const char *text, StrBuf *out);

#endif
