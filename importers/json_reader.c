/*
 * JSON input, streamed: the scanner of json_scan.c cuts out each element of the
 * top-level array (tracking strings, escapes and depth), and cJSON parses it alone.
 * Values become the same text fields a CSV row would give, so validation is shared.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "importers/decode.h"
#include "importers/json_reader.h"
#include "importers/json_scan.h"
#include "src/lib/log.h"
#include "src/lib/strbuf.h"

/* Text of a scalar value as a CSV field would hold it. */
static char *
json_value_text(const cJSON *value, char *err, size_t errsize, const char *name)
{
	char number[64];

	if (cJSON_IsString(value))
		return strdup(value->valuestring);
	if (cJSON_IsNull(value))
		return strdup("");
	if (cJSON_IsBool(value))
		return strdup(cJSON_IsTrue(value) ? "oui" : "non");
	if (cJSON_IsNumber(value))
	{
		double d = value->valuedouble;

		if (!isfinite(d))
		{
			snprintf(err, errsize, "nombre hors limites pour « %s »", name);
			return NULL;
		}
		if (d == floor(d) && fabs(d) < 1e15)
			snprintf(number, sizeof(number), "%.0f", d);
		else
			snprintf(number, sizeof(number), "%.15g", d);
		return strdup(number);
	}
	if (cJSON_IsArray(value))
	{
		/* a list of strings, as criteria come: "rsa|deld" */
		StrBuf joined = {0};
		const cJSON *item;
		int i = 0;

		strbuf_puts(&joined, "");
		cJSON_ArrayForEach(item, value)
		{
			if (!cJSON_IsString(item))
			{
				snprintf(err, errsize, "liste de textes attendue pour « %s »", name);
				strbuf_free(&joined);
				return NULL;
			}
			if (i++ > 0)
				strbuf_putc(&joined, '|');
			strbuf_puts(&joined, item->valuestring);
		}
		return joined.data;
	}
	snprintf(err, errsize, "type inattendu (objet) pour « %s »", name);
	return NULL;
}

void
json_fields_free(char **fields, int count)
{
	for (int i = 0; i < count; i++)
		free(fields[i]);
}

void
json_layout_for_kind(const KindSpec *kind, JsonLayout *layout)
{
	layout->array_key = kind->name;
	layout->scoped = false;
	layout->seen = NULL;
	layout->nnames = kind->ncolumns < JSON_MAX_FIELDS ? kind->ncolumns : JSON_MAX_FIELDS;
	for (int i = 0; i < layout->nnames; i++)
		layout->names[i] = kind->columns[i].name;
}

/* Finds a member by a dotted path ("salarie.nom"); NULL when absent. */
static const cJSON *
json_find_path(const cJSON *object, const char *path)
{
	char part[128];

	while (object && *path)
	{
		const char *dot = strchr(path, '.');
		size_t len = dot ? (size_t) (dot - path) : strlen(path);

		if (len >= sizeof(part))
			return NULL;
		memcpy(part, path, len);
		part[len] = '\0';
		object = cJSON_IsObject(object) ? cJSON_GetObjectItemCaseSensitive(object, part) : NULL;
		path += len + (dot ? 1 : 0);
	}
	return object;
}

/* A field of the line's object, else of the nearest enclosing object that has it. */
static const cJSON *
json_find_scoped(const cJSON *object, const void *const *scopes, int nscopes, const char *path)
{
	const cJSON *value = json_find_path(object, path);

	for (int i = nscopes - 1; value == NULL && i >= 0; i--)
		value = json_find_path(scopes[i], path);
	return value;
}

bool
json_object_to_fields(const void *parsed, const void *const *scopes, int nscopes,
					  const JsonLayout *layout, char **fields, char *err, size_t errsize,
					  int *bad_field)
{
	const cJSON *object = parsed;

	for (int i = 0; i < layout->nnames; i++)
		fields[i] = NULL;
	*bad_field = -1;

	const cJSON *member;

	/* a key given twice is ambiguous: which value did the sender mean? */
	cJSON_ArrayForEach(member, object)
	{
		for (const cJSON *other = member->next; other; other = other->next)
			if (member->string && other->string && strcmp(member->string, other->string) == 0)
			{
				snprintf(err, errsize, "clé « %.60s » en double dans l'objet", member->string);
				return false;
			}
	}
	for (int i = 0; i < layout->nnames; i++)
	{
		const cJSON *value = json_find_scoped(object, scopes, nscopes, layout->names[i]);

		if (value && layout->seen)
			layout->seen[i] = true;
		fields[i] = value ? json_value_text(value, err, errsize, layout->names[i]) : strdup("");
		if (fields[i] == NULL)
		{
			*bad_field = i;
			json_fields_free(fields, i);
			return false;
		}
	}
	return true;
}

