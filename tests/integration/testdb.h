/*
 * Helpers of the integration suites: a session on the test cluster started by
 * scripts/run-tests.sh, with the clause schema reset before each test.
 */
#ifndef CLAUSE_TESTDB_H
#define CLAUSE_TESTDB_H

#include <stdbool.h>
#include <stddef.h>

#include "db.h"
#include "import.h"

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

/* Runs the clause binary with arguments (a shell command line); returns its exit code. */
int testdb_run(const char *command_line);

/* Same, keeping what it printed (stdout and stderr) in out. */
int testdb_run_output(const char *command_line, char *out, size_t outsize);

/* The clause binary the tests run ($CLAUSE_BIN or bin/clause). */
const char *testdb_clause_bin(void);

/* Connects to the test database as another role (for access tests). */
bool testdb_connect_as(const char *role, Db *db);

#endif
