/*
 * Reading the parts of an .xlsx workbook that come before its sheet: workbook.xml (the
 * sheets, the 1904 date system), its relationships, styles.xml and sharedStrings.xml.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "importers/normalize.h"
#include "importers/xlsx_book.h"
#include "importers/xlsx_reader.h"
#include "src/lib/log.h"

#define XLSX_CHUNK (64 * 1024)

const char *
xlsx_local_name(const char *name)
{
	const char *bar = strrchr(name, '|');

	return bar ? bar + 1 : name;
}

const char *
xlsx_attribute(const char **attributes, const char *name)
{
	for (int i = 0; attributes[i]; i += 2)
		if (strcmp(xlsx_local_name(attributes[i]), name) == 0)
			return attributes[i + 1];
	return NULL;
}

XlsxPartStatus
xlsx_book_parse(XlsxBook *book, const char *name, XML_Parser parser, const bool *stopped)
{
	zip_file_t *entry = zip_fopen(book->zip, name, ZIP_FL_NOCASE);

	if (entry == NULL)
		return XLSX_PART_MISSING;

	char *chunk = malloc(XLSX_CHUNK);
	XlsxPartStatus status = chunk ? XLSX_PART_OK : XLSX_PART_BAD;

	while (status == XLSX_PART_OK)
	{
		zip_int64_t got = zip_fread(entry, chunk, XLSX_CHUNK);

		if (got < 0)
		{
			log_error("%s : classeur abîmé : %s illisible (%s)", book->display_name, name,
					  zip_file_strerror(entry));
			status = XLSX_PART_BAD;
			break;
		}
		if (XML_Parse(parser, chunk, (int) got, got == 0) == XML_STATUS_ERROR)
		{
			if (stopped && *stopped)
				status = XLSX_PART_STOPPED;
			else
			{
				log_error("%s : classeur abîmé : %s n'est pas du XML valide (ligne %lu : %s)",
						  book->display_name, name, (unsigned long) XML_GetCurrentLineNumber(parser),
						  XML_ErrorString(XML_GetErrorCode(parser)));
				status = XLSX_PART_BAD;
			}
			break;
		}
		if (got == 0)
			break;
	}
	free(chunk);
	zip_fclose(entry);
	return status;
}

/* ---- workbook.xml: the sheets in order and the date system ---- */

static void
workbook_start(void *data, const char *element, const char **attributes)
{
	XlsxBook *book = data;
	const char *local = xlsx_local_name(element);

	if (strcmp(local, "workbookPr") == 0)
	{
		const char *d1904 = xlsx_attribute(attributes, "date1904");

		book->date1904 = d1904 && (strcmp(d1904, "1") == 0 || strcmp(d1904, "true") == 0);
	}
	else if (strcmp(local, "sheet") == 0)
	{
		const char *name = xlsx_attribute(attributes, "name");
		const char *rel = NULL;

		/* the relationship id is r:id, in the relationships namespace */
		for (int i = 0; attributes[i]; i += 2)
			if (strchr(attributes[i], '|') && strcmp(xlsx_local_name(attributes[i]), "id") == 0)
				rel = attributes[i + 1];
		if (name == NULL || rel == NULL)
			return;

		char **names = realloc(book->sheet_names, sizeof(char *) * (size_t) (book->nsheets + 1));

		if (names == NULL)
			return;
		book->sheet_names = names;

		char **rels = realloc(book->sheet_rels, sizeof(char *) * (size_t) (book->nsheets + 1));

		if (rels == NULL)
			return;
		book->sheet_rels = rels;
		book->sheet_names[book->nsheets] = strdup(name);
		book->sheet_rels[book->nsheets] = strdup(rel);
		if (book->sheet_names[book->nsheets] && book->sheet_rels[book->nsheets])
			book->nsheets++;
		else
		{
			free(book->sheet_names[book->nsheets]);
			free(book->sheet_rels[book->nsheets]);
		}
	}
}

/* ---- workbook.xml.rels: the file of the chosen sheet ---- */

typedef struct RelsSearch
{
	XlsxBook *book;
	const char *id;
} RelsSearch;

