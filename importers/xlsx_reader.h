/*
 * Streaming reader of Excel workbooks (.xlsx) on libzip and expat: one sheet, row by
 * row, handed on as the same records the CSV reader gives, so every kind reads them.
 */
#ifndef CLAUSE_XLSX_READER_H
#define CLAUSE_XLSX_READER_H

#include <stdbool.h>
#include <stddef.h>

#include "importers/csv_reader.h"

#define XLSX_MAX_COLUMNS 1024	/* a row wider than this is refused, not truncated */

/* What the first bytes of a file say it is, whatever its name. */
typedef enum
{
	SOURCE_TEXT = 0,			/* CSV or JSON: read as text */
	SOURCE_ZIP,					/* an .xlsx workbook (a zip archive) */
	SOURCE_OLE2					/* an old Excel 97-2003 .xls workbook (or another OLE2 file) */
} SourceMagic;

/* Reads the first bytes of path; SOURCE_TEXT when it cannot be read (the reader reports). */
SourceMagic source_magic(const char *path);

/* Does the name end with .xlsx (any case)? */
bool source_named_xlsx(const char *path);

/*
 * Decides how to read path from its first bytes, its name and what the caller expects
 * (xlsx_expected: the profile or --format says workbook): *xlsx is set for a workbook.
 * Returns false, having said in French what the file is and what to do, when it cannot
 * be read so: an old .xls, a workbook named .csv, a text file named .xlsx.
 */
bool source_pick(const char *path, const char *display_name, bool xlsx_expected, bool *xlsx);

/*
 * Reads sheet (by name, case and accents ignored; NULL: the first sheet) of the
 * workbook at path and calls back once per row that has a cell, its line the row's
 * number in the sheet, every row as wide as the widest seen (absent cells are empty).
 * Shared strings are kept in memory, the sheet itself is streamed. Text cells give
 * their text; numbers their shortest decimal form ("12.5"); cells with a date format
 * give AAAA-MM-JJ, or AAAA-MM when the format shows no day; booleans oui/non.
 * Returns false when the workbook cannot be read (reported) or callback stops.
 */
bool xlsx_reader_run(const char *path, const char *display_name, const char *sheet,
					 CsvRecordCallback callback, void *context);

/* Converts a serial day number of a workbook into AAAA-MM-JJ; false when out of range. */
bool xlsx_serial_to_date(double serial, bool date1904, char out[11]);

/* Classifies a number format code: 0 not a date, 1 a date, 2 a month without day. */
int xlsx_format_date_kind(const char *code);

#endif
