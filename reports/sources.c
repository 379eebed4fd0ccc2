/*
 * Provenance of report figures: the batches they were computed from, and the date of
 * extraction (SOURCE_DATE_EPOCH makes it reproducible for golden files); and what every
 * report shares: its settings (masking threshold, hours per ETP) and its JSON output.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "reports/sources.h"
#include "src/lib/log.h"

static bool
source_row(void *context, const DbRow *row)
{
	ReportSources *sources = context;

	if (sources->count == sources->capacity)
	{
		int capacity = sources->capacity ? sources->capacity * 2 : 16;
		ReportSource *items = realloc(sources->items, sizeof(*items) * (size_t) capacity);

		if (items == NULL)
		{
			log_error("mémoire insuffisante");
			return false;
		}
		sources->items = items;
		sources->capacity = capacity;
	}

	ReportSource *item = &sources->items[sources->count++];

	memset(item, 0, sizeof(*item));
	item->lot = strtoll(db_row_value(row, 0), NULL, 10);
	snprintf(item->nature, sizeof(item->nature), "%s", db_row_value(row, 1));
	snprintf(item->file, sizeof(item->file), "%s", db_row_value(row, 2));
	snprintf(item->imported, sizeof(item->imported), "%s", db_row_value(row, 3));
	snprintf(item->sha256, sizeof(item->sha256), "%s", db_row_value(row, 4));
	snprintf(item->cancelled, sizeof(item->cancelled), "%s",
			 db_row_isnull(row, 5) ? "" : db_row_value(row, 5));
	return true;
}

/* When, by whom and why batch b was cancelled, NULL when it stands (rule 9). */
#define SOURCES_CANCELLED \
	"CASE WHEN b.annule_le IS NOT NULL THEN 'annulé le ' || to_char(b.annule_le, 'YYYY-MM-DD HH24:MI') " \
	"|| ' par ' || b.annule_par || ' : ' || b.annule_motif END"

bool
sources_load_impact(Db *db, const char *donneur, const char *operation,
					const char *from, const char *to, ReportSources *sources)
{
	const char *params[] = {donneur, operation, from, to};

	report_extraction_date(sources->extracted);
	return db_query(db,
					"SELECT s.lot_id, s.nature, s.fichier, to_char(s.importe_le, 'YYYY-MM-DD HH24:MI'), "
					"s.sha256, " SOURCES_CANCELLED " "
					"FROM impact_sources($1, $2, ($3 || '-01')::date, ($4 || '-01')::date) s "
					"JOIN lot_import b ON b.id = s.lot_id",
					4, params, source_row, sources, NULL);
}

bool
sources_load_own_impact(Db *db, ReportSources *sources)
{
	report_extraction_date(sources->extracted);
	return db_query(db,
					"SELECT lot_id, nature, fichier, to_char(importe_le, 'YYYY-MM-DD HH24:MI'), sha256 "
					"FROM mes_sources_impact()",
					0, NULL, source_row, sources, NULL);
}

bool
sources_load_all(Db *db, ReportSources *sources)
{
	report_extraction_date(sources->extracted);
	return db_query(db,
					"SELECT b.id, b.nature, b.fichier, to_char(b.importe_le, 'YYYY-MM-DD HH24:MI'), "
					"b.sha256, " SOURCES_CANCELLED " FROM lot_import b ORDER BY b.id",
					0, NULL, source_row, sources, NULL);
}

bool
sources_load_query(Db *db, const char *sql, int nparams, const char *const *params, ReportSources *sources)
{
	report_extraction_date(sources->extracted);
	return db_query(db, sql, nparams, params, source_row, sources, NULL);
}

void
sources_free(ReportSources *sources)
{
	free(sources->items);
	memset(sources, 0, sizeof(*sources));
}

void
report_extraction_date(char out[11])
{
	const char *epoch = getenv("SOURCE_DATE_EPOCH");
	time_t now = time(NULL);
	struct tm day;

	if (epoch && *epoch)
	{
		char *end = NULL;
		long long value = strtoll(epoch, &end, 10);

		if (*end == '\0' && value >= 0)
			now = (time_t) value;
	}
	if (epoch && *epoch)
		gmtime_r(&now, &day);
	else
		localtime_r(&now, &day);
	strftime(out, 11, "%Y-%m-%d", &day);
}

cJSON *
sources_json(const ReportSources *sources)
{
	cJSON *array = cJSON_CreateArray();

	for (int i = 0; sources && i < sources->count; i++)
	{
		const ReportSource *source = &sources->items[i];
		cJSON *item = cJSON_CreateObject();

		cJSON_AddNumberToObject(item, "lot", (double) source->lot);
		cJSON_AddStringToObject(item, "nature", source->nature);
		cJSON_AddStringToObject(item, "fichier", source->file);
		cJSON_AddStringToObject(item, "importe_le", source->imported);
		cJSON_AddStringToObject(item, "sha256", source->sha256);
		if (source->cancelled[0])
			cJSON_AddStringToObject(item, "annulation", source->cancelled);
		cJSON_AddItemToArray(array, item);
	}
	return array;
}

typedef struct SettingsLoad
{
	int *threshold;
	double *hours_per_etp;
	char *name;
	size_t namesize;
} SettingsLoad;

static bool
settings_row(void *context, const DbRow *row)
{
	SettingsLoad *load = context;

	*load->threshold = (int) strtol(db_row_value(row, 0), NULL, 10);
	*load->hours_per_etp = strtod(db_row_value(row, 1), NULL);
	snprintf(load->name, load->namesize, "%s", db_row_isnull(row, 2) ? "" : db_row_value(row, 2));
	return true;
}

bool
report_settings_load(Db *db, const char *sql, const char *id, int *threshold,
					 double *hours_per_etp, char *name, size_t namesize)
{
	SettingsLoad load = {threshold, hours_per_etp, name, namesize};
	const char *params[] = {id};

	return db_query(db, sql, 1, params, settings_row, &load, NULL);
}

bool
report_json_write(cJSON *root, FILE *out)
{
	char *text = cJSON_Print(root);
	bool ok = text != NULL && fputs(text, out) >= 0 && fputc('\n', out) != EOF;

	if (text == NULL)
		log_error("mémoire insuffisante pour écrire le JSON");
	cJSON_free(text);
	cJSON_Delete(root);
	return ok;
}