typedef struct JsonRun
{
	JsonScan scan;
	FILE *file;
	const JsonLayout *layout;
	/* the path of arrays to the lines: "salaries.affectations" */
	char path_text[256];
	const char *parts[JSON_MAX_NESTING];
	int nparts;
	cJSON *root;				/* scoped: the root's members other than the array */
	/* nested lines: the line where each line object of the element starts */
	long *leaf_lines;
	int nleaf;
	int leaf_cap;
	int leaf_next;
	CsvRecordCallback callback;
	void *context;
	StrBuf text;
	const char *error_column;	/* for the error being emitted */
	size_t lengths[JSON_MAX_FIELDS];
	char *fields[JSON_MAX_FIELDS];
} JsonRun;

static bool json_emit_error(JsonRun *run, long line, const char *fmt, ...)
			__attribute__((format(printf, 3, 4)));

static bool
json_emit_error(JsonRun *run, long line, const char *fmt, ...)
{
	char message[256];
	char *empty[1] = {""};
	size_t zero[1] = {0};
	va_list args;

	va_start(args, fmt);
	vsnprintf(message, sizeof(message), fmt, args);
	va_end(args);

	CsvRecord record = {.line = (int) line, .nfields = 0, .fields = empty, .lengths = zero,
	.error = message, .error_column = run->error_column};

	return run->callback(run->context, &record);
}

/* Hands one line object on as a record; scopes are its enclosing objects, root first. */
static bool
json_emit_object(JsonRun *run, long line, const cJSON *object, const void *const *scopes,
				 int nscopes)
{
	char err[256];
	int bad = -1;
	bool ok;

	if (!cJSON_IsObject(object))
		return json_emit_error(run, line, "un objet JSON {…} est attendu ici");
	if (!json_object_to_fields(object, scopes, nscopes, run->layout, run->fields, err,
							   sizeof(err), &bad))
	{
		run->error_column = bad >= 0 ? run->layout->names[bad] : NULL;
		ok = json_emit_error(run, line, "%s", err);
		run->error_column = NULL;
		return ok;
	}
	for (int i = 0; i < run->layout->nnames; i++)
		run->lengths[i] = strlen(run->fields[i]);

	CsvRecord record = {.line = (int) line, .nfields = run->layout->nnames,
	.fields = run->fields, .lengths = run->lengths};

	ok = run->callback(run->context, &record);
	json_fields_free(run->fields, run->layout->nnames);
	return ok;
}

static bool
json_leaf_push(JsonRun *run, long line)
{
	if (run->nleaf == run->leaf_cap)
	{
		int cap = run->leaf_cap ? run->leaf_cap * 2 : 64;
		long *lines = realloc(run->leaf_lines, sizeof(long) * (size_t) cap);

		if (lines == NULL)
			return false;
		run->leaf_lines = lines;
		run->leaf_cap = cap;
	}
	run->leaf_lines[run->nleaf++] = line;
	return true;
}

/*
 * Finds, in the object whose '{' is next, where each line object of the path's level
 * starts (cJSON keeps no positions): the same walk as json_walk_nested, on the text.
 */
static bool
json_scan_leaf_lines(JsonRun *run, JsonScan *scan, int level)
{
	JsonValueInfo info;

	json_scan_get(scan);
	for (;;)
	{
		char key[256];
		size_t key_len;
		int c = json_scan_space(scan);

		if (c == ',')
		{
			json_scan_get(scan);
			continue;
		}
		if (c == '}')
		{
			json_scan_get(scan);
			return true;
		}
		if (c == EOF || json_scan_key(scan, key, sizeof(key), &key_len) != JSON_KEY_OK)
			return false;
		if (key_len != strlen(run->parts[level]) || strcmp(key, run->parts[level]) != 0 ||
			json_scan_peek(scan) != '[')
		{
			if (!json_scan_value(scan, NULL, 0, JSON_SCAN_ANY_DEPTH, &info))
				return false;
			continue;
		}
		json_scan_get(scan);
		while ((c = json_scan_space(scan)) != ']')
		{
			bool ok;

			if (c == EOF)
				return false;
			if (c == ',')
			{
				json_scan_get(scan);
				continue;
			}
			if (level == run->nparts - 1)
				ok = json_leaf_push(run, scan->line) &&
					json_scan_value(scan, NULL, 0, JSON_SCAN_ANY_DEPTH, &info);
			else if (c == '{')
				ok = json_scan_leaf_lines(run, scan, level + 1);
			else
				ok = json_scan_value(scan, NULL, 0, JSON_SCAN_ANY_DEPTH, &info);
			if (!ok)
				return false;
		}
		json_scan_get(scan);
	}
}

