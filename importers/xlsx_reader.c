/*
 * The sheet of an .xlsx workbook streamed row by row through expat: each <row> becomes
 * a record of text fields, cells placed by their reference, values typed as shown.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "importers/xlsx_book.h"
#include "importers/xlsx_reader.h"
#include "src/lib/log.h"

SourceMagic
source_magic(const char *path)
{
	unsigned char head[8] = {0};
	FILE *file = fopen(path, "rb");

	if (file == NULL)
		return SOURCE_TEXT;

	size_t got = fread(head, 1, sizeof(head), file);

	fclose(file);
	if (got >= 4 && memcmp(head, "PK\x03\x04", 4) == 0)
		return SOURCE_ZIP;
	if (got >= 8 && memcmp(head, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) == 0)
		return SOURCE_OLE2;
	return SOURCE_TEXT;
}

bool
source_named_xlsx(const char *path)
{
	size_t len = strlen(path);

	return len > 5 && strcasecmp(path + len - 5, ".xlsx") == 0;
}

bool
source_pick(const char *path, const char *display_name, bool xlsx_expected, bool *xlsx)
{
	SourceMagic magic = source_magic(path);
	bool named_xlsx = source_named_xlsx(path);

	*xlsx = magic == SOURCE_ZIP;
	if (magic == SOURCE_OLE2)
	{
		log_error("%s : classeur Excel 97-2003 (.xls), un format que clause ne lit pas : "
				  "ouvrez-le dans le tableur, enregistrez-le au format .xlsx (ou CSV) "
				  "et déposez ce nouveau fichier", display_name);
		return false;
	}
	if (magic == SOURCE_ZIP && !xlsx_expected && !named_xlsx)
	{
		log_error("%s : ce fichier est un classeur Excel (.xlsx), pas un %s : renommez-le "
				  "en .xlsx (ou enregistrez-le en CSV depuis le tableur)", display_name,
				  strstr(display_name, ".json") || strstr(display_name, ".JSON") ? "JSON" : "CSV");
		return false;
	}
	if (magic == SOURCE_TEXT && (xlsx_expected || named_xlsx))
	{
		log_error("%s : ce fichier n'est pas un classeur Excel (.xlsx), pas une archive zip : "
				  "si c'est un CSV, nommez-le .csv (et mettez \"format\": \"csv\" dans son "
				  "profil)", display_name);
		return false;
	}
	return true;
}

/* Days from the civil calendar (Howard Hinnant's algorithm), 1970-01-01 being 0. */
static void
civil_from_days(long z, int *y, int *m, int *d)
{
	z += 719468;

	long era = (z >= 0 ? z : z - 146096) / 146097;
	long doe = z - era * 146097;
	long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long mp = (5 * doy + 2) / 153;

	*d = (int) (doy - (153 * mp + 2) / 5 + 1);
	*m = (int) (mp < 10 ? mp + 3 : mp - 9);
	*y = (int) (yoe + era * 400 + (*m <= 2));
}

bool
xlsx_serial_to_date(double serial, bool date1904, char out[11])
{
	if (!isfinite(serial) || serial < (date1904 ? 0 : 1) || serial > 2958465)
		return false;

	long days = (long) floor(serial);
	long unix_days;
	int y, m, d;

	if (date1904)
		unix_days = days - 24107;
	else if (days >= 61)
		unix_days = days - 25569;	/* after Excel's 29/02/1900, which never was */
	else
		unix_days = days - 25568;
	civil_from_days(unix_days, &y, &m, &d);
	snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
	return true;
}

typedef struct SheetRun
{
	XlsxBook *book;
	XML_Parser parser;
	CsvRecordCallback callback;
	void *context;
	bool stopped;				/* the callback (or memory) stopped the parse */
	bool failed;
	int width_hint;				/* columns of <dimension>, when sensible */
	int widest;
	/* the row being read */
	int row;					/* its number */
	int last_row;
	int ncells;
	StrBuf arena;				/* cell texts, each followed by NUL */
	int *cell_columns;
	size_t *cell_offsets;
	int cell_cap;
	char row_error[160];
	/* the cell being read */
	int column;					/* 1-based */
	int last_column;
	char type[16];
	int style;
	bool in_value;
	bool in_inline;
	bool in_text;
	int phonetic;
	StrBuf value;
	/* the record handed on */
	char **fields;
	size_t *lengths;
	int fields_cap;
} SheetRun;

