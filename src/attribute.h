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

/* Recomputes attribution in a transaction of its own. */
bool attribute_run(Db *db);

#endif
