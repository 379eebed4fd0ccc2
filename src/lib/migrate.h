/*
 * Schema migrations: applies sql/migrations/NNNN_*.sql once each, in order,
 * recorded in clause.schema_migration; re-creates the views (the files of sql/views/)
 * when one of them changed.
 */
#ifndef CLAUSE_MIGRATE_H
#define CLAUSE_MIGRATE_H

#include <stdbool.h>

#include "src/lib/db.h"

/*
 * What migrate_apply loads once the schema is there: the reference catalogue
 * (catalogue_ensure, src/workflow/catalogue.c). It goes through the importer, a layer above this one,
 * so the program hands it down at start (cli_main.c; the tests' testdb.c). Not set: no seed.
 */
void migrate_set_seed(bool (*seed) (Db *db));

/* Applies what is missing, then the seed (the reference catalogue, into a database without one). */
bool migrate_apply(Db *db, bool verbose);

/*
 * For tests of upgrades: every numbered migration but SKIP ("0100"), and the views,
 * without the reference catalogue: a database as the release before SKIP left it, with the
 * later migrations today's code needs to fill it (SKIP is applied by migrate_apply after).
 */
bool migrate_apply_without(Db *db, const char *skip);

#endif
