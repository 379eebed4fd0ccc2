/*
 * Timesheet lines straight into ligne_heures: references resolved in memory against the
 * referential tables (loaded once, under a SHARE lock so they cannot change until the
 * commit), rows COPYed into the table itself, rejected rows and possibly repeated keys
 * spilled to temporary files, then two small set-based steps (sql/merge/heures_*.sql).
 * Memory stays the same whatever the file's size: the maps hold the referential ids,
 * the Bloom filter has a fixed size.
 */
#ifndef CLAUSE_HEURES_LOAD_H
#define CLAUSE_HEURES_LOAD_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "importers/strmap.h"
#include "src/lib/db.h"
#include "src/lib/strbuf.h"

/* Where a batch's lines go (sql/migrations/0220). */
typedef enum HeuresTarget
{
	HEURES_THROUGH_PARENT,		/* COPY into ligne_heures, a month's table made empty first */
	HEURES_YEAR_TABLES,			/* the same, a year's table where no table touches the year */
	HEURES_OWN_TABLE_IF_NEW,	/* the owner's: HEURES_OWN_TABLE if the first line opens a month */
	HEURES_OWN_TABLE			/* COPY into the batch's own table, put in place at the end */
} HeuresTarget;

typedef struct HeuresLoad
{
	long long lot_id;
	HeuresTarget target;
	StrMap participants;		/* id -> 1 */
	StrMap employers;			/* siret -> 1 */
	StrMap marches;				/* id -> 1 when an opération follows it, else 0 */
	uint64_t *bloom;			/* keys seen, to find the ones maybe seen twice */
	FILE *rejects;				/* rows for rejet, COPY text */
	FILE *candidates;			/* rows for heures_candidat, COPY text */
	FILE *rejected_keys;		/* keys of rejected rows, for heures_cle_rejetee */
	long long rejected_keys_count;
	StrBuf scratch;
	bool check_disabled;		/* the statement-level reference check, for this transaction */
	long long copied;			/* rows sent to ligne_heures */
	long long rejected;			/* rows written to rejects */
	long long candidates_count;
	int suggestions;			/* "did you mean" searches made, bounded per file */
	uint8_t months_ready[10000 * 12 / 8];	/* months (AAAA * 12 + MM - 1) with a table, or none to make */
	uint8_t last_month[10000];	/* per year AAAA, the last month MM of the lines sent, 0 for none */
	char mois_min[11];			/* AAAA-MM-01 of the rows copied, "" before the first */
	char mois_max[11];
} HeuresLoad;

typedef struct HeuresCounts
{
	long long loaded;			/* lines stored */
	long long rejected;			/* rows rejected, by the importer and as repeated keys */
	long long unchanged;		/* lines equal to the value standing for their key */
} HeuresCounts;

/*
 * In the import's transaction: locks the referential tables against writers, loads
 * their ids and starts the COPY into ligne_heures for batch lot_id. check_off: switch the
 * reference check off for the transaction, which only the owner of ligne_heures may do
 * (db_table_owned); another user's import keeps it and is slower. False as well when the
 * bulk path (sql/bulk/) already dropped the check for the transaction. target: where the
 * lines go; HEURES_OWN_TABLE_IF_NEW needs the owner's rights (a table made and attached).
 */
bool heures_load_begin(Db *db, HeuresLoad *load, long long lot_id, bool check_off,
					   HeuresTarget target);

/*
 * values: the canonical heures columns (participant_id, employeur_siret, marche_id, mois,
 * heures, heures_formation, type_contrat, modalite, date_debut, date_fin; the last two
 * NULL for a whole month). False with a French reason and the faulty column when a
 * reference is unknown, written for the sender: the nearest known ids when there are
 * (for the first 500 unknown references of a file).
 */
bool heures_load_check_references(HeuresLoad *load, char *const *values, int *column,
								  char *err);

/*
 * Whether the lines of month mois ("AAAA-MM-01") can be sent: the batch has a table of its
 * own (HEURES_OWN_TABLE), or a table holds their month
 * (ligne_heures is partitioned by month, or by year for the years' tables made before
 * sql/migrations/0220). When not, the COPY must be ended, heures_load_open_month called,
 * and the row sent after.
 */
bool heures_load_month_ready(const HeuresLoad *load, const char *mois);

/*
 * Makes the table of the month of mois (the COPY being ended), or of its year for
 * HEURES_YEAR_TABLES when no table touches that year; then starts the COPY again.
 */
bool heures_load_open_month(Db *db, HeuresLoad *load, const char *mois);

/*
 * After a large batch's COPY, before its indexes: the years' tables it made narrowed to
 * their last month (ligne_heures_annees_resserrer(), sql/migrations/0220), so that the
 * months after get tables of their own. Only the years whose lines stop before December
 * are looked at.
 */
bool heures_load_narrow_years(Db *db, const HeuresLoad *load);

/*
 * HEURES_OWN_TABLE, after the COPY: the batch's lines put in place by
 * ligne_heures_lot_ranger() (sql/migrations/0220), before anything reads them through
 * ligne_heures. Nothing to do for the other targets.
 */
bool heures_load_place(Db *db, const HeuresLoad *load);

/* Appends the COPY row of a valid line to copy (binary format) and notes its key. */
bool heures_load_add_row(HeuresLoad *load, long long line, char *const *values, StrBuf *copy);

/*
 * The key and period (values as for heures_load_add_row, date_debut and date_fin maybe
 * NULL) of a row rejected for another reason: a line of the file with the same key and an
 * overlapping period is rejected with it (rule 2).
 */
bool heures_load_add_rejected_key(HeuresLoad *load, long long line, char *const *values);

/* Records a rejected row (column may be NULL: the row as a whole). */
bool heures_load_add_reject(HeuresLoad *load, long long line, const char *column,
							const char *reason, const char *content);

/*
 * After the COPY ended: stores the rejected rows, takes out repeated keys and unchanged
 * lines, records the batch's months. Fills counts.
 */
bool heures_load_finish(Db *db, HeuresLoad *load, HeuresCounts *counts);

void heures_load_free(HeuresLoad *load);

#endif
