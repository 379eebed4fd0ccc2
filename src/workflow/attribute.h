/*
 * Attribution driver: sql/attribution/tout.sql decides for every timesheet line whether it is
 * credited and to which PLIE and fiche; attribute_after() decides what to recompute.
 */
#ifndef CLAUSE_ATTRIBUTE_H
#define CLAUSE_ATTRIBUTE_H

#include <stdbool.h>

#include "src/lib/db.h"

/* Serialises attributions: two imports that commit at once each see the other's lines. */
#define ATTRIBUTION_LOCK_KEY "7304252"

/*
 * Every attribution folds the batches not folded yet into the last month each employer
 * sent on each marché (migration 0160), which attendus() reads instead of the whole
 * history. It depends on the lines alone, not on the rules: a whole attribution folds
 * what is new, as an incremental one does, and recomputes nothing there.
 */
#define ATTRIBUTE_FOLD_SENDERS_SQL "SELECT clause.envois_reprendre()"

/* Why lines must be attributed again. */
typedef enum AttributeCause
{
	ATTRIBUTE_LOADED,			/* batches were just loaded (timesheets or referential files) */
	ATTRIBUTE_CANCELLED,		/* a timesheet batch was just cancelled */
	ATTRIBUTE_EVERYTHING		/* a setting every line depends on (the ceiling) */
} AttributeCause;

/*
 * The one place that decides, inside the caller's transaction, what to attribute again after
 * a change to the batches lots (count of them), the batches waiting for their attribution
 * (--sans-attribution) coming along: the participant-months touched by their timesheet
 * lines and by the referential changes their merges recorded (a participant's eligibility,
 * a marché's period or opération, an opération's commune or fiche, the catalogue), or every
 * line when those are a large part of them (src/workflow/attribute_after.c). What it took back from
 * lines credited before is stored in clause.baisse for these batches.
 */
bool attribute_after(Db *db, AttributeCause cause, const long long *lots, int count);

/*
 * For ImportOptions.after_merge: the batch just merged attributed (attribute_after), then
 * what it lowered written line by line (rule 3), in the import's transaction.
 */
bool attribute_after_import(Db *db, long long lot_id);

/* Recomputes attribution inside the caller's open transaction. */
bool attribute_in_transaction(Db *db);

/*
 * Whole attribution, then what it took back stored for the batches list ("12,13");
 * lots_new: their lines were never attributed (an import), so had no status to lose.
 */
bool attribute_whole_for_lots(Db *db, const char *list, bool lots_new);

/* Stores in baisse, for the batches lots ("12,13"), what the attribution just run took
 * back from the lines of credite_avant (sql/attribution/baisses.sql). */
bool attribute_note_lowered(Db *db, const char *lots, bool cancellation);

/*
 * Recomputes attribution in a transaction of its own: on attribute_default_connections()
 * connections at once when the user owns the table, else on db alone.
 */
bool attribute_run(Db *db);

/* The same on connections connections (1: db alone; the owner only may use more). */
bool attribute_run_on(Db *db, int connections);

/*
 * The same, saying whether the run's parts counted the lines by status (several
 * connections: pg_temp.attribution_statuts, for attribute_status_counts).
 */
bool attribute_run_counted(Db *db, int connections, bool *parts_counted);

/*
 * After a whole attribution: lines and hours by status, a row each (status: 'credite' or
 * the motif; lines; hours), in order, to on_row (see db_query). parts_counted: as
 * attribute_run_counted said; their counts are read, then dropped.
 */
bool attribute_status_counts(Db *db, bool parts_counted, DbRowCallback on_row, void *context);

/*
 * How many connections a whole attribution uses: CLAUSE_ATTRIBUTION_CONNEXIONS when set,
 * else one per core (at most 4), one below 50,000 lines.
 */
int attribute_default_connections(Db *db);

typedef enum AttributeParallel
{
	ATTRIBUTE_PARALLEL_DONE,
	ATTRIBUTE_PARALLEL_FAILED,	/* said why; the former attribution stands */
	ATTRIBUTE_PARALLEL_UNAVAILABLE	/* the extra connections could not be opened */
} AttributeParallel;

/*
 * The whole attribution split by participant over count (2…16) connections opened like
 * db's (src/workflow/attribute_parallel.c), swapped in by db's transaction. A failure anywhere
 * leaves the former attribution as it was.
 */
AttributeParallel attribute_parallel_run(Db *db, int count);

#endif
