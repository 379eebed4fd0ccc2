/*
 * Integration test helpers: each test starts from an empty clause schema on the
 * throwaway cluster, so tests never depend on one another.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "log.h"
#include "migrate.h"
#include "session.h"
#include "testdb.h"

static Session session;

void
testdb_setup(void)
{
	memset(&session, 0, sizeof(session));
	log_set_level(LOG_LEVEL_ERROR);
	ck_assert_msg(session_open(&session, NULL), "connexion au cluster de test impossible");
	ck_assert(db_exec(&session.db, "DROP SCHEMA IF EXISTS clause CASCADE"));
	ck_assert(migrate_apply(&session.db, false));
	ck_assert(db_exec(&session.db, "SET search_path = clause, public"));
}

void
testdb_teardown(void)
{
	session_close(&session);
}

Db *
testdb(void)
{
	return &session.db;
}

ImportStatus
testdb_import(const char *kind, const char *path, bool strict, ImportResult *result)
{
	ImportResult ignored = {0};
	ImportOptions options = {.kind = kind, .path = path, .strict = strict, .max_reported = 0};

	return import_file(&session.db, &options, result ? result : &ignored);
}

static void
import_referential(const char *dir, bool tolerant)
{
	static const char *const kinds[] = {
		"donneurs", "entreprises", "operations", "marches", "participants", "conventions", NULL
	};

	for (int i = 0; kinds[i]; i++)
	{
		char path[512];

		snprintf(path, sizeof(path), "%s/%s.csv", dir, kinds[i]);
		ImportStatus status = testdb_import(kinds[i], path, false, NULL);

		ck_assert_msg(status == IMPORT_LOADED || (tolerant && (status == IMPORT_ROWS_REJECTED || status == IMPORT_ALREADY_DONE)),
					  "%s : statut %d", path, status);
	}
}

void
testdb_import_referential(const char *dir)
{
	import_referential(dir, false);
}

void
testdb_import_referential_tolerant(const char *dir)
{
	import_referential(dir, true);
}

const char *
testdb_text(const char *sql)
{
	static char value[4096];
	bool isnull = false;

	ck_assert_msg(db_query_value(&session.db, sql, 0, NULL, value, sizeof(value), &isnull),
				  "requête refusée : %s", sql);
	return isnull ? "(null)" : value;
}

double
testdb_number(const char *sql)
{
	const char *text = testdb_text(sql);

	ck_assert_msg(strcmp(text, "(null)") != 0, "valeur nulle : %s", sql);
	return strtod(text, NULL);
}

long long
testdb_count(const char *sql)
{
	return (long long) testdb_number(sql);
}

const char *
testdb_clause_bin(void)
{
	const char *clause = getenv("CLAUSE_BIN");	/* set by scripts/run-tests.sh */

	return clause && *clause ? clause : "bin/clause";
}

int
testdb_run_output(const char *command_line, char *out, size_t outsize)
{
	char full[4096];

	snprintf(full, sizeof(full), "%s %s 2>&1", testdb_clause_bin(), command_line);

	FILE *pipe = popen(full, "r");
	size_t n = 0;

	ck_assert_ptr_nonnull(pipe);
	n = fread(out, 1, outsize - 1, pipe);
	out[n] = '\0';

	int status = pclose(pipe);

	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

bool
testdb_connect_as(const char *role, Db *db)
{
	char conninfo[8192];

	cluster_conninfo(&session.cluster, CLUSTER_DATABASE, conninfo, sizeof(conninfo));
	/* a keyword given twice: the last one wins */
	strncat(conninfo, " user=", sizeof(conninfo) - strlen(conninfo) - 1);
	strncat(conninfo, role, sizeof(conninfo) - strlen(conninfo) - 1);
	return db_connect(db, conninfo);
}

int
testdb_run(const char *command_line)
{
	char full[4096];

	snprintf(full, sizeof(full), "%s -q %s >/dev/null 2>&1", testdb_clause_bin(), command_line);

	int status = system(full);

	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}
