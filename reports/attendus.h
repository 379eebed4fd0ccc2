/*
 * Who has not sent yet (clause report attendus): employers silent this month on a marché
 * they sent hours for before, and marchés started with no hours at all.
 */
#ifndef CLAUSE_ATTENDUS_H
#define CLAUSE_ATTENDUS_H

#include <stdbool.h>
#include <stdio.h>

#include "reports/sources.h"
#include "reports/table.h"
#include "src/lib/db.h"

typedef struct AttendusReport
{
	char plie[32];
	char plie_nom[128];
	char month[8];				/* AAAA-MM */
	ReportTable late;			/* employers silent this month */
	ReportTable silent;			/* marchés with no hours at all */
	ReportTable all;			/* both, with the situation in words: the CSV */
} AttendusReport;

/* The PLIE must exist (checked by the caller). */
bool attendus_load(Db *db, const char *plie, const char *month, AttendusReport *report);
void attendus_free(AttendusReport *report);

bool attendus_write_text(const AttendusReport *report, FILE *out);
bool attendus_write_csv(const AttendusReport *report, FILE *out);
bool attendus_write_html(const AttendusReport *report, const ReportSources *sources, FILE *out);
bool attendus_write_xlsx(const AttendusReport *report, const ReportSources *sources, const char *path);

/*
 * The compte-rendu's section: for the month, over every PLIE, one line per employer or
 * marché awaited, or « aucun ». False on a database error.
 */
bool attendus_write_compte_rendu(Db *db, const char *month, FILE *out);

#endif
