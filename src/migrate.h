/*
 * Schema migrations: applies sql/migrations/NNNN_*.sql once each, in order,
 * recorded in clause.schema_migration; re-creates sql/views.sql when it changed.
 */
#ifndef CLAUSE_MIGRATE_H
#define CLAUSE_MIGRATE_H

#include <stdbool.h>

#include "db.h"

/* Applies what is missing, then loads the reference catalogue into a database without one. */
bool migrate_apply(Db *db, bool verbose);

/*
 * For tests of upgrades: the numbered migrations whose number sorts before BEFORE ("0100"),
 * and the views, without the reference catalogue: a database as an earlier release left it.
 */
bool migrate_apply_before(Db *db, const char *before);

#endif
