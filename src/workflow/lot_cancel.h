/*
 * Cancelling a timesheet batch (DOMAIN.md rule 9), shared by `clause lot annuler` and
 * clause serve's /lots page: the same SQL, whoever asks, and the same text afterwards.
 */
#ifndef CLAUSE_LOT_CANCEL_H
#define CLAUSE_LOT_CANCEL_H

#include <stdbool.h>
#include <stdio.h>

#include "src/lib/db.h"

typedef enum
{
	LOT_CANCEL_DONE,			/* cancelled now, committed */
	LOT_CANCEL_ALREADY,			/* cancelled before: nothing changed */
	LOT_CANCEL_UNKNOWN,			/* no such batch */
	LOT_CANCEL_NOT_HOURS,		/* a referential file: not cancelled */
	LOT_CANCEL_FAILED			/* a database error, reported; rolled back */
} LotCancelStatus;

typedef struct LotCancel
{
	const char *lot;			/* the batch number, digits only */
	const char *motif;			/* why, not blank */
	const char *by;				/* the role recorded as annule_par; NULL: current_user */
	/* the batch as read, locked, before the cancellation */
	char nature[32];
	char fichier[512];
	char annule_le[32];			/* "" when it was not cancelled */
	char annule_par[128];
	char annule_motif[512];
} LotCancel;

/*
 * Marks the batch cancelled (by cancel->by) and recomputes the attribution of what it
 * touched, in one transaction of db, which must be allowed to write (the owner).
 */
LotCancelStatus lot_cancel_run(Db *db, LotCancel *cancel);

/*
 * What `clause lot annuler` prints after a DONE or ALREADY run: the batch cancelled, each
 * line credited before that went down (clause.baisse) and the lines of the participant-months
 * touched by reason. Read through reader, so a reader's row-level security trims it.
 */
bool lot_cancel_write(Db *reader, const LotCancel *cancel, LotCancelStatus status, FILE *out);

#endif