static void
rels_start(void *data, const char *element, const char **attributes)
{
	RelsSearch *search = data;

	if (strcmp(xlsx_local_name(element), "Relationship") != 0 || search->book->sheet_path)
		return;

	const char *id = xlsx_attribute(attributes, "Id");
	const char *target = xlsx_attribute(attributes, "Target");

	if (id == NULL || target == NULL || strcmp(id, search->id) != 0)
		return;

	StrBuf path = {0};

	/* relative to xl/, or absolute in the package */
	if (target[0] == '/')
		strbuf_puts(&path, target + 1);
	else
		strbuf_printf(&path, "xl/%s", target);
	search->book->sheet_path = path.data;
}

/* ---- styles.xml: which cell styles show dates ---- */

typedef struct StylesState
{
	XlsxBook *book;
	int depth;
	int cell_xfs_depth;			/* depth of <cellXfs>, 0 outside */
	int ncustom;
	int custom_ids[256];
	unsigned char custom_kinds[256];
	int *xf_formats;
	int nxf;
} StylesState;

int
xlsx_format_date_kind(const char *code)
{
	bool day = false, year = false;

	if (strcasecmp(code, "general") == 0)
		return 0;
	for (const char *p = code; *p && *p != ';'; p++)
	{
		switch (*p)
		{
			case '"':			/* literal text */
				while (p[1] && p[1] != '"')
					p++;
				if (p[1])
					p++;
				break;
			case '[':			/* colour, locale, elapsed time */
				while (p[1] && p[1] != ']')
					p++;
				if (p[1])
					p++;
				break;
			case '\\':
			case '_':
			case '*':
				if (p[1])
					p++;
				break;
			case 'd':
			case 'D':
				day = true;
				break;
			case 'y':
			case 'Y':
				year = true;
				break;
			default:
				break;
		}
	}
	return day ? 1 : year ? 2 : 0;
}

/* The built-in formats of Excel that are dates: 14-17, 22, and the East Asian ones. */
static int
builtin_date_kind(int id)
{
	if (id == 17)
		return 2;
	if ((id >= 14 && id <= 16) || id == 22 || (id >= 27 && id <= 36) || (id >= 50 && id <= 58))
		return 1;
	return 0;
}

static void
styles_start(void *data, const char *element, const char **attributes)
{
	StylesState *state = data;
	const char *local = xlsx_local_name(element);

	state->depth++;
	if (strcmp(local, "cellXfs") == 0)
		state->cell_xfs_depth = state->depth;
	else if (strcmp(local, "numFmt") == 0 && state->ncustom < 256)
	{
		const char *id = xlsx_attribute(attributes, "numFmtId");
		const char *code = xlsx_attribute(attributes, "formatCode");

		if (id && code)
		{
			state->custom_ids[state->ncustom] = (int) strtol(id, NULL, 10);
			state->custom_kinds[state->ncustom] = (unsigned char) xlsx_format_date_kind(code);
			state->ncustom++;
		}
	}
	else if (strcmp(local, "xf") == 0 && state->cell_xfs_depth > 0 &&
			 state->depth == state->cell_xfs_depth + 1)
	{
		const char *id = xlsx_attribute(attributes, "numFmtId");
		int *formats = realloc(state->xf_formats, sizeof(int) * (size_t) (state->nxf + 1));

		if (formats == NULL)
			return;
		state->xf_formats = formats;
		state->xf_formats[state->nxf++] = id ? (int) strtol(id, NULL, 10) : 0;
	}
}

static void
styles_end(void *data, const char *element)
{
	StylesState *state = data;

	if (strcmp(xlsx_local_name(element), "cellXfs") == 0)
		state->cell_xfs_depth = 0;
	state->depth--;
}

