/*
 * Ids given on the command line checked against what the database knows: an unknown
 * one is reported once, in French, with the closest known ids ignoring case.
 */
#ifndef CLAUSE_KNOWN_H
#define CLAUSE_KNOWN_H

#include <stdbool.h>

#include "src/lib/db.h"

typedef enum
{
	KNOWN_DONNEUR,
	KNOWN_OPERATION,
	KNOWN_MARCHE,
	KNOWN_PLIE,
	KNOWN_ENTREPRISE,
	KNOWN_PARTICIPANT
} KnownKind;

/*
 * True when value is a known id of that kind. Otherwise false: *unknown set when the id
 * is unknown (reported: « donneur d'ordre inconnu « bm » ; vouliez-vous dire « BM » ? »),
 * left false on a database error (reported by db.c).
 */
bool known_check(Db *db, KnownKind kind, const char *value, bool *unknown);

#endif
