/*
 * Database access: the only module that includes libpq-fe.h.
 * One Db per connection; queries take $n parameters and hand rows to a callback.
 */
#ifndef CLAUSE_DB_H
#define CLAUSE_DB_H

#include <stdbool.h>
#include <stddef.h>

typedef struct Db
{
	void *conn;					/* PGconn *, opaque outside db.c */
	char description[256];		/* password-free, for logs */
	char sqlstate[6];			/* of the last error, "" when none */
	int copy_rows;				/* rows sent in the current COPY */
} Db;

/* One row of a result, valid only during the callback. */
typedef struct DbRow
{
	const void *result;
	int row;
	int nfields;
	int nrows;					/* rows in the whole result: db_row_count */
} DbRow;

typedef bool (*DbRowCallback) (void *context, const DbRow *row);

bool db_connect(Db *db, const char *conninfo);

/* Whether conninfo parses; when not, says so without showing any part of it. */
bool db_conninfo_valid(const char *conninfo);

/*
 * Splits a conninfo (key=value or URI) into a password-free key='value' string and
 * its password ("" when none). False when it does not parse or does not fit.
 */
bool db_conninfo_split(const char *conninfo, char *out, size_t outsize,
					   char *password, size_t password_size);

/* Sets a login role's password, sent as a SCRAM-SHA-256 verifier computed here. */
bool db_set_role_password(Db *db, const char *role, const char *password);

/*
 * Connects as user with password on the server conninfo names (its own user and
 * password are overridden). A refused login is logged at debug level only: the caller
 * decides what to say. The password is not kept.
 */
bool db_connect_as(Db *db, const char *conninfo, const char *user, const char *password);
void db_close(Db *db);

/*
 * Opens another connection with the very parameters of from's (the same server, user and
 * password, read from libpq, never from argv or the environment), for work done on several
 * connections at once. A refused connection is logged at debug level only: the caller
 * decides what to say.
 */
bool db_connect_sibling(Db *db, const Db *from);

/*
 * Begins a REPEATABLE READ transaction that sees the snapshot another open transaction
 * exported (pg_export_snapshot()): every connection of one computation reads one state.
 */
bool db_begin_with_snapshot(Db *db, const char *snapshot);

/*
 * One statement of db_exec_all: its text and its $n parameters (text, NULL for SQL
 * NULL). With no parameter the text may hold several statements; with some, only one.
 */
typedef struct DbStatement
{
	const char *sql;
	int nparams;
	const char *const *params;
} DbStatement;

/*
 * Runs statements[i] on dbs[i], all at once, and waits for every one (each runs to its
 * end even when another fails). Each error is logged; false when any failed. On a
 * terminal, label and the elapsed seconds are shown meanwhile.
 */
#define DB_EXEC_ALL_MAX 16
bool db_exec_all(Db *const *dbs, int count, const DbStatement *statements, const char *label);

/* Whether a server accepts connections there (PQping: no login is made). */
bool db_server_answers(const char *conninfo);

/* As db_connect, the failure said only at the debug level (the caller tries again). */
bool db_connect_quiet(Db *db, const char *conninfo);

/* Runs one or several statements with no parameters and no rows wanted. */
bool db_exec(Db *db, const char *sql);

/*
 * Like db_exec, for a script that may run long: on a terminal, label and the elapsed
 * seconds are shown meanwhile. Stops at the first statement that fails, as db_exec.
 */
bool db_exec_watched(Db *db, const char *sql, const char *label);

/* Runs several statements; copies the first value of the last one's result into out. */
bool db_exec_value(Db *db, const char *sql, char *out, size_t outsize);

/*
 * Runs one statement with $n parameters (text, NULL for SQL NULL). Calls
 * on_row for each returned row when it is not NULL; stops at the first false.
 * When affected is not NULL, it receives the number of rows the command touched.
 */
bool db_query(Db *db, const char *sql, int nparams, const char *const *params,
			  DbRowCallback on_row, void *context, long *affected);

/*
 * Whether the connected user owns (or is a member of the owner of) the table named
 * regclass ("clause.ligne_heures"): only the owner may drop a table's indexes or
 * constraints, or switch its triggers off.
 */
bool db_table_owned(Db *db, const char *regclass, bool *owned);

/* Convenience: runs a query that returns one value, copied into out. */
bool db_query_value(Db *db, const char *sql, int nparams,
					const char *const *params, char *out, size_t outsize,
					bool *isnull);

const char *db_row_value(const DbRow *row, int column);
/* How many rows the whole result holds (for a callback that sizes its storage once). */
int db_row_count(const DbRow *row);
bool db_row_isnull(const DbRow *row, int column);
const char *db_row_name(const DbRow *row, int column);

bool db_begin(Db *db);
bool db_commit(Db *db);
void db_rollback(Db *db);

/* COPY ... FROM STDIN, streamed: begin, put chunks, end. */
bool db_copy_begin(Db *db, const char *copy_sql);
bool db_copy_put(Db *db, const char *data, size_t len);
bool db_copy_end(Db *db);
void db_copy_abort(Db *db, const char *why);

/* Quotes an identifier (role name) for the rare statement that needs one. */
char *db_quote_identifier(Db *db, const char *identifier);
void db_free(void *ptr);

/* True when the last error was a connection failure (SQLSTATE class 08). */
bool db_connection_lost(const Db *db);

#endif