/* Walks the arrays of the path below object (at level), handing on each line object. */
static bool
json_walk_nested(JsonRun *run, const cJSON *object, int level, const void **scopes,
				 int nscopes, long line)
{
	const cJSON *array = cJSON_GetObjectItemCaseSensitive(object, run->parts[level]);
	const cJSON *item;

	if (array == NULL)
		return true;			/* an employee with no lines this month */
	if (!cJSON_IsArray(array))
		return json_emit_error(run, line, "« %s » doit être un tableau [...]", run->parts[level]);
	scopes[nscopes++] = object;
	cJSON_ArrayForEach(item, array)
	{
		long item_line = run->leaf_next < run->nleaf ? run->leaf_lines[run->leaf_next] : line;
		bool ok;

		if (level == run->nparts - 1)
		{
			run->leaf_next++;
			ok = json_emit_object(run, item_line, item, scopes, nscopes);
		}
		else if (cJSON_IsObject(item))
			ok = json_walk_nested(run, item, level + 1, scopes, nscopes, line);
		else
			ok = json_emit_error(run, line, "« %s » : un objet JSON {…} est attendu dans le tableau",
								 run->parts[level]);
		if (!ok)
			return false;
	}
	return true;
}

/* The lines of one element of the top array, the path's first level. */
static bool
json_emit_nested(JsonRun *run, long line, const cJSON *element)
{
	const void *scopes[JSON_MAX_NESTING + 1];
	int nscopes = 0;

	if (!cJSON_IsObject(element))
		return json_emit_error(run, line, "un objet JSON {…} est attendu ici");

	/* the lines' positions, from the element's text */
	FILE *text = fmemopen(run->text.data, run->text.len, "r");
	JsonScan scan;

	run->nleaf = run->leaf_next = 0;
	if (text)
	{
		json_scan_init(&scan, text);
		scan.line = line;
		if (json_scan_space(&scan) == '{' && !json_scan_leaf_lines(run, &scan, 1))
			run->nleaf = 0;
		fclose(text);
	}
	if (run->root)
		scopes[nscopes++] = run->root;
	return json_walk_nested(run, element, 1, scopes, nscopes, line);
}

/* Parses one element and hands it on as a record, or its nested lines. */
static bool
json_emit_element(JsonRun *run, long line, const JsonValueInfo *info)
{
	if (info->too_big)
		return json_emit_error(run, line, "objet JSON trop grand (plus de 1 Mio)");
	if (info->too_deep)
		return json_emit_error(run, line, "objet JSON trop imbriqué (plus de 32 niveaux)");

	size_t invalid = decode_utf8_invalid_offset(run->text.data, run->text.len);

	/* cJSON keeps bytes as they are: a JSON file must be UTF-8, checked here */
	if (invalid < run->text.len)
		return json_emit_error(run, line, "octet 0x%02X invalide en UTF-8 (le JSON doit être en UTF-8)",
							   (unsigned char) run->text.data[invalid]);

	cJSON *object = cJSON_ParseWithLength(run->text.data, run->text.len);

	if (object == NULL)
		return json_emit_error(run, line, "JSON mal formé dans l'objet");

	const void *scopes[1] = {run->root};
	bool ok = run->nparts > 1 ? json_emit_nested(run, line, object)
		: json_emit_object(run, line, object, scopes, run->root ? 1 : 0);

	cJSON_Delete(object);
	return ok;
}

/* Reads the elements of the array whose '[' was just consumed. */
static bool
json_read_array(JsonRun *run)
{
	JsonScan *scan = &run->scan;

	for (;;)
	{
		int c = json_scan_space(scan);

		if (c == ']')
		{
			json_scan_get(scan);
			return true;
		}
		if (c == ',')
		{
			json_scan_get(scan);
			continue;
		}
		if (c == EOF)
			return json_emit_error(run, scan->line, "JSON tronqué : le tableau n'est jamais fermé");

		long line = scan->line;
		JsonValueInfo info;

		if (!json_scan_value(scan, &run->text, JSON_MAX_OBJECT_SIZE, JSON_MAX_DEPTH, &info))
			return json_emit_error(run, line,
								   "JSON tronqué : l'objet commencé ici n'est jamais fermé");
		if (!json_emit_element(run, line, &info))
			return false;
	}
}

