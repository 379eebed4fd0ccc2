/*
 * Import of one file as one batch: checksum, parse and validate (streamed), COPY into
 * a stage, merge and attribute in one transaction, report every rejected row.
 */
#ifndef CLAUSE_IMPORT_H
#define CLAUSE_IMPORT_H

#include <stdbool.h>

#include "src/lib/db.h"

typedef enum
{
	IMPORT_LOADED = 0,			/* every row loaded */
	IMPORT_ALREADY_DONE,		/* same file imported before: nothing to do */
	IMPORT_ROWS_REJECTED,		/* loaded, but some rows rejected */
	IMPORT_FILE_REJECTED,		/* nothing loaded: bad header, empty file, --strict */
	IMPORT_DATABASE_ERROR,
	IMPORT_INTERNAL_ERROR
} ImportStatus;

typedef enum
{
	IMPORT_FORMAT_AUTO = 0,		/* by content and extension: a zip is a workbook, .json is
								 * JSON, anything else CSV */
	IMPORT_FORMAT_CSV,
	IMPORT_FORMAT_JSON,
	IMPORT_FORMAT_XLSX
} ImportFormat;

struct Profile;

typedef struct ImportOptions
{
	const char *kind;
	const char *path;
	ImportFormat format;
	struct Profile *profile;	/* a sender's layout, or NULL for the canonical one */
	bool strict;				/* any rejected row aborts the whole file */
	int max_reported;			/* rejected rows printed; the rest are counted */
	/*
	 * Runs in the file's transaction once its rows are merged: the attribution, handed down
	 * by the layer above (attribute_after_import, src/workflow/attribute_after.c), since the importer
	 * does not depend on it. NULL: the batch waits for the next attribution (a_attribuer),
	 * as when the caller attributes once after several files.
	 */
	bool (*after_merge) (Db *db, long long lot_id);
	/*
	 * Not NULL: the file is the reference catalogue shipped with clause (src/workflow/catalogue.c),
	 * named so ("data/reference/…") in source_reference instead of a batch of lot_import;
	 * any rejected row refuses the file; nothing is attributed (the catalogue loads only
	 * into a database without any batch).
	 */
	const char *reference;
} ImportOptions;

typedef struct ImportResult
{
	long long lot_id;			/* 0 for a reference file */
	long long reference_id;		/* source_reference.id of a reference file */
	long long rows_read;
	long long rows_loaded;
	long long rows_rejected;
	long long rows_unchanged;
	char previous_date[64];		/* for IMPORT_ALREADY_DONE */
	char later_lots[256];		/* for IMPORT_ALREADY_DONE: timesheet batches loaded since on
								 * the same months, not cancelled ("14, 15"), "" when none */
	bool previous_cancelled;	/* for IMPORT_ALREADY_DONE: that batch was cancelled */
	/* the source's shape, to write its rejected rows back in it */
	int header_line;			/* physical line of the header (after title lines) */
	char delimiter;
	bool cp1252;
	bool json;
	bool xlsx;					/* a workbook: rejects go back as CSV for Excel */
	char json_array[256];		/* json: the array of the lines, dotted when nested */
	/* the sender's own name of each column its profile maps, for the reject files */
	struct
	{
		char canonical[32];
		char sender[160];
	} columns[16];
	int ncolumns;
	char source_header[2048];	/* xlsx: the header row, ';'-joined */
	/* where the time went, in seconds (logged with -v) */
	double seconds_read;		/* reading, validation and COPY */
	double seconds_merge;
	double seconds_attribution;
} ImportResult;

ImportStatus import_file(Db *db, const ImportOptions *options, ImportResult *result);

/* The sender's name of a canonical column (its profile's), else the canonical name. */
const char *import_sender_column(const ImportResult *result, const char *canonical);

#endif
