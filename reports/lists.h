/*
 * What clause knows, listed (clause list): donneurs, opérations, marchés, entreprises,
 * participants and import batches, from the functions of sql/views/35_listes.sql.
 */
#ifndef CLAUSE_LISTS_H
#define CLAUSE_LISTS_H

#include <stdbool.h>
#include <stdio.h>

#include "src/lib/db.h"

typedef enum
{
	LIST_DONNEURS,
	LIST_OPERATIONS,
	LIST_MARCHES,
	LIST_ENTREPRISES,
	LIST_PARTICIPANTS,
	LIST_LOTS
} ListKind;

typedef enum
{
	LIST_OK,
	LIST_REFUSED,				/* the reader may not see these rows (reported) */
	LIST_FAILED					/* database or output error (reported) */
} ListStatus;

/*
 * Writes the list, filtered by PLIE and searched text (each NULL for all), as an aligned
 * text table or CSV for French Excel; *count receives the rows written. Participants are
 * written only for the owner of the data and a facilitateur's role.
 */
ListStatus list_write(Db *db, ListKind kind, const char *plie, const char *search, bool csv,
					  FILE *out, long long *count);

#endif