/* Skips a UTF-8 BOM and spaces; returns the first byte of the document, not consumed. */
static int
json_skip_bom(JsonScan *scan)
{
	if (json_scan_peek(scan) == 0xEF)
	{
		json_scan_get(scan);
		json_scan_get(scan);
		json_scan_get(scan);
	}
	return json_scan_space(scan);
}

typedef enum
{
	JSON_NEXT_KEY,				/* a key was read, its value is next */
	JSON_NEXT_END,				/* the object ends (or the file) */
	JSON_NEXT_BAD				/* malformed: *message says why */
} JsonNext;

/* Reads the next member's key of the object being read. */
static JsonNext
json_next_key(JsonRun *run, char *key, size_t size, size_t *key_len, const char **message)
{
	JsonScan *scan = &run->scan;
	int c;

	while ((c = json_scan_space(scan)) == ',')
		json_scan_get(scan);
	if (c == '}' || c == EOF)
		return JSON_NEXT_END;
	switch (json_scan_key(scan, key, size, key_len))
	{
		case JSON_KEY_OK:
			return JSON_NEXT_KEY;
		case JSON_KEY_MISSING:
		case JSON_KEY_TRUNCATED:
			*message = "JSON mal formé : clé attendue";
			return JSON_NEXT_BAD;
		case JSON_KEY_NO_COLON:
			*message = "JSON mal formé : « : » attendu";
			return JSON_NEXT_BAD;
	}
	return JSON_NEXT_BAD;
}

static bool
json_is_array_key(JsonRun *run, const char *key, size_t key_len)
{
	return key_len == strlen(run->parts[0]) && key_len < 256 &&
		memcmp(key, run->parts[0], key_len) == 0 && json_scan_peek(&run->scan) == '[';
}

/*
 * First pass of a scoped read: the root object's members other than the lines' array
 * (periode, structure…), wherever they stand, parsed into run->root. The array is
 * skipped unread, so memory stays bounded by the largest member.
 */
static bool
json_read_root_members(JsonRun *run)
{
	char key[256];
	size_t key_len;
	const char *message = NULL;

	if (json_skip_bom(&run->scan) != '{')
		return true;			/* a top-level array has no root members */
	json_scan_get(&run->scan);
	/* a malformed root is reported by the second pass */
	while (json_next_key(run, key, sizeof(key), &key_len, &message) == JSON_NEXT_KEY)
	{
		JsonValueInfo info;
		bool lines = json_is_array_key(run, key, key_len);

		if (!json_scan_value(&run->scan, lines ? NULL : &run->text, JSON_MAX_OBJECT_SIZE,
							 JSON_MAX_DEPTH, &info))
			return true;		/* truncated: the second pass reports it */
		if (lines || info.too_big || info.too_deep || key_len >= sizeof(key) ||
			decode_utf8_invalid_offset(run->text.data, run->text.len) < run->text.len)
			continue;

		cJSON *value = cJSON_ParseWithLength(run->text.data, run->text.len);

		if (value && !cJSON_AddItemToObject(run->root, key, value))
			cJSON_Delete(value);
	}
	return true;
}

/* At the top: an array, or an object with the kind's name holding the array. */
static bool
json_read_top(JsonRun *run)
{
	JsonScan *scan = &run->scan;
	const char *array_key = run->parts[0];
	char key[256];
	size_t key_len;
	const char *message = NULL;
	JsonNext next;
	int c = json_skip_bom(scan);

	if (c == '[')
	{
		json_scan_get(scan);
		return json_read_array(run);
	}
	if (c != '{')
		return json_emit_error(run, scan->line,
							   "JSON attendu : un tableau [...] ou {\"%s\": [...]}", array_key);
	json_scan_get(scan);
	while ((next = json_next_key(run, key, sizeof(key), &key_len, &message)) == JSON_NEXT_KEY)
	{
		JsonValueInfo info;

		if (json_is_array_key(run, key, key_len))
		{
			json_scan_get(scan);
			return json_read_array(run);
		}
		/* another member ($schema, metadata, the root's fields): skip its value */
		if (!json_scan_value(scan, NULL, 0, JSON_MAX_DEPTH, &info))
			return json_emit_error(run, scan->line, "JSON tronqué");
	}
	if (next == JSON_NEXT_BAD)
		return json_emit_error(run, scan->line, "%s", message);
	return json_emit_error(run, scan->line, "aucun tableau \"%s\" dans l'objet JSON", array_key);
}

