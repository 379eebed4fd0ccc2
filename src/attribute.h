/*
 * Attribution driver: runs sql/attribution.sql, which decides for every timesheet
 * line whether it is credited and to which PLIE and fiche.
 */
#ifndef CLAUSE_ATTRIBUTE_H
#define CLAUSE_ATTRIBUTE_H

#include <stdbool.h>

#include "db.h"

/* Recomputes attribution inside the caller's open transaction. */
bool attribute_in_transaction(Db *db);

/*
 * Recomputes, inside the caller's transaction, only the participant-months that these
 * heures batches touched, and stores in clause.baisse what it took back. Exact as long as no referential data changed since the last
 * whole attribution; callers that changed referential data use attribute_in_transaction.
 */
bool attribute_lots_in_transaction(Db *db, const long long *lots, int count);

/*
 * The same for an import or an inbox run that loaded the batches lots (referential ones
 * included): what it took back from lines credited before is stored in clause.baisse
 * (sql/baisses.sql), as attribute_lots_in_transaction does.
 */
bool attribute_in_transaction_for_lots(Db *db, const long long *lots, int count);

/*
 * Within the caller's transaction, after batch lot was marked cancelled: recomputes the
 * participant-months its lines touch (its lines stop standing, those it replaced stand again).
 */
bool attribute_cancelled_lot_in_transaction(Db *db, long long lot);

/*
 * Recomputes attribution in a transaction of its own: on attribute_default_connections()
 * connections at once when the user owns the table, else on db alone.
 */
bool attribute_run(Db *db);

/* The same on connections connections (1: db alone; the owner only may use more). */
bool attribute_run_on(Db *db, int connections);

/*
 * How many connections a whole attribution uses: CLAUSE_ATTRIBUTION_CONNEXIONS when set,
 * else one per core (at most 4), one below 50,000 lines.
 */
int attribute_default_connections(Db *db);

typedef enum AttributeParallel
{
	ATTRIBUTE_PARALLEL_DONE,
	ATTRIBUTE_PARALLEL_FAILED,	/* said why; the former attribution stands */
	ATTRIBUTE_PARALLEL_UNAVAILABLE	/* the extra connections could not be opened */
} AttributeParallel;

/*
 * The whole attribution split by participant over count (2…16) connections opened like
 * db's (src/attribute_parallel.c), swapped in by db's transaction. A failure anywhere
 * leaves the former attribution as it was.
 */
AttributeParallel attribute_parallel_run(Db *db, int count);

#endif
