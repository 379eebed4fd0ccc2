/*
 * DECP marchés to follow (clause report decp-a-suivre): imported DECP marchés with a
 * social consideration, in a PLIE's communes, that no opération follows yet.
 */
#ifndef CLAUSE_REPORT_DECP_H
#define CLAUSE_REPORT_DECP_H

#include <stdbool.h>
#include <stdio.h>

#include "src/lib/db.h"

/*
 * Writes the marchés of v_decp_a_suivre for PLIE plie (its code), as an aligned text
 * table or as CSV for French Excel; *count receives the number of marchés. False, with
 * the error logged, on an unknown PLIE or a database error.
 */
bool decp_a_suivre_write(Db *db, const char *plie, bool csv, FILE *out, long long *count);

/* Whether plie is the code of a known PLIE; false on a database error. */
bool decp_plie_exists(Db *db, const char *plie, bool *exists);

#endif
