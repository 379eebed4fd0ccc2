/*
 * The tableau d'impact of a donneur d'ordre (clause report impact): figures of the SQL
 * function impact() by group (total, opération, marché, entreprise), already masked.
 */
#ifndef CLAUSE_IMPACT_H
#define CLAUSE_IMPACT_H

#include <stdbool.h>
#include <stdio.h>

#include "reports/sources.h"
#include "src/lib/db.h"

typedef struct ImpactValue
{
	char rubrique[16];			/* heures, personnes, profil, criteres, contrats, modalites, mois */
	char key[48];				/* unique within a group: heures_prevues, femmes, mois_2021-03… */
	char label[112];
	char unit[16];				/* heures, ratio, etp, personnes, contrats */
	double value;
	bool is_null;				/* no value (heures prévues unknown, rate of nothing) */
	bool masked;				/* a count of people below the threshold: shown "< N" */
	bool secret;				/* also masked, any number (a small group's breakdown, or hidden
								 * so that a masked cell cannot be recomputed): "secret" */
} ImpactValue;

typedef struct ImpactGroup
{
	char level[16];				/* total, operation, marche, entreprise */
	char id[64];
	char label[256];
	char detail[256];
	ImpactValue *values;
	int count;
	int capacity;
} ImpactGroup;

typedef struct ImpactReport
{
	char donneur[64];
	char donneur_nom[256];
	char operation[64];			/* "" for all */
	char from[8];				/* AAAA-MM, "" when not bounded */
	char to[8];
	char first_month[8];		/* months with hours, to show the period covered */
	char last_month[8];
	int threshold;				/* seuil_masquage */
	double hours_per_etp;
	ImpactGroup *groups;		/* total first, then opérations, marchés, entreprises */
	int count;
	int capacity;
} ImpactReport;

typedef struct ImpactOptions
{
	const char *donneur;
	const char *operation;		/* NULL for all */
	const char *from;			/* AAAA-MM or NULL */
	const char *to;
	bool own;					/* read as the donneur's own role: through mon_impact() */
} ImpactOptions;

/* Loads the report; *unknown is set when the donneur (or opération) does not exist. */
bool impact_load(Db *db, const ImpactOptions *options, ImpactReport *report, bool *unknown);
void impact_free(ImpactReport *report);

/* The value of a group for a key, or NULL. */
/* A masked value as shown: "< N", or "secret" (see ImpactValue). */
void impact_masked_text(const ImpactReport *report, const ImpactValue *value, char *out, size_t outsize);

const ImpactValue *impact_value(const ImpactGroup *group, const char *key);

/* The value as the reader sees it: "1 319", "73,3 %", "0,82", "< 3", "—". */
void impact_value_text(const ImpactReport *report, const ImpactValue *value, char *out, size_t outsize);

/* French headings of levels and rubriques. */
const char *impact_level_title(const char *level);
const char *impact_level_plural(const char *level);
const char *impact_rubrique_title(const char *rubrique);

/* "janvier 2021 – novembre 2021", the months asked (heures prévues then pro rata, said)
 * or, unbounded, the months with hours. */
void impact_period_text(const ImpactReport *report, char *out, size_t outsize);

bool impact_write_text(const ImpactReport *report, FILE *out);
bool impact_write_json(const ImpactReport *report, const ReportSources *sources, FILE *out);

#endif
