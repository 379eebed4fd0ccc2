/*
 * Where a report's figures come from: the import batches (file, date, SHA-256) and the
 * date of extraction, printed in the xlsx sources sheet and the HTML footer; and the
 * settings and JSON output every report shares.
 */
#ifndef CLAUSE_SOURCES_H
#define CLAUSE_SOURCES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "src/lib/db.h"

struct cJSON;

typedef struct ReportSource
{
	long long lot;
	char nature[16];
	char file[256];
	char imported[20];			/* AAAA-MM-JJ HH:MM */
	char sha256[65];
	char cancelled[400];		/* "annulé le … par … : motif", "" when standing (rule 9) */
} ReportSource;

typedef struct ReportSources
{
	ReportSource *items;
	int count;
	int capacity;
	char extracted[11];			/* AAAA-MM-JJ: today, or SOURCE_DATE_EPOCH when set */
} ReportSources;

/* The batches of a tableau d'impact (sql impact_sources()); NULL options are unbounded. */
bool sources_load_impact(Db *db, const char *donneur, const char *operation,
						 const char *from, const char *to, ReportSources *sources);

/* Every batch imported (the progress of the fiches reads them all). */
/* The batches of the connected donneur's own tableau d'impact (its role's view). */
bool sources_load_own_impact(Db *db, ReportSources *sources);
bool sources_load_all(Db *db, ReportSources *sources);

/* The batches a query returns as (lot, nature, fichier, importé le AAAA-MM-JJ HH:MM, sha256). */
bool sources_load_query(Db *db, const char *sql, int nparams, const char *const *params,
						ReportSources *sources);

void sources_free(ReportSources *sources);

/* The batches as a JSON array of {lot, nature, fichier, importe_le, sha256}; the caller
 * owns it (cJSON_Delete, or adds it to a document). */
struct cJSON *sources_json(const ReportSources *sources);

/* Today as AAAA-MM-JJ, or the date of $SOURCE_DATE_EPOCH (reproducible outputs). */
void report_extraction_date(char out[11]);

/*
 * The start of the query of report_settings_load(): the masking threshold and the hours
 * per ETP of table parametre. The caller ends it with a scalar subquery naming the
 * report's subject from $1, e.g. "(SELECT nom FROM plie WHERE code = $1)".
 */
#define REPORT_SETTINGS_SQL \
	"SELECT (SELECT round(valeur)::integer FROM parametre WHERE cle = 'seuil_masquage'), " \
	"(SELECT valeur FROM parametre WHERE cle = 'heures_par_etp'), "

/* Runs sql (REPORT_SETTINGS_SQL and the subquery) with $1 = id; name is "" when unknown. */
bool report_settings_load(Db *db, const char *sql, const char *id, int *threshold,
						  double *hours_per_etp, char *name, size_t namesize);

/* Prints the JSON document and a newline to out, then deletes it; false when not written. */
bool report_json_write(struct cJSON *root, FILE *out);

#endif
