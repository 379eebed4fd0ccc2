/*
 * The parts of an .xlsx workbook read before its sheet: the list of sheets, their
 * files, the date formats of the cell styles and the shared strings (internal to the
 * XLSX reader).
 */
#ifndef CLAUSE_XLSX_BOOK_H
#define CLAUSE_XLSX_BOOK_H

#include <stdbool.h>
#include <stddef.h>

#include <expat.h>
#include <zip.h>

#include "src/lib/strbuf.h"

#define XLSX_MAX_SHARED_BYTES (256L * 1024 * 1024)

typedef struct XlsxBook
{
	zip_t *zip;
	const char *display_name;
	bool date1904;
	/* sheets in the workbook's order */
	int nsheets;
	char **sheet_names;
	char **sheet_rels;			/* relationship id of each sheet */
	char *sheet_path;			/* the zip entry of the chosen sheet */
	/* per cell style (the s attribute): 0 not a date, 1 date, 2 month */
	unsigned char *style_date;
	int nstyles;
	/* shared strings: NUL-separated text, and each one's offset */
	StrBuf shared;
	size_t *shared_offsets;
	long nshared;
	long shared_cap;
} XlsxBook;

typedef enum
{
	XLSX_PART_OK,
	XLSX_PART_MISSING,
	XLSX_PART_BAD,				/* not XML, or the archive is damaged (reported) */
	XLSX_PART_STOPPED			/* a handler stopped the parse */
} XlsxPartStatus;

/* Opens the archive and reads everything but the sheet; picks sheet (NULL: the first). */
bool xlsx_book_open(XlsxBook *book, const char *path, const char *display_name, const char *sheet);
void xlsx_book_close(XlsxBook *book);

/* The text of shared string index, or NULL when there is none. */
const char *xlsx_book_shared(const XlsxBook *book, long index);

/*
 * Streams the zip entry name through parser (handlers and user data already set).
 * stopped: set by a handler that called XML_StopParser.
 */
XlsxPartStatus xlsx_book_parse(XlsxBook *book, const char *name, XML_Parser parser,
							   const bool *stopped);

/* An element or attribute name without its namespace ("uri|row" -> "row"). */
const char *xlsx_local_name(const char *name);

/* The value of attribute local name in expat's list, or NULL. */
const char *xlsx_attribute(const char **attributes, const char *name);

#endif