/* "AB12" -> 28; 0 when the reference has no column letters. */
static int
column_of_reference(const char *reference)
{
	int column = 0;

	for (const char *p = reference; *p >= 'A' && *p <= 'Z'; p++)
	{
		column = column * 26 + (*p - 'A' + 1);
		if (column > 16384)
			return 0;
	}
	return column;
}

static void
sheet_stop(SheetRun *run)
{
	run->stopped = true;
	XML_StopParser(run->parser, XML_FALSE);
}

/* A number as the sheet shows it in General format: "12.5", "84567136100408". */
static void
format_number(const char *text, char *out, size_t size)
{
	char *end = NULL;
	double value = strtod(text, &end);

	if (end == text || *end != '\0' || !isfinite(value))
	{
		snprintf(out, size, "%s", text);
		return;
	}
	if (value == floor(value) && fabs(value) < 1e15)
		snprintf(out, size, "%.0f", value);
	else
		snprintf(out, size, "%.15g", value);
}

/* The text of the cell just closed, typed by its t and s attributes. */
static const char *
sheet_cell_text(SheetRun *run, char *number, size_t size)
{
	const char *raw = run->value.data ? run->value.data : "";
	const char *type = run->type;

	if (strcmp(type, "s") == 0)
	{
		char *end = NULL;
		long index = strtol(raw, &end, 10);
		const char *text = end != raw ? xlsx_book_shared(run->book, index) : NULL;

		if (text == NULL)
			snprintf(run->row_error, sizeof(run->row_error),
					 "classeur abîmé : texte partagé n° %.20s introuvable", raw);
		return text ? text : "";
	}
	if (strcmp(type, "inlineStr") == 0 || strcmp(type, "str") == 0 || strcmp(type, "e") == 0)
		return raw;
	if (strcmp(type, "b") == 0)
		return strcmp(raw, "1") == 0 ? "oui" : strcmp(raw, "0") == 0 ? "non" : raw;
	if (strcmp(type, "d") == 0)
	{
		snprintf(number, size, "%.10s", raw);
		return number;
	}
	if (*raw == '\0')
		return "";

	int date_kind = run->style >= 0 && run->style < run->book->nstyles
		? run->book->style_date[run->style] : 0;
	char date[11];

	if (date_kind && xlsx_serial_to_date(strtod(raw, NULL), run->book->date1904, date))
	{
		snprintf(number, size, "%.*s", date_kind == 2 ? 7 : 10, date);
		return number;
	}
	format_number(raw, number, size);
	return number;
}

static void
sheet_keep_cell(SheetRun *run)
{
	char number[64];
	const char *text = sheet_cell_text(run, number, sizeof(number));

	if (*text == '\0')
		return;
	if (run->column > XLSX_MAX_COLUMNS)
	{
		snprintf(run->row_error, sizeof(run->row_error),
				 "cellule au-delà de la colonne %d, que clause ne lit pas", XLSX_MAX_COLUMNS);
		return;
	}
	if (run->ncells == run->cell_cap)
	{
		int cap = run->cell_cap ? run->cell_cap * 2 : 32;
		int *columns = realloc(run->cell_columns, sizeof(int) * (size_t) cap);

		if (columns)
			run->cell_columns = columns;

		size_t *offsets = realloc(run->cell_offsets, sizeof(size_t) * (size_t) cap);

		if (offsets)
			run->cell_offsets = offsets;
		if (columns == NULL || offsets == NULL)
		{
			sheet_stop(run);
			return;
		}
		run->cell_cap = cap;
	}
	run->cell_columns[run->ncells] = run->column;
	run->cell_offsets[run->ncells] = run->arena.len;
	run->ncells++;
	if (!strbuf_puts(&run->arena, text) || !strbuf_putc(&run->arena, '\0'))
		sheet_stop(run);
}

/* Hands the row on: every column up to the widest, absent cells empty. */
static void
sheet_emit_row(SheetRun *run)
{
	int width = run->width_hint > run->widest ? run->width_hint : run->widest;

	for (int i = 0; i < run->ncells; i++)
		if (run->cell_columns[i] > width)
			width = run->cell_columns[i];
	if (run->ncells == 0 && run->row_error[0] == '\0')
		return;					/* a row with formatting only */
	run->widest = width;
	if (width > run->fields_cap)
	{
		char **fields = realloc(run->fields, sizeof(char *) * (size_t) width);

		if (fields)
			run->fields = fields;

		size_t *lengths = realloc(run->lengths, sizeof(size_t) * (size_t) width);

		if (lengths)
			run->lengths = lengths;
		if (fields == NULL || lengths == NULL)
		{
			sheet_stop(run);
			return;
		}
		run->fields_cap = width;
	}
	for (int c = 0; c < width; c++)
	{
		run->fields[c] = "";
		run->lengths[c] = 0;
	}
	for (int i = 0; i < run->ncells; i++)
	{
		int c = run->cell_columns[i] - 1;

		run->fields[c] = run->arena.data + run->cell_offsets[i];
		run->lengths[c] = strlen(run->fields[c]);
	}

	CsvRecord record = {.line = run->row, .nfields = width, .fields = run->fields,
		.lengths = run->lengths, .error = run->row_error[0] ? run->row_error : NULL};

	if (!run->callback(run->context, &record))
		sheet_stop(run);
}

