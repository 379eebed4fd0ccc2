/*
 * Streaming reader of JSON files of canonical records: an array of objects, or
 * {"KIND": [...]}. Each object is cut out of the stream by brace depth and parsed
 * alone with cJSON, so memory is bounded by the largest object, never the file.
 */
#ifndef CLAUSE_JSON_READER_H
#define CLAUSE_JSON_READER_H

#include <stdbool.h>
#include <stdio.h>

#include "importers/csv_reader.h"
#include "importers/kinds.h"

#define JSON_MAX_OBJECT_SIZE (1024 * 1024)
#define JSON_MAX_DEPTH 32

#define JSON_MAX_FIELDS 64

#define JSON_MAX_NESTING 8		/* arrays inside arrays: "salaries.affectations" */

/*
 * What to read: the array (top-level, or under array_key) and the fields of each object.
 * array_key may be a path of arrays inside arrays ("salaries.affectations": each element
 * of salaries holds an array affectations whose elements are the lines). When scoped, a
 * field missing from a line's object is looked up in each enclosing object up to the
 * root (the root's members other than the array are read first, in a first pass).
 */
typedef struct JsonLayout
{
	const char *array_key;		/* {"KEY": [...]}; a top-level array is always accepted */
	bool scoped;
	const char *names[JSON_MAX_FIELDS];	/* field names; "a.b" reads b inside object a */
	int nnames;
	/* when set: seen[i] becomes true once an object has names[i], even null or "" */
	bool *seen;
} JsonLayout;

/* The layout of a canonical kind: {"KIND": [...]} with its column names. */
void json_layout_for_kind(const KindSpec *kind, JsonLayout *layout);

/*
 * Reads path and calls back first with a header record (the layout's names), then
 * with one record per object, its fields in the layout's order and its line the one
 * where the object starts. Objects that cannot be trusted come as records with an
 * error. Returns false on I/O failure or when callback stops.
 */
bool json_reader_run(const char *path, const JsonLayout *layout,
					 CsvRecordCallback callback, void *context);

/*
 * Converts one parsed object into field texts (caller frees with json_fields_free); a
 * field it lacks is looked up in scopes[nscopes - 1], then down to scopes[0] (the
 * enclosing objects, the root first).
 */
bool json_object_to_fields(const void *object, const void *const *scopes, int nscopes,
						   const JsonLayout *layout, char **fields, char *err, size_t errsize,
						   int *bad_field);
void json_fields_free(char **fields, int count);

/* The reason a line was rejected, or NULL when it was not. */
typedef const char *(*JsonRejectMotif) (void *context, long line);

/*
 * Writes to out the file at path cut down to its rejected lines, in its own shape: the
 * root's other members kept, the arrays of array_path (dotted when nested) holding only
 * the objects that hold rejected lines, each rejected line object given "ligne" and
 * "motif". Corrected, it reads again with the same layout. False on a read failure.
 */
bool json_rejects_write(const char *path, const char *array_path, JsonRejectMotif motif_of,
						void *context, FILE *out);

#endif
