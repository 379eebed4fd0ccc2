/*
 * Versioned schema: each migration runs once, in its own transaction, under an
 * advisory lock so that two clause processes starting together do not race.
 * The views (the files of sql/views/) are re-created together whenever one of them changed,
 * since dropping one may cascade to the others. Then a database without catalogue gets
 * the one shipped in data/reference/ (src/workflow/catalogue.c), under the same lock.
 */
#include <stdio.h>
#include <string.h>

#include "src/lib/checksum.h"
#include "src/lib/log.h"
#include "src/lib/migrate.h"
#include "src/lib/sql_embedded.h"
#include "src/lib/strbuf.h"

#define MIGRATION_LOCK_KEY "7304251"	/* arbitrary, shared by all clause processes */
#define VIEWS_PREFIX "views/"

/* Reads the checksum recorded for a file; *exists false when never applied. */
static bool
migration_lookup(Db *db, const char *name, char *sha, size_t shasize, bool *exists)
{
	bool isnull = true;
	const char *params[] = {name};

	if (!db_query_value(db, "SELECT sha256 FROM clause.schema_migration WHERE nom = $1",
						1, params, sha, shasize, &isnull))
		return false;
	*exists = !isnull;
	return true;
}

/* Runs one SQL file in a transaction and records its checksum. */
static bool
migration_run(Db *db, const char *name, const char *text, const char *sha)
{
	const char *params[] = {name, sha};

	if (!db_begin(db))
		return false;
	if (!db_exec(db, text) ||
		!db_exec(db, "SET search_path = clause, pg_temp") ||
		!db_query(db,
				  "INSERT INTO clause.schema_migration (nom, sha256) VALUES ($1, $2) "
				  "ON CONFLICT (nom) DO UPDATE SET sha256 = EXCLUDED.sha256, applique_le = now()",
				  2, params, NULL, NULL, NULL) ||
		!db_commit(db))
	{
		log_error("échec de la migration %s", name);
		db_rollback(db);
		return false;
	}
	return true;
}

/* Applies the numbered migrations not yet recorded, in order; the one named skip, not. */
static bool
migrate_numbered(Db *db, bool verbose, const char *skip, int *applied)
{
	for (const EmbeddedSql *sql = EMBEDDED_SQL; sql->name; sql++)
	{
		if (strncmp(sql->name, "migrations/", 11) != 0 ||
			(skip && strncmp(sql->name + 11, skip, strlen(skip)) == 0))
			continue;

		char sha[CHECKSUM_HEX_SIZE];
		char stored[CHECKSUM_HEX_SIZE + 1];
		bool exists = false;

		if (!checksum_sha256(sql->text, strlen(sql->text), sha) ||
			!migration_lookup(db, sql->name, stored, sizeof(stored), &exists))
			return false;
		if (exists)
		{
			/* A migration runs once; an edit after it ran needs a new migration. */
			if (strcmp(stored, sha) != 0)
				log_warn("sql/%s a changé depuis son application : écrivez une nouvelle migration",
						 sql->name);
			continue;
		}
		if (verbose)
			log_notice("application de sql/%s", sql->name);
		if (!migration_run(db, sql->name, sql->text, sha))
			return false;
		(*applied)++;
	}
	return true;
}

/* Re-creates every view file, in order, when the set of them changed. */
static bool
migrate_views(Db *db, bool verbose, int *applied)
{
	StrBuf all = {0};

	for (const EmbeddedSql *sql = EMBEDDED_SQL; sql->name; sql++)
		if (strncmp(sql->name, VIEWS_PREFIX, strlen(VIEWS_PREFIX)) == 0 &&
			!strbuf_puts(&all, sql->text))
		{
			strbuf_free(&all);
			return false;
		}

	char sha[CHECKSUM_HEX_SIZE];
	char stored[CHECKSUM_HEX_SIZE + 1];
	bool exists = false;
	bool ok = checksum_sha256(all.data ? all.data : "", all.len, sha) &&
		migration_lookup(db, VIEWS_PREFIX, stored, sizeof(stored), &exists);

	strbuf_free(&all);
	if (!ok || (exists && strcmp(stored, sha) == 0))
		return ok;

	if (verbose)
		log_notice("re-création des vues (sql/views/)");
	if (!db_begin(db))
		return false;
	for (const EmbeddedSql *sql = EMBEDDED_SQL; ok && sql->name; sql++)
		if (strncmp(sql->name, VIEWS_PREFIX, strlen(VIEWS_PREFIX)) == 0)
		{
			ok = db_exec(db, sql->text);
			if (!ok)
				log_error("échec de sql/%s", sql->name);
		}

	const char *params[] = {VIEWS_PREFIX, sha};

	ok = ok && db_query(db,
						"INSERT INTO clause.schema_migration (nom, sha256) VALUES ($1, $2) "
						"ON CONFLICT (nom) DO UPDATE SET sha256 = EXCLUDED.sha256, applique_le = now()",
						2, params, NULL, NULL, NULL) && db_commit(db);
	if (!ok)
		db_rollback(db);
	else
		(*applied)++;
	return ok;
}

static bool (*migrate_seed) (Db *db);

void
migrate_set_seed(bool (*seed) (Db *db))
{
	migrate_seed = seed;
}

static bool
migrate_run(Db *db, bool verbose, const char *skip)
{
	int applied = 0;

	if (!db_exec(db, "SELECT pg_advisory_lock(" MIGRATION_LOCK_KEY ")"))
		return false;

	bool ok = db_exec(db,
					  "CREATE SCHEMA IF NOT EXISTS clause; "
					  "CREATE TABLE IF NOT EXISTS clause.schema_migration ("
					  " nom text PRIMARY KEY, sha256 text NOT NULL,"
					  " applique_le timestamptz NOT NULL DEFAULT now())") &&
		migrate_numbered(db, verbose, skip, &applied) &&
		migrate_views(db, verbose, &applied) &&
		(skip != NULL || migrate_seed == NULL || migrate_seed(db));

	if (!db_exec(db, "SELECT pg_advisory_unlock(" MIGRATION_LOCK_KEY ")"))
		ok = false;
	if (ok && verbose && applied == 0)
		log_notice("schéma à jour, aucune migration à appliquer");
	return ok;
}

bool
migrate_apply(Db *db, bool verbose)
{
	return migrate_run(db, verbose, NULL);
}

bool
migrate_apply_without(Db *db, const char *skip)
{
	return migrate_run(db, false, skip);
}