static void
sheet_start(void *data, const char *element, const char **attributes)
{
	SheetRun *run = data;
	const char *local = xlsx_local_name(element);

	if (strcmp(local, "row") == 0)
	{
		const char *r = xlsx_attribute(attributes, "r");
		long number = r ? strtol(r, NULL, 10) : 0;

		run->row = number > run->last_row && number < 2000000000 ? (int) number : run->last_row + 1;
		run->last_row = run->row;
		run->ncells = 0;
		run->last_column = 0;
		run->row_error[0] = '\0';
		strbuf_reset(&run->arena);
	}
	else if (strcmp(local, "c") == 0)
	{
		const char *r = xlsx_attribute(attributes, "r");
		const char *t = xlsx_attribute(attributes, "t");
		const char *s = xlsx_attribute(attributes, "s");
		int column = r ? column_of_reference(r) : 0;

		run->column = column > 0 ? column : run->last_column + 1;
		run->last_column = run->column;
		snprintf(run->type, sizeof(run->type), "%s", t ? t : "n");
		run->style = s ? (int) strtol(s, NULL, 10) : 0;
		strbuf_reset(&run->value);
	}
	else if (strcmp(local, "v") == 0)
		run->in_value = true;
	else if (strcmp(local, "is") == 0)
		run->in_inline = true;
	else if (strcmp(local, "rPh") == 0)
		run->phonetic++;
	else if (strcmp(local, "t") == 0 && run->in_inline && run->phonetic == 0)
		run->in_text = true;
	else if (strcmp(local, "dimension") == 0)
	{
		const char *ref = xlsx_attribute(attributes, "ref");
		const char *colon = ref ? strchr(ref, ':') : NULL;
		int width = colon ? column_of_reference(colon + 1) : 0;

		/* some writers claim every column of the sheet: not a hint then */
		run->width_hint = width <= 256 ? width : 0;
	}
}

static void
sheet_end(void *data, const char *element)
{
	SheetRun *run = data;
	const char *local = xlsx_local_name(element);

	if (strcmp(local, "v") == 0)
		run->in_value = false;
	else if (strcmp(local, "t") == 0)
		run->in_text = false;
	else if (strcmp(local, "is") == 0)
		run->in_inline = false;
	else if (strcmp(local, "rPh") == 0)
		run->phonetic--;
	else if (strcmp(local, "c") == 0)
		sheet_keep_cell(run);
	else if (strcmp(local, "row") == 0)
		sheet_emit_row(run);
}

static void
sheet_text(void *data, const char *text, int len)
{
	SheetRun *run = data;

	if ((run->in_value || run->in_text) && run->value.len < 65536 &&
		!strbuf_append(&run->value, text, (size_t) len))
		sheet_stop(run);
}

bool
xlsx_reader_run(const char *path, const char *display_name, const char *sheet,
				CsvRecordCallback callback, void *context)
{
	XlsxBook book = {0};
	bool ok = xlsx_book_open(&book, path, display_name, sheet);

	if (ok)
	{
		SheetRun run = {.book = &book, .callback = callback, .context = context};
		XML_Parser parser = XML_ParserCreateNS(NULL, '|');

		ok = parser != NULL;
		if (ok)
		{
			run.parser = parser;
			XML_SetUserData(parser, &run);
			XML_SetElementHandler(parser, sheet_start, sheet_end);
			XML_SetCharacterDataHandler(parser, sheet_text);

			XlsxPartStatus status = xlsx_book_parse(&book, book.sheet_path, parser, &run.stopped);

			if (status == XLSX_PART_MISSING)
				log_error("%s : classeur abîmé : %s absent", display_name, book.sheet_path);
			ok = status == XLSX_PART_OK;
			XML_ParserFree(parser);
		}
		strbuf_free(&run.arena);
		strbuf_free(&run.value);
		free(run.cell_columns);
		free(run.cell_offsets);
		free(run.fields);
		free(run.lengths);
	}
	xlsx_book_close(&book);
	return ok;
}
