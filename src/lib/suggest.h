/*
 * Closest known ids for an unknown one ("bm" → "BM"): an edit distance that ignores case,
 * so that every "unknown id" message can say what the user probably meant.
 */
#ifndef CLAUSE_SUGGEST_H
#define CLAUSE_SUGGEST_H

#include <stdbool.h>
#include <stddef.h>

#define SUGGEST_MAX 3

typedef struct Suggestions
{
	char ids[SUGGEST_MAX][128];	/* copies of the candidates kept */
	int count;
	int best;					/* distance of the ids kept; -1 when none */
} Suggestions;

/* Edit distance (Levenshtein) between a and b, ASCII letters compared without case. */
int suggest_distance(const char *a, const char *b);

/*
 * Offers one known id: kept when it is close enough to the unknown one (a distance of
 * about a third of its length, at least 1, or the unknown one is the start of it) and
 * as close as the closest seen so far. Start from a zeroed Suggestions with best = -1.
 */
void suggest_offer(Suggestions *s, const char *unknown, const char *candidate);

/* " ; vouliez-vous dire « A » ?", " ; vouliez-vous dire « A », « B » ou « C » ?", or "". */
void suggest_text(const Suggestions *s, char *out, size_t outsize);

#endif
