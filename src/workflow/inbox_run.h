/*
 * The monthly inbox run, below the command line (clause batch DIR): imports the files of
 * a scanned inbox, moves them to DIR/traites/ with their rejected rows, attributes once what
 * they changed and writes the run's compte-rendu.
 */
#ifndef CLAUSE_INBOX_RUN_H
#define CLAUSE_INBOX_RUN_H

#include <stdbool.h>

#include "importers/inbox.h"
#include "src/lib/db.h"

/*
 * Runs the inbox DIR as inbox_scan() found it, on db; home holds the profiles; strict: a
 * rejected row refuses its file; at most max_files (-1: all). Returns the command's exit code
 * (EXIT_CODE_OK, _REJECTED when a file stays in the box or has rejected rows, _DATABASE…).
 */
int inbox_run(Db *db, const char *dir, const char *home, const Inbox *inbox, bool strict,
			  int max_files);

#endif
