/*
 * String-keyed hash map with linear probing, FNV-1a hashing, doubling at 70 % load.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "importers/strmap.h"
#include "src/lib/log.h"

uint64_t
strmap_hash_continue(uint64_t hash, const char *text)
{
	for (const unsigned char *p = (const unsigned char *) text; *p; p++)
	{
		hash ^= *p;
		hash *= 1099511628211ULL;
	}
	return hash;
}

static uint64_t
strmap_hash(const char *key)
{
	return strmap_hash_continue(STRMAP_HASH_START, key);
}

static size_t
strmap_slot(const StrMap *map, const char *key)
{
	size_t mask = map->capacity - 1;
	size_t slot = (size_t) strmap_hash(key) & mask;

	while (map->keys[slot] && strcmp(map->keys[slot], key) != 0)
		slot = (slot + 1) & mask;
	return slot;
}

/* Moves every key into a table of capacity slots (a power of two above the keys). */
static bool
strmap_rehash(StrMap *map, size_t capacity)
{
	StrMap bigger = {
		.keys = calloc(capacity, sizeof(char *)),
		.values = calloc(capacity, sizeof(long)),
		.capacity = capacity,
	};

	if (bigger.keys == NULL || bigger.values == NULL)
	{
		free(bigger.keys);
		free(bigger.values);
		log_error("mémoire insuffisante");
		return false;
	}
	for (size_t i = 0; i < map->capacity; i++)
	{
		if (map->keys[i] == NULL)
			continue;

		size_t slot = strmap_slot(&bigger, map->keys[i]);

		bigger.keys[slot] = map->keys[i];
		bigger.values[slot] = map->values[i];
	}
	free(map->keys);
	free(map->values);
	bigger.count = map->count;
	*map = bigger;
	return true;
}

static bool
strmap_grow(StrMap *map)
{
	return strmap_rehash(map, map->capacity ? map->capacity * 2 : 64);
}

bool
strmap_reserve(StrMap *map, size_t count)
{
	size_t capacity = map->capacity ? map->capacity : 64;

	/* the load strmap_put keeps: at most 70 % of the slots taken */
	while ((map->count + count) * 10 > capacity * 7)
		capacity *= 2;
	return capacity == map->capacity || strmap_rehash(map, capacity);
}

bool
strmap_put(StrMap *map, const char *key, long value)
{
	if ((map->count + 1) * 10 > map->capacity * 7 && !strmap_grow(map))
		return false;

	size_t slot = strmap_slot(map, key);

	if (map->keys[slot] == NULL)
	{
		map->keys[slot] = strdup(key);
		if (map->keys[slot] == NULL)
		{
			log_error("mémoire insuffisante");
			return false;
		}
		map->count++;
	}
	map->values[slot] = value;
	return true;
}

bool
strmap_get(const StrMap *map, const char *key, long *value)
{
	if (map->capacity == 0)
		return false;

	size_t slot = strmap_slot(map, key);

	if (map->keys[slot] == NULL)
		return false;
	if (value)
		*value = map->values[slot];
	return true;
}

void
strmap_free(StrMap *map)
{
	for (size_t i = 0; i < map->capacity; i++)
		free(map->keys[i]);
	free(map->keys);
	free(map->values);
	memset(map, 0, sizeof(*map));
}
