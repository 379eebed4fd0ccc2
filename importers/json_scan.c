/*
 * A streaming JSON scanner over a FILE, shared by the JSON and DECP readers: it finds
 * where values end (strings, escapes and depth tracked) without parsing them.
 */
#include <ctype.h>

#include "importers/json_scan.h"

void
json_scan_init(JsonScan *scan, FILE *file)
{
	*scan = (JsonScan) {.file = file, .line = 1, .peeked = EOF};
}

int
json_scan_get(JsonScan *scan)
{
	int c;

	if (scan->has_peek)
	{
		scan->has_peek = false;
		c = scan->peeked;
	}
	else
		c = getc(scan->file);
	if (c == '\n')
		scan->line++;
	return c;
}

int
json_scan_peek(JsonScan *scan)
{
	if (!scan->has_peek)
	{
		scan->peeked = getc(scan->file);
		scan->has_peek = true;
	}
	return scan->peeked;
}

int
json_scan_space(JsonScan *scan)
{
	int c;

	while ((c = json_scan_peek(scan)) == ' ' || c == '\t' || c == '\n' || c == '\r')
		json_scan_get(scan);
	return c;
}

/* Keeps a byte of a value in out (when given) while it holds less than max_size. */
static void
json_scan_keep(StrBuf *out, int c, size_t max_size, JsonValueInfo *info)
{
	if (out == NULL)
		return;
	if (out->len >= max_size)
		info->too_big = true;
	else if (!strbuf_putc(out, (char) c))
		info->no_memory = true;
}

bool
json_scan_value(JsonScan *scan, StrBuf *out, size_t max_size, long max_depth,
				JsonValueInfo *info)
{
	long depth = 0;
	bool in_string = false, escaped = false;

	*info = (JsonValueInfo) {0};
	if (out)
		strbuf_reset(out);
	for (;;)
	{
		int c = json_scan_get(scan);

		if (c == EOF)
			return false;
		json_scan_keep(out, c, max_size, info);

		if (in_string)
		{
			if (escaped)
				escaped = false;
			else if (c == '\\')
				escaped = true;
			else if (c == '"')
				in_string = false;
		}
		else if (c == '"')
			in_string = true;
		else if (c == '{' || c == '[')
		{
			if (++depth > max_depth)
				info->too_deep = true;
		}
		else if (c == '}' || c == ']')
			depth--;

		if (depth == 0 && !in_string)
		{
			/* a container ends at its close, a string at its quote, a scalar before a delimiter */
			if (c == '}' || c == ']' || c == '"')
				return true;

			int next = json_scan_peek(scan);

			if (next == ',' || next == ']' || next == '}' || next == EOF ||
				next == ' ' || next == '\n' || next == '\r' || next == '\t')
				return true;
		}
	}
}

bool
json_scan_word(JsonScan *scan, StrBuf *out, size_t max_size, JsonValueInfo *info)
{
	bool any = false;
	int c;

	*info = (JsonValueInfo) {0};
	if (out)
		strbuf_reset(out);
	while ((c = json_scan_peek(scan)) != EOF && (isalnum(c) || c == '-' || c == '+' || c == '.'))
	{
		json_scan_keep(out, json_scan_get(scan), max_size, info);
		any = true;
	}
	return any;
}

JsonKeyStatus
json_scan_key(JsonScan *scan, char *key, size_t size, size_t *length)
{
	size_t n = 0;
	int c;

	if (json_scan_get(scan) != '"')
		return JSON_KEY_MISSING;
	while ((c = json_scan_get(scan)) != '"')
	{
		if (c == EOF)
			return JSON_KEY_TRUNCATED;
		if (n + 1 < size)
			key[n] = (char) c;
		n++;
		if (c == '\\')
		{
			/* the escaped byte, kept as written: an escaped quote does not end the key */
			if ((c = json_scan_get(scan)) == EOF)
				return JSON_KEY_TRUNCATED;
			if (n + 1 < size)
				key[n] = (char) c;
			n++;
		}
	}
	key[n + 1 < size ? n : size - 1] = '\0';
	if (length)
		*length = n;
	if (json_scan_space(scan) != ':')
		return JSON_KEY_NO_COLON;
	json_scan_get(scan);
	json_scan_space(scan);
	return JSON_KEY_OK;
}
