/*
 * Normalisation of names for matching: lower case, accents and ligatures removed,
 * hyphens and apostrophes as spaces, spaces collapsed ("Lebœuf-Müller " -> "leboeuf muller").
 */
#ifndef CLAUSE_NORMALIZE_H
#define CLAUSE_NORMALIZE_H

#include <stdbool.h>

#include "src/lib/strbuf.h"

/* Appends the normalised form of a UTF-8 text to out. */
bool normalize_name(const char *text, StrBuf *out);

#endif
