/*
 * The facilitateur's monthly sheet (clause report suivi): marchés ending with hours due,
 * silent marchés, participants without eligibility, lines not credited by reason and the
 * month's lines not credited (participants by name, reasons in plain words), hours
 * outside every known contract and contracts with no hours.
 */
#ifndef CLAUSE_SUIVI_H
#define CLAUSE_SUIVI_H

#include <stdbool.h>
#include <stdio.h>

#include "src/lib/db.h"

#define SUIVI_SECTIONS 7
#define SUIVI_MAX_COLUMNS 10
#define SUIVI_MAX_NOTES 8

typedef struct SuiviSection
{
	const char *key;			/* echeances, silencieux, non_eligibles, non_comptabilisees, lignes */
	const char *title;
	const char *empty;			/* what the section says when empty: "aucun", "aucune" */
	int ncolumns;
	const char *const *columns;	/* JSON keys (the SQL column names) */
	const char *const *headers;	/* French headers */
	const bool *numeric;
	char **cells;				/* rows × ncolumns, "" for NULL; owned */
	int rows;
	int capacity;
} SuiviSection;

typedef struct SuiviReport
{
	char plie[32];
	char plie_nom[128];
	char month[8];				/* AAAA-MM */
	SuiviSection sections[SUIVI_SECTIONS];
	int nsections;				/* the contract sections (last two) only once contracts were sent */
	/* territory carried from an earlier year, hours no fiche takes (DOMAIN.md, "Years") */
	char notes[SUIVI_MAX_NOTES][384];
	int nnotes;
} SuiviReport;

/* *unknown is set when the PLIE does not exist. */
bool suivi_load(Db *db, const char *plie, const char *month, SuiviReport *report, bool *unknown);
void suivi_free(SuiviReport *report);

bool suivi_write_text(const SuiviReport *report, FILE *out);
bool suivi_write_json(const SuiviReport *report, FILE *out);

#endif
