/*
 * Progress of the PLIE fiches against their targets (clause report progress):
 * loads the figures of progression_fiche() (sql/views/00_base.sql) and formats them.
 */
#ifndef CLAUSE_PROGRESS_H
#define CLAUSE_PROGRESS_H

#include <stdbool.h>
#include <stdio.h>

#include "src/lib/db.h"

typedef struct ProgressIndicator
{
	int fiche_id;				/* fiche.id: one code may have several periods */
	char fiche[16];
	char plie[32];
	char titre[256];
	char key[32];				/* "" when not tracked by clause */
	char label[512];
	char unit[64];
	double target;				/* per-ETP targets already multiplied */
	double target_raw;
	bool per_etp;
	double etp;
	bool etp_declared;
	bool tracked;
	double realised;
	double expected;
	double projection;
	bool has_projection;
	double ratio;
	char period_start[11];
	char period_end[11];
	char as_of[11];
} ProgressIndicator;

/* Credited hours of a fiche in one month (v_fiche_heures_mois), for the curves. */
typedef struct ProgressMonth
{
	int fiche_id;
	char fiche[16];
	char month[8];				/* AAAA-MM */
	double hours;
} ProgressMonth;

/* Credited hours in a PLIE that no fiche takes, with the reason (heures_sans_fiche()). */
typedef struct ProgressOrphan
{
	char plie[32];
	char reason[320];
	long long months;			/* months with such hours */
	long long lines;
	double hours;
} ProgressOrphan;

/* A PLIE whose territory of the year is an earlier year's (territoire_repli()). */
typedef struct ProgressFallback
{
	char plie[32];
	int territory_year;
} ProgressFallback;

typedef struct ProgressReport
{
	int year;
	char as_of[11];				/* the date asked, AAAA-MM-JJ */
	ProgressIndicator *items;	/* ordered by PLIE, fiche, rank */
	int count;
	int capacity;
	ProgressMonth *months;		/* by fiche then month, months begun at the date */
	int nmonths;
	int months_capacity;
	ProgressOrphan *orphans;	/* hours of the year no fiche takes, by PLIE */
	int norphans;
	ProgressFallback *fallbacks;
	int nfallbacks;
} ProgressReport;

/* plie may be NULL for all; as_of is AAAA-MM-JJ. */
bool progress_load(Db *db, int year, const char *plie, const char *as_of,
				   ProgressReport *report);
void progress_free(ProgressReport *report);

bool progress_write_text(const ProgressReport *report, FILE *out);

/*
 * The words of the notes, the same in every format: "Heures créditées sans fiche (1 ligne
 * sur 1 mois) — motif" and "Territoire 2022 non chargé (clause import territoires) : celui
 * de 2021 s'applique".
 */
void progress_orphan_label(const ProgressOrphan *orphan, char *out, size_t size);
void progress_fallback_label(const ProgressReport *report, const ProgressFallback *fallback,
							 char *out, size_t size);
bool progress_write_json(const ProgressReport *report, FILE *out);

#endif
