/*
 * Schema migrations: applies sql/migrations/NNNN_*.sql once each, in order,
 * recorded in clause.schema_migration; re-creates the views (the files of sql/views/)
 * when one of them changed.
 */
#ifndef CLAUSE_MIGRATE_H
#define CLAUSE_MIGRATE_H

#include <stdbool.h>

#include "db.h"

/* Applies what is missing, then loads the reference catalogue into a database without one. */
bool migrate_apply(Db *db, bool verbose);

/*
 * For tests of upgrades: every numbered migration but SKIP ("0100"), and the views,
 * without the reference catalogue: a database as the release before SKIP left it, with the
 * later migrations today's code needs to fill it (SKIP is applied by migrate_apply after).
 */
bool migrate_apply_without(Db *db, const char *skip);

#endif
