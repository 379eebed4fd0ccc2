/*
 * A growable hash map from strings to integers (open addressing), owned by its
 * struct: keys are copied. Used to group rows and to find participants by name.
 */
#ifndef CLAUSE_STRMAP_H
#define CLAUSE_STRMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct StrMap
{
	char **keys;
	long *values;
	size_t capacity;			/* a power of two, or 0 */
	size_t count;
} StrMap;

/* Stores key -> value, replacing an existing value. */
bool strmap_put(StrMap *map, const char *key, long value);

/*
 * Makes room for count keys at once, so that filling the map from a result of known size
 * rehashes nothing on the way (60,000 participants: six doublings). False when memory
 * runs out; the map is then as it was.
 */
bool strmap_reserve(StrMap *map, size_t count);

/* True when key is present; its value in *value. */
bool strmap_get(const StrMap *map, const char *key, long *value);

void strmap_free(StrMap *map);

/*
 * The map's hash (FNV-1a), for keys made of several strings: start from
 * STRMAP_HASH_START and continue with each part.
 */
#define STRMAP_HASH_START 1469598103934665603ULL
uint64_t strmap_hash_continue(uint64_t hash, const char *text);

#endif
