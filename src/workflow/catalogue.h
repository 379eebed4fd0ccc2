/*
 * The reference catalogue shipped with clause (data/reference/), loaded on first use into
 * a database that has none, through the import of its kind; traced in source_reference.
 */
#ifndef CLAUSE_CATALOGUE_H
#define CLAUSE_CATALOGUE_H

#include <stdbool.h>

#include "src/lib/db.h"

/*
 * Loads each part of the catalogue (territories, then fiches) that the database lacks,
 * when it holds no batch yet; a part present, whatever its origin, is never loaded again.
 * Each file is its own transaction. False, with the reason logged, when a file cannot be
 * read or loaded whole.
 */
bool catalogue_ensure(Db *db);

#endif