static bool
book_read_styles(XlsxBook *book)
{
	StylesState state = {.book = book};
	XML_Parser parser = XML_ParserCreateNS(NULL, '|');

	if (parser == NULL)
		return false;
	XML_SetUserData(parser, &state);
	XML_SetElementHandler(parser, styles_start, styles_end);

	XlsxPartStatus status = xlsx_book_parse(book, "xl/styles.xml", parser, NULL);

	XML_ParserFree(parser);
	if (status == XLSX_PART_BAD)
	{
		free(state.xf_formats);
		return false;
	}
	book->style_date = calloc((size_t) state.nxf + 1, 1);
	if (book->style_date == NULL)
	{
		free(state.xf_formats);
		return false;
	}
	for (int i = 0; i < state.nxf; i++)
	{
		int id = state.xf_formats[i];
		int kind = builtin_date_kind(id);

		for (int c = 0; c < state.ncustom; c++)
			if (state.custom_ids[c] == id)
				kind = state.custom_kinds[c];
		book->style_date[i] = (unsigned char) kind;
	}
	book->nstyles = state.nxf;
	free(state.xf_formats);
	return true;
}

/* ---- sharedStrings.xml ---- */

typedef struct SharedState
{
	XlsxBook *book;
	XML_Parser parser;
	bool in_text;				/* inside <t> of a string, not of a phonetic run */
	int phonetic;				/* inside <rPh> */
	bool too_big;
	bool stopped;
	size_t start;				/* offset of the string being read */
} SharedState;

static void
shared_start(void *data, const char *element, const char **attributes)
{
	SharedState *state = data;
	const char *local = xlsx_local_name(element);

	(void) attributes;
	if (strcmp(local, "si") == 0)
		state->start = state->book->shared.len;
	else if (strcmp(local, "rPh") == 0)
		state->phonetic++;
	else if (strcmp(local, "t") == 0 && state->phonetic == 0)
		state->in_text = true;
}

static void
shared_end(void *data, const char *element)
{
	SharedState *state = data;
	XlsxBook *book = state->book;
	const char *local = xlsx_local_name(element);

	if (strcmp(local, "t") == 0)
		state->in_text = false;
	else if (strcmp(local, "rPh") == 0)
		state->phonetic--;
	else if (strcmp(local, "si") == 0)
	{
		if (book->nshared == book->shared_cap)
		{
			long cap = book->shared_cap ? book->shared_cap * 2 : 256;
			size_t *offsets = realloc(book->shared_offsets, sizeof(size_t) * (size_t) cap);

			if (offsets == NULL)
			{
				state->stopped = true;
				XML_StopParser(state->parser, XML_FALSE);
				return;
			}
			book->shared_offsets = offsets;
			book->shared_cap = cap;
		}
		book->shared_offsets[book->nshared++] = state->start;
		if (!strbuf_putc(&book->shared, '\0'))
		{
			state->stopped = true;
			XML_StopParser(state->parser, XML_FALSE);
		}
	}
}

static void
shared_text(void *data, const char *text, int len)
{
	SharedState *state = data;

	if (!state->in_text)
		return;
	if (state->book->shared.len + (size_t) len > XLSX_MAX_SHARED_BYTES ||
		!strbuf_append(&state->book->shared, text, (size_t) len))
	{
		state->too_big = state->stopped = true;
		XML_StopParser(state->parser, XML_FALSE);
	}
}

static bool
book_read_shared(XlsxBook *book)
{
	SharedState state = {.book = book};
	XML_Parser parser = XML_ParserCreateNS(NULL, '|');

	if (parser == NULL)
		return false;
	state.parser = parser;
	XML_SetUserData(parser, &state);
	XML_SetElementHandler(parser, shared_start, shared_end);
	XML_SetCharacterDataHandler(parser, shared_text);

	XlsxPartStatus status = xlsx_book_parse(book, "xl/sharedStrings.xml", parser, &state.stopped);

	XML_ParserFree(parser);
	if (state.too_big)
		log_error("%s : classeur refusé : plus de %ld Mio de textes", book->display_name,
				  XLSX_MAX_SHARED_BYTES / (1024 * 1024));
	return status == XLSX_PART_OK || status == XLSX_PART_MISSING;
}

const char *
xlsx_book_shared(const XlsxBook *book, long index)
{
	if (index < 0 || index >= book->nshared)
		return NULL;
	return book->shared.data + book->shared_offsets[index];
}

/* ---- opening ---- */