/* Splits the layout's array path ("salaries.affectations") into run->parts. */
static bool
json_split_path(JsonRun *run, const char *path)
{
	snprintf(run->path_text, sizeof(run->path_text), "%s", path ? path : "");
	run->nparts = 0;
	for (char *part = run->path_text; run->nparts < JSON_MAX_NESTING;)
	{
		char *dot = strchr(part, '.');

		run->parts[run->nparts++] = part;
		if (dot == NULL)
			return true;
		*dot = '\0';
		part = dot + 1;
	}
	log_error("« tableau » : plus de %d niveaux de tableaux", JSON_MAX_NESTING);
	return false;
}

bool
json_reader_run(const char *path, const JsonLayout *layout, CsvRecordCallback callback,
				void *context)
{
	JsonRun run = {.layout = layout, .callback = callback, .context = context};

	if (!json_split_path(&run, layout->array_key))
		return false;

	FILE *file = fopen(path, "rb");

	if (file == NULL)
	{
		log_error("%s : ouverture impossible : %s", path, log_strerror(errno));
		return false;
	}
	json_scan_init(&run.scan, file);
	if (layout->scoped)
	{
		run.root = cJSON_CreateObject();
		if (run.root == NULL || !json_read_root_members(&run) || fseek(file, 0, SEEK_SET) != 0)
		{
			if (run.root)
				log_error("%s : lecture impossible : %s", path, log_strerror(errno));
			cJSON_Delete(run.root);
			fclose(file);
			strbuf_free(&run.text);
			return false;
		}
		clearerr(file);
		json_scan_init(&run.scan, file);
	}

	/* the header: the layout's field names */
	char *names[JSON_MAX_FIELDS];
	size_t lengths[JSON_MAX_FIELDS];

	for (int i = 0; i < layout->nnames; i++)
	{
		names[i] = (char *) layout->names[i];
		lengths[i] = strlen(names[i]);
	}

	CsvRecord header = {.line = 1, .nfields = layout->nnames, .fields = names, .lengths = lengths};
	bool ok = callback(context, &header) && json_read_top(&run);

	if (ferror(file))
	{
		log_error("%s : lecture impossible : %s", path, log_strerror(errno));
		ok = false;
	}
	fclose(file);
	strbuf_free(&run.text);
	cJSON_Delete(run.root);
	free(run.leaf_lines);
	return ok;
}

/* ---- rejected lines written back as JSON ---- */

typedef struct JsonRejects
{
	JsonRun run;
	JsonRejectMotif motif_of;
	void *context;
	long kept;
} JsonRejects;

/* Marks a line object rejected: "ligne" and "motif" set (replaced when sent back). */
static void
json_mark_rejected(cJSON *object, long line, const char *motif)
{
	cJSON_DeleteItemFromObjectCaseSensitive(object, "ligne");
	cJSON_DeleteItemFromObjectCaseSensitive(object, "motif");
	cJSON_AddNumberToObject(object, "ligne", (double) line);
	cJSON_AddStringToObject(object, "motif", motif);
}

/* Keeps in object's arrays (from level) only what holds rejected lines; false when none. */
static bool
json_prune(JsonRejects *rejects, cJSON *object, int level)
{
	JsonRun *run = &rejects->run;
	cJSON *array = cJSON_GetObjectItemCaseSensitive(object, run->parts[level]);
	bool any = false;

	if (!cJSON_IsArray(array))
		return false;
	for (cJSON *item = array->child; item;)
	{
		cJSON *next = item->next;
		bool keep = false;

		if (level == run->nparts - 1)
		{
			long line = run->leaf_next < run->nleaf ? run->leaf_lines[run->leaf_next] : -1;
			const char *motif = line > 0 ? rejects->motif_of(rejects->context, line) : NULL;

			run->leaf_next++;
			if (motif && cJSON_IsObject(item))
			{
				json_mark_rejected(item, line, motif);
				keep = true;
			}
		}
		else if (cJSON_IsObject(item))
			keep = json_prune(rejects, item, level + 1);
		if (!keep)
			cJSON_Delete(cJSON_DetachItemViaPointer(array, item));
		any = any || keep;
		item = next;
	}
	return any;
}

