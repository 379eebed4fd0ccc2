/*
 * What a batch lowered (DOMAIN.md rule 3): the participant-months whose credited hours
 * went down with its attribution, read from clause.baisse, in French.
 */
#ifndef CLAUSE_BAISSES_H
#define CLAUSE_BAISSES_H

#include <stdbool.h>
#include <stdio.h>

#include "src/lib/db.h"

/*
 * Writes, for the attributions of the batches lots ("12,13") as they were loaded, or
 * cancelled when cancellation, one line per participant,
 * marché and month: "Martin Léa (P1), marché M1, 2021-03 : 140,00 h → 60,00 h (remplacee)",
 * each after indent, then the total ("2 lignes déjà comptées baissent : −80,00 h"). out
 * NULL: as warnings on the log. Writes nothing when nothing went down; *count: the lines.
 */
bool baisses_write(Db *db, const char *lots, bool cancellation, FILE *out, const char *indent,
				   long long *count);

#endif
