/*
 * Timesheet lines with their attribution and provenance (clause report lines):
 * which lines are non comptabilisées and why, with their file and line number.
 */
#ifndef CLAUSE_LINES_H
#define CLAUSE_LINES_H

#include <stdbool.h>
#include <stdio.h>

#include "src/lib/db.h"

typedef enum
{
	LINES_TEXT,
	LINES_CSV
} LinesFormat;

typedef struct LinesFilter
{
	const char *reason;			/* a motif, "credite", or NULL for all non-credited */
	const char *plie;
	const char *marche;
	const char *lot;
} LinesFilter;

bool lines_write(Db *db, const LinesFilter *filter, LinesFormat format, FILE *out,
				 long long *count);

/* Rejected rows of a batch (clause report rejets). */
bool rejects_write(Db *db, const char *lot, LinesFormat format, FILE *out, long long *count);

/* Every value the lines of a participant on a marché took, and which batch set it. */
bool history_write(Db *db, const char *participant, const char *marche, LinesFormat format,
				   FILE *out, long long *count);

/* Batches and what each changed (clause report batches). */
bool batches_write(Db *db, LinesFormat format, FILE *out);

#endif
