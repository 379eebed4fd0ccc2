/*
 * Edit distance with a cut-off, and the nearest keys of a map: a mistyped reference
 * ("2021-BM-71") gets the real one ("2021-BM-017") in its reject reason.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "importers/closest.h"

#define CLOSEST_MAX_LEN 128
#define CLOSEST_SHOWN 3

int
closest_distance(const char *a, const char *b, int limit)
{
	size_t la = strlen(a), lb = strlen(b);
	int row[CLOSEST_MAX_LEN + 1];

	if (la > CLOSEST_MAX_LEN || lb > CLOSEST_MAX_LEN)
		return limit + 1;
	if ((la > lb ? la - lb : lb - la) > (size_t) limit)
		return limit + 1;
	for (size_t j = 0; j <= lb; j++)
		row[j] = (int) j;
	for (size_t i = 1; i <= la; i++)
	{
		int diagonal = row[0];
		int best = row[0] = (int) i;

		for (size_t j = 1; j <= lb; j++)
		{
			int above = row[j];
			int cost = tolower((unsigned char) a[i - 1]) == tolower((unsigned char) b[j - 1]) ? 0 : 1;
			int value = diagonal + cost;

			if (above + 1 < value)
				value = above + 1;
			if (row[j - 1] + 1 < value)
				value = row[j - 1] + 1;
			row[j] = value;
			diagonal = above;
			if (value < best)
				best = value;
		}
		if (best > limit)
			return limit + 1;
	}
	return row[lb] <= limit ? row[lb] : limit + 1;
}

int
closest_limit(const char *wanted)
{
	int quarter = (int) strlen(wanted) / 4;

	return quarter > 2 ? quarter : 2;
}

/* How many characters of wanted the key also holds: "71" is nearer "017" than "012". */
static int
shared_characters(const char *wanted, const char *key)
{
	int bag[256] = {0};
	int shared = 0;

	for (const unsigned char *p = (const unsigned char *) key; *p; p++)
		bag[tolower(*p)]++;
	for (const unsigned char *p = (const unsigned char *) wanted; *p; p++)
		if (bag[tolower(*p)]-- > 0)
			shared++;
	return shared;
}

void
closest_keys(const StrMap *map, const char *wanted, char *out, size_t size)
{
	const char *best[CLOSEST_SHOWN] = {NULL};
	int distance[CLOSEST_SHOWN] = {0};
	int limit = closest_limit(wanted);
	int scale = (int) strlen(wanted) + 1;

	out[0] = '\0';
	for (size_t slot = 0; slot < map->capacity; slot++)
	{
		const char *key = map->keys[slot];
		int d = key ? closest_distance(wanted, key, limit) : limit + 1;

		if (d > limit)
			continue;
		/* at equal distance, the key sharing more of the characters sent comes first */
		d = d * scale + (scale - 1 - shared_characters(wanted, key));
		/* insert in order of distance, then of name, keeping the nearest three */
		for (int i = 0; i < CLOSEST_SHOWN; i++)
		{
			if (best[i] && (distance[i] < d || (distance[i] == d && strcmp(best[i], key) < 0)))
				continue;
			for (int k = CLOSEST_SHOWN - 1; k > i; k--)
			{
				best[k] = best[k - 1];
				distance[k] = distance[k - 1];
			}
			best[i] = key;
			distance[i] = d;
			break;
		}
	}

	size_t used = 0;

	for (int i = 0; i < CLOSEST_SHOWN && best[i] && used < size; i++)
		used += (size_t) snprintf(out + used, size - used, "%s« %s »", i ? " ou " : "", best[i]);
}
