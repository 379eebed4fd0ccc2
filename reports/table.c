/*
 * Generic report tables: rows copied from a query, then written in every format. Text
 * cells wrap at TABLE_WRAP_WIDTH characters: a cut label would read as another one.
 */
#include <stdlib.h>
#include <string.h>

#include "reports/format_csv.h"
#include "reports/format_html.h"
#include "reports/table.h"
#include "src/lib/format.h"
#include "src/lib/log.h"

bool
table_add_row(void *context, const DbRow *row)
{
	ReportTable *table = context;

	if (table->rows == table->capacity)
	{
		int capacity = table->capacity ? table->capacity * 2 : 16;
		char **cells = realloc(table->cells, sizeof(char *) * (size_t) capacity * (size_t) table->ncolumns);

		if (cells == NULL)
		{
			log_error("mémoire insuffisante");
			return false;
		}
		table->cells = cells;
		table->capacity = capacity;
	}
	for (int c = 0; c < table->ncolumns; c++)
	{
		char *copy = strdup(db_row_isnull(row, c) ? "" : db_row_value(row, c));

		if (copy == NULL)
		{
			log_error("mémoire insuffisante");
			for (int k = 0; k < c; k++)
				free(table->cells[table->rows * table->ncolumns + k]);
			return false;
		}
		table->cells[table->rows * table->ncolumns + c] = copy;
	}
	table->rows++;
	return true;
}

void
table_free(ReportTable *table)
{
	for (int i = 0; i < table->rows * table->ncolumns; i++)
		free(table->cells[i]);
	free(table->cells);
	table->cells = NULL;
	table->rows = table->capacity = 0;
}

static const char *
cell(const ReportTable *table, int row, int column)
{
	return table->cells[row * table->ncolumns + column];
}

void
table_cell_text(const ReportTable *table, int row, int column, char *out, size_t outsize)
{
	const char *value = cell(table, row, column);

	if (table->numeric[column] && value[0])
		format_fr_number_max(strtod(value, NULL), 2, out, outsize);
	else if (strlen(value) == 10 && value[4] == '-' && value[7] == '-')
		format_fr_date(value, out, outsize);
	else if (strlen(value) == 7 && value[4] == '-')
		format_fr_month(value, out, outsize);
	else
		snprintf(out, outsize, "%s", value);
}

/* Width of a column in text: its widest header or cell, wrapped cells at most the wrap width. */
static int
column_width(const ReportTable *table, int column)
{
	char text[1024];
	int width = format_text_width(table->headers[column]);

	for (int r = 0; r < table->rows; r++)
	{
		table_cell_text(table, r, column, text, sizeof(text));

		int w = format_text_width(text);

		if (w > TABLE_WRAP_WIDTH && !table->numeric[column])
			w = TABLE_WRAP_WIDTH;
		if (w > width)
			width = w;
	}
	return width;
}

/* One row (r = -1 for the headers), on as many lines as its longest wrapped cell. */
static void
write_text_row(const ReportTable *table, int r, const int *widths, FILE *out)
{
	char texts[TABLE_MAX_COLUMNS][1024];
	const char *rest[TABLE_MAX_COLUMNS];
	bool more = true;

	for (int c = 0; c < table->ncolumns; c++)
	{
		if (r < 0)
			snprintf(texts[c], sizeof(texts[c]), "%s", table->headers[c]);
		else
			table_cell_text(table, r, c, texts[c], sizeof(texts[c]));
		rest[c] = texts[c];
	}
	while (more)
	{
		char line[4096];
		size_t used = 0;

		more = false;
		for (int c = 0; c < table->ncolumns; c++)
		{
			const char *next = rest[c] + strlen(rest[c]);
			size_t length = strlen(rest[c]);
			int pad;

			if (!table->numeric[c])
				length = format_wrap_line(rest[c], widths[c], &next);
			pad = widths[c] - format_text_width_n(rest[c], length);
			if (pad < 0)
				pad = 0;
			used += (size_t) snprintf(line + used, used < sizeof(line) ? sizeof(line) - used : 0, "  %*s%.*s%*s",
									  table->numeric[c] ? pad : 0, "", (int) length, rest[c],
									  table->numeric[c] ? 0 : pad, "");
			rest[c] = next;
			if (*next)
				more = true;
		}
		if (used >= sizeof(line))
			used = sizeof(line) - 1;
		while (used > 0 && line[used - 1] == ' ')	/* no trailing spaces */
			used--;
		fprintf(out, "%.*s\n", (int) used, line);
	}
}

bool
table_write_text(const ReportTable *table, FILE *out)
{
	int widths[TABLE_MAX_COLUMNS];

	fprintf(out, "\n== %s ==\n", table->title);
	if (table->rows == 0)
	{
		fprintf(out, "  %s\n", table->empty);
		return !ferror(out);
	}
	for (int c = 0; c < table->ncolumns; c++)
		widths[c] = column_width(table, c);
	for (int r = -1; r < table->rows; r++)
		write_text_row(table, r, widths, out);
	return !ferror(out);
}

void
table_write_csv_rows(const ReportTable *table, FILE *out, bool header)
{
	if (header)
	{
		for (int c = 0; c < table->ncolumns; c++)
			csv_write_field(out, table->headers[c], c == 0);
		csv_end_row(out);
	}
	for (int r = 0; r < table->rows; r++)
	{
		for (int c = 0; c < table->ncolumns; c++)
		{
			const char *value = cell(table, r, c);

			if (table->numeric[c] && value[0])
				csv_write_number(out, strtod(value, NULL), 2, c == 0);
			else
				csv_write_field(out, value, c == 0);
		}
		csv_end_row(out);
	}
}

void
table_write_html(const ReportTable *table, FILE *out)
{
	char text[1024];

	fputs("<h2>", out);
	html_escape(out, table->title);
	fputs("</h2>\n", out);
	if (table->rows == 0)
	{
		fputs("<p>", out);
		html_escape(out, table->empty);
		fputs("</p>\n", out);
		return;
	}
	fputs("<table>\n<tr>", out);
	for (int c = 0; c < table->ncolumns; c++)
	{
		fputs("<th>", out);
		html_escape(out, table->headers[c]);
		fputs("</th>", out);
	}
	fputs("</tr>\n", out);
	for (int r = 0; r < table->rows; r++)
	{
		fputs("<tr>", out);
		for (int c = 0; c < table->ncolumns; c++)
		{
			table_cell_text(table, r, c, text, sizeof(text));
			fputs(table->numeric[c] ? "<td class=\"n\">" : "<td>", out);
			html_escape(out, text);
			fputs("</td>", out);
		}
		fputs("</tr>\n", out);
	}
	fputs("</table>\n", out);
}