/* One element of the top array: kept, cut down to its rejected lines, or dropped. */
static void
json_rejects_element(JsonRejects *rejects, long line, cJSON *out_array)
{
	JsonRun *run = &rejects->run;
	cJSON *element = cJSON_ParseWithLength(run->text.data, run->text.len);
	bool keep = false;

	if (element == NULL)
	{
		/* unreadable: sent back as text, with its reason */
		const char *motif = rejects->motif_of(rejects->context, line);

		if (motif)
		{
			element = cJSON_CreateObject();
			cJSON_AddStringToObject(element, "texte", run->text.data ? run->text.data : "");
			json_mark_rejected(element, line, motif);
			keep = true;
		}
	}
	else if (run->nparts == 1)
	{
		const char *motif = rejects->motif_of(rejects->context, line);

		if (motif && cJSON_IsObject(element))
		{
			json_mark_rejected(element, line, motif);
			keep = true;
		}
	}
	else if (cJSON_IsObject(element))
	{
		FILE *text = fmemopen(run->text.data, run->text.len, "r");
		JsonScan scan;

		run->nleaf = run->leaf_next = 0;
		if (text)
		{
			json_scan_init(&scan, text);
			scan.line = line;
			if (json_scan_space(&scan) == '{' && !json_scan_leaf_lines(run, &scan, 1))
				run->nleaf = 0;
			fclose(text);
		}
		keep = json_prune(rejects, element, 1);
	}
	if (keep)
	{
		cJSON_AddItemToArray(out_array, element);
		rejects->kept++;
	}
	else
		cJSON_Delete(element);
}

static bool
json_rejects_array(JsonRejects *rejects, cJSON *out_array)
{
	JsonScan *scan = &rejects->run.scan;
	int c;

	json_scan_get(scan);
	while ((c = json_scan_space(scan)) != ']' && c != EOF)
	{
		long line = scan->line;
		JsonValueInfo info;

		if (c == ',')
		{
			json_scan_get(scan);
			continue;
		}
		if (!json_scan_value(scan, &rejects->run.text, JSON_MAX_OBJECT_SIZE, JSON_MAX_DEPTH, &info))
			return true;		/* truncated: what was read is written */
		json_rejects_element(rejects, line, out_array);
	}
	if (c == ']')
		json_scan_get(scan);
	return true;
}

bool
json_rejects_write(const char *path, const char *array_path, JsonRejectMotif motif_of,
				   void *context, FILE *out)
{
	JsonRejects rejects = {.motif_of = motif_of, .context = context};
	JsonRun *run = &rejects.run;
	cJSON *doc = NULL;
	bool ok = json_split_path(run, array_path);
	FILE *file = ok ? fopen(path, "rb") : NULL;

	if (file == NULL)
	{
		if (ok)
			log_error("%s : ouverture impossible : %s", path, log_strerror(errno));
		return false;
	}
	json_scan_init(&run->scan, file);

	int c = json_skip_bom(&run->scan);

	if (c == '[')
	{
		doc = cJSON_CreateArray();
		ok = json_rejects_array(&rejects, doc);
	}
	else if (c == '{')
	{
		char key[256];
		size_t key_len;
		const char *message;

		doc = cJSON_CreateObject();
		json_scan_get(&run->scan);
		while (ok && json_next_key(run, key, sizeof(key), &key_len, &message) == JSON_NEXT_KEY)
		{
			JsonValueInfo info;

			if (json_is_array_key(run, key, key_len))
			{
				cJSON *array = cJSON_CreateArray();

				cJSON_AddItemToObject(doc, run->parts[0], array);
				ok = json_rejects_array(&rejects, array);
				continue;
			}
			if (!json_scan_value(&run->scan, &run->text, JSON_MAX_OBJECT_SIZE, JSON_MAX_DEPTH, &info))
				break;

			cJSON *value = cJSON_ParseWithLength(run->text.data, run->text.len);

			if (value)
				cJSON_AddItemToObject(doc, key, value);
		}
	}

	char *text = doc ? cJSON_Print(doc) : NULL;

	if (text)
		ok = fputs(text, out) >= 0 && fputc('\n', out) != EOF && ok;
	free(text);
	cJSON_Delete(doc);
	fclose(file);
	strbuf_free(&run->text);
	free(run->leaf_lines);
	return ok;
}
