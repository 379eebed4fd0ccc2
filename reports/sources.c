/*
 * Provenance of report figures: the batches they were computed from, and the date of
 * extraction (SOURCE_DATE_EPOCH makes it reproducible for golden files).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "log.h"
#include "sources.h"

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
	return true;
}

bool
sources_load_impact(Db *db, const char *donneur, const char *operation,
					const char *from, const char *to, ReportSources *sources)
{
	const char *params[] = {donneur, operation, from, to};

	report_extraction_date(sources->extracted);
	return db_query(db,
					"SELECT lot_id, nature, fichier, to_char(importe_le, 'YYYY-MM-DD HH24:MI'), sha256 "
					"FROM impact_sources($1, $2, ($3 || '-01')::date, ($4 || '-01')::date)",
					4, params, source_row, sources, NULL);
}

bool
sources_load_all(Db *db, ReportSources *sources)
{
	report_extraction_date(sources->extracted);
	return db_query(db,
					"SELECT id, nature, fichier, to_char(importe_le, 'YYYY-MM-DD HH24:MI'), sha256 "
					"FROM lot_import ORDER BY id",
					0, NULL, source_row, sources, NULL);
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
		cJSON_AddItemToArray(array, item);
	}
	return array;
}
