/*
 * Closest known ids for an unknown one: Levenshtein distance without case, a prefix
 * counted as close, the closest few kept in the order they were offered.
 */
#include <ctype.h>
#include <strings.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/lib/suggest.h"

#define SUGGEST_MAX_LEN 128

int
suggest_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	int row[SUGGEST_MAX_LEN + 1];

	if (la > SUGGEST_MAX_LEN || lb > SUGGEST_MAX_LEN)
		return (int) (la > lb ? la : lb);
	for (size_t j = 0; j <= lb; j++)
		row[j] = (int) j;
	for (size_t i = 1; i <= la; i++)
	{
		int diagonal = row[0];

		row[0] = (int) i;
		for (size_t j = 1; j <= lb; j++)
		{
			int above = row[j];
			int cost = tolower((unsigned char) a[i - 1]) != tolower((unsigned char) b[j - 1]);
			int best = diagonal + cost;

			if (above + 1 < best)
				best = above + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diagonal = above;
		}
	}
	return row[lb];
}

static bool
is_prefix_nocase(const char *prefix, const char *text)
{
	size_t n = strlen(prefix);

	return n >= 2 && strlen(text) > n && strncasecmp(prefix, text, n) == 0;
}

void
suggest_offer(Suggestions *s, const char *unknown, const char *candidate)
{
	int length = (int) strlen(unknown);
	int limit = length / 3 > 1 ? length / 3 : 1;
	int distance = suggest_distance(unknown, candidate);

	if (distance > limit && is_prefix_nocase(unknown, candidate))
		distance = limit;
	if (distance > limit)
		return;
	if (s->best < 0 || distance < s->best)
	{
		s->best = distance;
		s->count = 0;
	}
	if (distance == s->best && s->count < SUGGEST_MAX)
		snprintf(s->ids[s->count++], sizeof(s->ids[0]), "%s", candidate);
}

void
suggest_text(const Suggestions *s, char *out, size_t outsize)
{
	size_t used = 0;

	out[0] = '\0';
	if (s->count == 0)
		return;
	used += (size_t) snprintf(out, outsize, " ; vouliez-vous dire ");
	for (int i = 0; i < s->count && used < outsize; i++)
	{
		const char *glue = i == 0 ? "" : i == s->count - 1 ? " ou " : ", ";

		used += (size_t) snprintf(out + used, outsize - used, "%s« %s »", glue, s->ids[i]);
	}
	if (used < outsize)
		snprintf(out + used, outsize - used, " ?");
}
