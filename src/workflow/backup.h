/*
 * Backups kept as proof for years: a pg_dump custom-format file of the clause schema,
 * its control figures (row counts, credited hours by fiche) and their SHA-256.
 */
#ifndef CLAUSE_BACKUP_H
#define CLAUSE_BACKUP_H

#include <stdbool.h>

#include "src/lib/session.h"

/*
 * Writes path (0600, never over an existing file), path.controle and path.sha256.
 * The figures are counted in the very snapshot pg_dump copies.
 */
bool backup_write(Session *session, const char *conninfo, const char *path);

/*
 * Restores path into the session's database, which must hold no imported batch;
 * checks both files against path.sha256 first, and the restored figures against
 * path.controle after. The schema is then migrated to this release.
 */
bool backup_restore(Session *session, const char *conninfo, const char *path);

#endif
