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
 * heures batches touched. Exact as long as no referential data changed since the last
 * whole attribution; callers that changed referential data use attribute_in_transaction.
 */
bool attribute_lots_in_transaction(Db *db, const long long *lots, int count);

/* Recomputes attribution in a transaction of its own. */
/*
 * Within the caller's transaction, after batch lot was marked cancelled: recomputes the
 * participant-months its lines touch (its lines stop standing, those it replaced stand again).
 */
bool attribute_cancelled_lot_in_transaction(Db *db, long long lot);

bool attribute_run(Db *db);

#endif
