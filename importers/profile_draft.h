/*
 * Drafting a profile from a sender's file: its format, encoding, delimiter, title lines
 * and total rows, and its columns matched to the canonical fields of timesheets by the
 * names senders use ("Heures payées", "Nb d'heures", "Réf. marché", "N° SIRET",
 * "Semaine du"…). The draft is to be reviewed, then checked with clause profile check.
 */
#ifndef CLAUSE_PROFILE_DRAFT_H
#define CLAUSE_PROFILE_DRAFT_H

#include <stdbool.h>

#include "src/lib/strbuf.h"

/*
 * Reads the first rows of path and writes the proposed profile (JSON) into json and
 * what the reviewer must check or complete, one French line each, into notes.
 * False when the file cannot be read (reported).
 */
bool profile_draft(const char *path, const char *name, StrBuf *json, StrBuf *notes);

#endif
