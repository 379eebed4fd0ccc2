/*
 * Helpers of the integration suites: a session on the test cluster started by
 * scripts/run-tests.sh, with the clause schema reset before each test.
 */
#ifndef CLAUSE_TESTDB_H
#define CLAUSE_TESTDB_H

#include <stdbool.h>
#include <stddef.h>

#include "importers/import.h"
#include "src/lib/cluster.h"
#include "src/lib/db.h"

/* Checked fixture: drops and re-creates the schema, connects. */
void testdb_setup(void);
void testdb_teardown(void);

Db *testdb(void);

/* Imports tests/data/DIR/FILE as KIND; returns the import status. */
ImportStatus testdb_import(const char *kind, const char *path, bool strict,
						   ImportResult *result);

/* Imports the six referential files of a data folder, asserting each loads. */
void testdb_import_referential(const char *dir);

/* Same, accepting rejected rows (the sample holds bad rows on purpose) and files already imported. */
void testdb_import_referential_tolerant(const char *dir);

/* The first value of a query's first row, as a number or text; the test fails on error. */
double testdb_number(const char *sql);
long long testdb_count(const char *sql);
const char *testdb_text(const char *sql);	/* static buffer */

/*
 * Attribution checks, shared by the attribution suites.
 */

/* "motif/fiche/plie" of the line of a timesheet file (its name) at a line number: "credite"
 * for a credited line, "-" for no fiche or no PLIE (static buffer). */
const char *testdb_status_of(const char *file, int line);

/* The attribution and its sums by fiche and month equal, row for row, those a whole
 * recomputation (attribute_run) then gives, and no referential change is left waiting in
 * a_reattribuer: the incremental path is exact. */
void testdb_assert_same_as_whole(void);

/* Runs the clause binary with arguments (a shell command line); returns its exit code. */
int testdb_run(const char *command_line);

/* Same, keeping what it printed (stdout and stderr) in out. */
int testdb_run_output(const char *command_line, char *out, size_t outsize);

/* The clause binary the tests run ($CLAUSE_BIN or bin/clause). */
const char *testdb_clause_bin(void);

/* The embedded test cluster (paths of its var/, socket and data). */
const Cluster *testdb_cluster(void);

/* Connects to the test database as another role (for access tests): sets the role's
 * password first, as only the owner role enters without one. */
bool testdb_connect_as(const char *role, Db *db);

/* The first value of a query run as role, "(null)", or "ERREUR <sqlstate>" when refused
 * (static buffer). */
const char *testdb_text_as(const char *role, const char *sql);

/*
 * Report checks, shared by the report suites.
 */

/* Imports tests/data/reports/ (referential and heures_2021.csv) with fixed import and
 * extraction dates, so that outputs are reproducible. */
void testdb_load_reports(void);

/* A whole file, or the output of a shell command (popen); the caller frees. */
char *testdb_read_file(const char *path, size_t *length);
char *testdb_command_output(const char *command);

/* Compares an output with its golden file, printing the diff when they differ;
 * CLAUSE_UPDATE_GOLDEN=1 rewrites the golden file instead. */
void testdb_assert_golden(const char *actual, const char *expected);

/* A command of the clause binary and the golden file its output (-o) must match. */
typedef struct GoldenCase
{
	const char *args;
	const char *file;			/* in tests/expected/, written to tests/tmp/ */
} GoldenCase;

/* Runs the command of a golden case and compares what it wrote with the golden file. */
void testdb_assert_golden_case(const GoldenCase *c);

/* The value of cell REF in an xlsx sheet's XML; *is_text when it is a string. */
bool testdb_xlsx_cell(const char *xml, const char *ref, bool *is_text, double *value);

/* The workbook at path (an xlsx file) has a sheet of each name (NULL-terminated). */
void testdb_assert_xlsx_sheets(const char *path, const char *const *sheets);

/* Cell REF holds the number expected (not text). */
void testdb_assert_numeric_cell(const char *xml, const char *ref, double expected);

/* Well-formed (parses as XML) and offline (no URL, script or external resource), printable,
 * with the extraction date and sources of the report data set; an SVG chart if chart. */
void testdb_assert_offline_html(const char *path, bool chart);

/* "ARGS --format F -o tests/tmp/NAME.F" succeeds in every stream format and names no
 * participant of the report data set. */
void testdb_assert_no_participant(const char *args, const char *name);

#endif
