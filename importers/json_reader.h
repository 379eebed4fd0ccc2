/*
 * Streaming reader of JSON files of canonical records: an array of objects, or
 * {"KIND": [...]}. Each object is cut out of the stream by brace depth and parsed
 * alone with cJSON, so memory is bounded by the largest object, never the file.
 */
#ifndef CLAUSE_JSON_READER_H
#define CLAUSE_JSON_READER_H

#include <stdbool.h>

#include "csv_reader.h"
#include "kinds.h"

#define JSON_MAX_OBJECT_SIZE (1024 * 1024)
#define JSON_MAX_DEPTH 32

/*
 * Reads path and calls back first with a header record (the kind's column names),
 * then with one record per object, its fields in the kind's column order and its
 * line the one where the object starts. Objects that cannot be trusted come as
 * records with an error. Returns false on I/O failure or when callback stops.
 */
bool json_reader_run(const char *path, const KindSpec *kind,
					 CsvRecordCallback callback, void *context);

/* Converts one parsed object into field texts (caller frees with json_fields_free). */
bool json_object_to_fields(const void *object, const KindSpec *kind, char **fields,
						   char *err, size_t errsize, int *bad_column);
void json_fields_free(char **fields, int count);

#endif
