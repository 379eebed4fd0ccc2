/*
 * The *.rejets.csv of a batch: the file's own title and header lines, then each
 * rejected row as sent followed by ligne;colonne;motif, in the file's own delimiter
 * and encoding, so the sender corrects it in their spreadsheet and sends it back.
 */
#ifndef CLAUSE_REJECTS_FILE_H
#define CLAUSE_REJECTS_FILE_H

#include <stdbool.h>

#include "importers/import.h"
#include "src/lib/db.h"

bool rejects_file_write(Db *db, const char *source_path, const ImportResult *result,
						const char *out_path);

#endif
