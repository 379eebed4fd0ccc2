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

#include "decode.h"
#include "json_reader.h"
#include "json_scan.h"
#include "log.h"
#include "strbuf.h"

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

bool
json_object_to_fields(const void *parsed, const JsonLayout *layout, char **fields,
					  char *err, size_t errsize, int *bad_field)
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
		const cJSON *value = json_find_path(object, layout->names[i]);

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
	const JsonLayout *layout;
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

/* Parses one element and hands it on as a record. */
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
	if (!cJSON_IsObject(object))
	{
		cJSON_Delete(object);
		return json_emit_error(run, line, "un objet JSON {…} est attendu ici");
	}

	char err[256];
	int bad = -1;
	bool ok;

	if (!json_object_to_fields(object, run->layout, run->fields, err, sizeof(err), &bad))
	{
		run->error_column = bad >= 0 ? run->layout->names[bad] : NULL;
		ok = json_emit_error(run, line, "%s", err);
		run->error_column = NULL;
	}
	else
	{
		for (int i = 0; i < run->layout->nnames; i++)
			run->lengths[i] = strlen(run->fields[i]);

		CsvRecord record = {.line = (int) line, .nfields = run->layout->nnames,
		.fields = run->fields, .lengths = run->lengths};

		ok = run->callback(run->context, &record);
		json_fields_free(run->fields, run->layout->nnames);
	}
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

/* At the top: an array, or an object with the kind's name holding the array. */
static bool
json_read_top(JsonRun *run)
{
	JsonScan *scan = &run->scan;
	const char *array_key = run->layout->array_key;
	int c;

	/* a UTF-8 BOM is tolerated */
	if (json_scan_peek(scan) == 0xEF)
	{
		json_scan_get(scan);
		json_scan_get(scan);
		json_scan_get(scan);
	}
	c = json_scan_space(scan);
	if (c == '[')
	{
		json_scan_get(scan);
		return json_read_array(run);
	}
	if (c != '{')
		return json_emit_error(run, scan->line,
							   "JSON attendu : un tableau [...] ou {\"%s\": [...]}", array_key);
	json_scan_get(scan);
	for (;;)
	{
		char key[256];
		size_t key_len;
		JsonValueInfo info;

		c = json_scan_space(scan);
		if (c == ',')
		{
			json_scan_get(scan);
			continue;
		}
		if (c == '}' || c == EOF)
			return json_emit_error(run, scan->line,
								   "aucun tableau \"%s\" dans l'objet JSON", array_key);
		switch (json_scan_key(scan, key, sizeof(key), &key_len))
		{
			case JSON_KEY_OK:
				break;
			case JSON_KEY_MISSING:
			case JSON_KEY_TRUNCATED:
				return json_emit_error(run, scan->line, "JSON mal formé : clé attendue");
			case JSON_KEY_NO_COLON:
				return json_emit_error(run, scan->line, "JSON mal formé : « : » attendu");
		}
		if (key_len == strlen(array_key) && key_len < sizeof(key) &&
			memcmp(key, array_key, key_len) == 0 && json_scan_peek(scan) == '[')
		{
			json_scan_get(scan);
			return json_read_array(run);
		}
		/* another member ($schema, metadata): skip its value */
		if (!json_scan_value(scan, NULL, 0, JSON_MAX_DEPTH, &info))
			return json_emit_error(run, scan->line, "JSON tronqué");
	}
}

bool
json_reader_run(const char *path, const JsonLayout *layout, CsvRecordCallback callback,
				void *context)
{
	JsonRun run = {.layout = layout, .callback = callback, .context = context};

	FILE *file = fopen(path, "rb");

	if (file == NULL)
	{
		log_error("%s : ouverture impossible : %s", path, log_strerror(errno));
		return false;
	}
	json_scan_init(&run.scan, file);

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
	return ok;
}
