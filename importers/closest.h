/*
 * "Did you mean": the known ids nearest to an unknown one, by edit distance (case
 * ignored), for reject reasons a sender can act on.
 */
#ifndef CLAUSE_CLOSEST_H
#define CLAUSE_CLOSEST_H

#include <stddef.h>

#include "importers/strmap.h"

/* Levenshtein distance of a and b, case ignored; limit + 1 as soon as it exceeds limit. */
int closest_distance(const char *a, const char *b, int limit);

/* How far an id may be from the one sent to be suggested: 2, or a quarter of its length. */
int closest_limit(const char *wanted);

/*
 * Writes into out the (at most 3) keys of map nearest to wanted, nearest first, as
 * "« A » ou « B »"; "" when none is within closest_limit.
 */
void closest_keys(const StrMap *map, const char *wanted, char *out, size_t size);

#endif
