/*
 * The digest of a referential row as a file gives it (participants, marchés): SHA-256 of
 * the kind's merge script, of the columns the file has and of the row's checked values.
 * The merge stores it beside the row it writes (migration 0210); a later file's row with
 * the same digest would be merged into the very same stored row, so the staged sink does
 * not send it (sink_staged.c). Monthly files repeat every row and change a few.
 */
#ifndef CLAUSE_ROW_DIGEST_H
#define CLAUSE_ROW_DIGEST_H

#include <stdbool.h>
#include <stddef.h>

#include "importers/kinds.h"
#include "importers/strmap.h"

#define ROW_DIGEST_SIZE 32
#define ROW_DIGEST_HEX_SIZE (2 * ROW_DIGEST_SIZE + 1)

typedef struct RowDigester
{
	void *prefix;				/* EVP_MD_CTX fed with the script and the columns */
	void *row;					/* EVP_MD_CTX of the row being digested */
	int ncolumns;
} RowDigester;

/*
 * Prepares the digests of a file's rows: merge_text the kind's merge script (a new script
 * may merge the same row differently: its rows are then all sent again), present[i]
 * whether the file has the kind's column i (DOMAIN.md rule 10: a column it lacks keeps the
 * stored value, so the same values under other columns are another row). False when
 * libcrypto fails; row_digester_free is then still to be called.
 */
bool row_digester_init(RowDigester *digester, const KindSpec *kind, const char *merge_text,
					   const bool *present);

/* The digest of one row of the kind's canonical values (NULL for SQL NULL). */
bool row_digest(RowDigester *digester, char *const *values, unsigned char out[ROW_DIGEST_SIZE]);

void row_digester_free(RowDigester *digester);

/* Lower-case hex, as encode(empreinte, 'hex') gives it. */
void row_digest_hex(const unsigned char digest[ROW_DIGEST_SIZE], char out[ROW_DIGEST_HEX_SIZE]);

/* The digests stored for the rows of a table, by id. */
typedef struct StoredDigests
{
	StrMap index;				/* id -> position in digests */
	unsigned char (*digests)[ROW_DIGEST_SIZE];
	size_t count;
	size_t capacity;
} StoredDigests;

/* Makes room for count more digests at once; false when memory runs out. */
bool stored_digests_reserve(StoredDigests *stored, size_t count);

/* Adds id's digest given in hex; false when memory runs out or hex is not a digest. */
bool stored_digests_add_hex(StoredDigests *stored, const char *id, const char *hex);

/* Whether digest is the one stored for id. */
bool stored_digests_match(const StoredDigests *stored, const char *id,
						  const unsigned char digest[ROW_DIGEST_SIZE]);

void stored_digests_free(StoredDigests *stored);

#endif
