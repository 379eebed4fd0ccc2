/*
 * A table of text cells read from a query, written as an aligned text table (long cells
 * wrap, never cut), CSV for French Excel, an HTML table or an xlsx sheet.
 */
#ifndef CLAUSE_TABLE_H
#define CLAUSE_TABLE_H

#include <stdbool.h>
#include <stdio.h>

#include "src/lib/db.h"

#define TABLE_MAX_COLUMNS 16
#define TABLE_WRAP_WIDTH 40		/* text cells wider than this wrap onto more lines */

typedef struct ReportTable
{
	const char *title;
	const char *empty;			/* what an empty table says: "aucun", "aucune" */
	int ncolumns;
	const char *const *headers;	/* French headers */
	const bool *numeric;		/* numbers: French in text, numbers in xlsx */
	bool mixed;					/* xlsx: a plain number in a text column is written as a number */
	char **cells;				/* rows × ncolumns, "" for NULL; owned */
	int rows;
	int capacity;
} ReportTable;

/* db_query callback: appends the row (its first ncolumns values) to the ReportTable. */
bool table_add_row(void *context, const DbRow *row);

/* The cell as a reader sees it: French numbers, JJ/MM/AAAA, "janvier 2021". */
void table_cell_text(const ReportTable *table, int row, int column, char *out, size_t outsize);

/* Title line, then the aligned table, or the empty word. */
bool table_write_text(const ReportTable *table, FILE *out);

/* Header and rows, numbers with a decimal comma; no BOM (the caller writes it once). */
void table_write_csv_rows(const ReportTable *table, FILE *out, bool header);

/* An <h2> title and a <table>, or a paragraph with the empty word. */
void table_write_html(const ReportTable *table, FILE *out);

void table_free(ReportTable *table);

#endif
