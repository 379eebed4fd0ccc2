/*
 * The canonical file kinds (donneurs, operations, marches, entreprises,
 * participants, conventions, heures, contrats): their columns, value types and checks.
 */
#ifndef CLAUSE_KINDS_H
#define CLAUSE_KINDS_H

#include <stdbool.h>
#include <stddef.h>

#include "importers/validate.h"

typedef enum
{
	COLUMN_ID,
	COLUMN_TEXT,
	COLUMN_ENUM,
	COLUMN_DATE,
	COLUMN_MONTH,
	COLUMN_AMOUNT,
	COLUMN_HOURS,
	COLUMN_SIRET,
	COLUMN_INSEE,
	COLUMN_YES_NO,
	COLUMN_SEX,
	COLUMN_CRITERIA
} ColumnType;

typedef struct ColumnSpec
{
	const char *name;
	ColumnType type;
	bool required;				/* an empty value is rejected */
	const char *const *values;	/* COLUMN_ENUM: allowed values */
	const char *when_empty;		/* value used when empty and optional; NULL = SQL NULL */
} ColumnSpec;

/* Cross-field check of a row of canonical values; sets the faulty column. */
typedef bool (*RowCheck) (char *const *values, int *column, char *err);

typedef struct KindSpec
{
	const char *name;
	const char *label;			/* French, for messages */
	const ColumnSpec *columns;
	int ncolumns;
	const char *merge_sql;		/* name of the embedded SQL that merges the stage;
								 * NULL for heures (importers/heures_load.c) */
	RowCheck check_row;
	/*
	 * For a kind whose merge keeps the digest of the row it wrote (migration 0210,
	 * importers/row_digest.h): the lock that keeps other writers of its table out until
	 * the batch commits, taken before the stored ids and digests are read. NULL for the
	 * others.
	 */
	const char *stored_digests_lock;
	const char *stored_digests_sql;
} KindSpec;

#define KIND_VALUE_SIZE 1024	/* canonical values fit; longer text is rejected */

const KindSpec *kind_find(const char *name);
const char *kind_names(void);	/* "donneurs, operations, ..." for messages */

/*
 * Validates one raw field (trimmed in place) against its column; out receives
 * the canonical value, *is_null whether it stands for SQL NULL.
 */
bool kind_validate_field(const ColumnSpec *column, char *raw, char *out,
						 bool *is_null, char *err);

#endif
