/*
 * The yearly figures of the national observatory (clause report observatoire): key
 * figures and breakdowns of sql/views/50_observatoire.sql, already masked.
 */
#ifndef CLAUSE_OBSERVATOIRE_H
#define CLAUSE_OBSERVATOIRE_H

#include <stdbool.h>
#include <stdio.h>

#include "reports/sources.h"
#include "src/lib/db.h"

/* One key figure of observatoire(): heures, etp, participants, facilitateurs… */
typedef struct ObsFigure
{
	char key[32];
	char label[128];
	char unit[16];				/* heures, etp, personnes, contrats, donneurs, marches */
	double value;
	bool is_null;				/* no value: facilitators' ETP not declared */
	bool masked;				/* a count of people below the threshold: shown "< N" */
	bool secret;				/* masked too, so that no masked count can be worked out: "secret" */
} ObsFigure;

/* One category of a breakdown (observatoire_repartition()). */
typedef struct ObsShare
{
	char dimension[16];			/* sexe, age, critere, contrat, modalite, secteur */
	char dimension_label[64];
	char key[32];
	char label[112];
	double hours;
	double share;				/* of the year's hours, 0-1 */
	bool share_null;			/* no hour at all in the year */
	double participants;
	bool masked;				/* participants hidden: below the threshold, or secret */
	bool secret;				/* participants hidden so that no masked count can be worked out */
	bool hours_secret;			/* hours and share hidden (a scope of too few people) */
} ObsShare;

typedef struct ObservatoireReport
{
	int year;
	char plie[32];				/* "" for every PLIE */
	char plie_nom[128];
	int threshold;				/* seuil_masquage */
	double hours_per_etp;
	ObsFigure *figures;
	int nfigures;
	int figures_capacity;
	ObsShare *shares;			/* by dimension, then rank */
	int nshares;
	int shares_capacity;
} ObservatoireReport;

/* plie may be NULL for all; *unknown is set when the PLIE does not exist. */
bool observatoire_load(Db *db, int year, const char *plie, ObservatoireReport *report, bool *unknown);
void observatoire_free(ObservatoireReport *report);

/* The figure of a key, or NULL. */
const ObsFigure *observatoire_figure(const ObservatoireReport *report, const char *key);

/* As the reader sees them: "1 419", "0,88", "< 3", "secret", "non déclaré". */
void observatoire_figure_text(const ObservatoireReport *report, const ObsFigure *figure,
							  char *out, size_t outsize);
void observatoire_participants_text(const ObservatoireReport *report, const ObsShare *share,
									char *out, size_t outsize);
void observatoire_share_text(const ObsShare *share, char *out, size_t outsize);
void observatoire_hours_text(const ObsShare *share, char *out, size_t outsize);

/* "< 3" or "secret" for a hidden count. */
void observatoire_masked_text(const ObservatoireReport *report, bool secret, char *out, size_t outsize);

/* "PLIE de Bordeaux (bordeaux)" or "tous les PLIE". */
void observatoire_scope_text(const ObservatoireReport *report, char *out, size_t outsize);

bool observatoire_write_text(const ObservatoireReport *report, FILE *out);
bool observatoire_write_json(const ObservatoireReport *report, const ReportSources *sources, FILE *out);

#endif