static bool
book_names_match(const char *a, const char *b)
{
	StrBuf na = {0}, nb = {0};
	bool same = normalize_name(a, &na) && normalize_name(b, &nb) &&
		strcmp(na.data ? na.data : "", nb.data ? nb.data : "") == 0;

	strbuf_free(&na);
	strbuf_free(&nb);
	return same;
}

static int
book_find_sheet(XlsxBook *book, const char *sheet)
{
	if (sheet == NULL)
		return book->nsheets > 0 ? 0 : -1;
	for (int i = 0; i < book->nsheets; i++)
		if (strcmp(book->sheet_names[i], sheet) == 0)
			return i;
	for (int i = 0; i < book->nsheets; i++)
		if (book_names_match(book->sheet_names[i], sheet))
			return i;

	StrBuf names = {0};

	for (int i = 0; i < book->nsheets; i++)
		strbuf_printf(&names, "%s« %s »", i ? ", " : "", book->sheet_names[i]);
	log_error("%s : pas de feuille « %s » dans le classeur (feuilles : %s)", book->display_name,
			  sheet, names.data ? names.data : "aucune");
	strbuf_free(&names);
	return -2;
}

static bool
book_read_workbook(XlsxBook *book)
{
	XML_Parser parser = XML_ParserCreateNS(NULL, '|');

	if (parser == NULL)
		return false;
	XML_SetUserData(parser, book);
	XML_SetStartElementHandler(parser, workbook_start);

	XlsxPartStatus status = xlsx_book_parse(book, "xl/workbook.xml", parser, NULL);

	XML_ParserFree(parser);
	if (status == XLSX_PART_MISSING)
		log_error("%s : archive zip qui n'est pas un classeur Excel (.xlsx) : pas de "
				  "xl/workbook.xml (un classeur OpenDocument .ods s'enregistre en .xlsx "
				  "depuis le tableur)", book->display_name);
	return status == XLSX_PART_OK;
}

static bool
book_find_sheet_path(XlsxBook *book, int index)
{
	RelsSearch search = {.book = book, .id = book->sheet_rels[index]};
	XML_Parser parser = XML_ParserCreateNS(NULL, '|');

	if (parser == NULL)
		return false;
	XML_SetUserData(parser, &search);
	XML_SetStartElementHandler(parser, rels_start);

	XlsxPartStatus status = xlsx_book_parse(book, "xl/_rels/workbook.xml.rels", parser, NULL);

	XML_ParserFree(parser);
	if (status == XLSX_PART_OK && book->sheet_path == NULL)
		log_error("%s : classeur abîmé : la feuille « %s » n'a pas de fichier", book->display_name,
				  book->sheet_names[index]);
	return status == XLSX_PART_OK && book->sheet_path != NULL;
}

bool
xlsx_book_open(XlsxBook *book, const char *path, const char *display_name, const char *sheet)
{
	int error = 0;

	book->display_name = display_name;
	book->zip = zip_open(path, ZIP_RDONLY, &error);
	if (book->zip == NULL)
	{
		zip_error_t zerror;

		zip_error_init_with_code(&zerror, error);
		log_error("%s : classeur illisible : %s (enregistrez-le de nouveau depuis le tableur)",
				  display_name, zip_error_strerror(&zerror));
		zip_error_fini(&zerror);
		return false;
	}
	if (!book_read_workbook(book))
		return false;

	int index = book_find_sheet(book, sheet);

	if (index == -1)
		log_error("%s : le classeur n'a aucune feuille", display_name);
	return index >= 0 && book_find_sheet_path(book, index) && book_read_styles(book) &&
		book_read_shared(book);
}

void
xlsx_book_close(XlsxBook *book)
{
	if (book->zip)
		zip_discard(book->zip);
	for (int i = 0; i < book->nsheets; i++)
	{
		free(book->sheet_names[i]);
		free(book->sheet_rels[i]);
	}
	free(book->sheet_names);
	free(book->sheet_rels);
	free(book->sheet_path);
	free(book->style_date);
	free(book->shared_offsets);
	strbuf_free(&book->shared);
	memset(book, 0, sizeof(*book));
}
