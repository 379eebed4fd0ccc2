/*
 * Schema migrations: applies sql/migrations/NNNN_*.sql once each, in order,
 * recorded in clause.schema_migration; re-creates sql/views.sql when it changed.
 */
#ifndef CLAUSE_MIGRATE_H
#define CLAUSE_MIGRATE_H

#include <stdbool.h>

#include "db.h"

bool migrate_apply(Db *db, bool verbose);

#endif
