/*
 * Versioned schema: each migration runs once, in its own transaction, under an
 * advisory lock so that two clause processes starting together do not race.
 * The views (the files of sql/views/) are re-created together whenever one of them changed,
 * since dropping one may cascade to the others. Then a database without catalogue gets
 * the one shipped in data/reference/ (src/workflow/catalogue.c), under the same lock.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/lib/log.h"
#include "src/lib/migrate.h"
#include "src/lib/sql_embedded.h"

#define MIGRATION_LOCK_KEY "7304251"	/* arbitrary, shared by all clause processes */
#define VIEWS_PREFIX "views/"

/*
 * The checksums schema_migration holds, read in one query when a run starts: every
 * command opens its session through here, and asking file by file cost one round trip
 * per migration.
 */
typedef struct RecordedFile
{
	char *name;
	char *sha;
} RecordedFile;

typedef struct Recorded
{
	RecordedFile *files;
	size_t count;
	size_t cap;
} Recorded;

static void
recorded_free(Recorded *recorded)
{
	for (size_t i = 0; i < recorded->count; i++)
	{
		free(recorded->files[i].name);
		free(recorded->files[i].sha);
	}
	free(recorded->files);
	memset(recorded, 0, sizeof(*recorded));
}

static bool
recorded_keep(void *context, const DbRow *row)
{
	Recorded *recorded = context;

	if (recorded->count == recorded->cap)
	{
		size_t cap = recorded->cap ? recorded->cap * 2 : 64;
		RecordedFile *files = realloc(recorded->files, cap * sizeof(*files));

		if (files == NULL)
		{
			log_error("mémoire insuffisante");
			return false;
		}
		recorded->files = files;
		recorded->cap = cap;
	}

	RecordedFile file = {strdup(db_row_value(row, 0)), strdup(db_row_value(row, 1))};

	if (file.name == NULL || file.sha == NULL)
	{
		free(file.name);
		free(file.sha);
		log_error("mémoire insuffisante");
		return false;
	}
	recorded->files[recorded->count++] = file;
	return true;
}

static bool
recorded_read(Db *db, Recorded *recorded)
{
	return db_query(db, "SELECT nom, sha256 FROM clause.schema_migration",
					0, NULL, recorded_keep, recorded, NULL);
}

static bool
recorded_read_again(Db *db, Recorded *recorded)
{
	recorded_free(recorded);
	return recorded_read(db, recorded);
}

/* The checksum recorded for a file, or NULL when it was never applied. */
static const char *
recorded_sha(const Recorded *recorded, const char *name)
{
	for (size_t i = 0; i < recorded->count; i++)
		if (strcmp(recorded->files[i].name, name) == 0)
			return recorded->files[i].sha;
	return NULL;
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
migrate_numbered(Db *db, const Recorded *recorded, bool verbose, const char *skip, int *applied)
{
	for (const EmbeddedSql *sql = EMBEDDED_SQL; sql->name; sql++)
	{
		if (strncmp(sql->name, "migrations/", 11) != 0 ||
			(skip && strncmp(sql->name + 11, skip, strlen(skip)) == 0))
			continue;

		const char *sha = sql->sha256;
		const char *stored = recorded_sha(recorded, sql->name);

		if (stored)
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
migrate_views(Db *db, const Recorded *recorded, bool verbose, int *applied)
{
	const char *sha = EMBEDDED_SQL_VIEWS_SHA256;
	const char *stored = recorded_sha(recorded, VIEWS_PREFIX);
	bool ok = true;

	if (stored && strcmp(stored, sha) == 0)
		return true;

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
	Recorded recorded = {0};

	if (!db_exec(db, "SELECT pg_advisory_lock(" MIGRATION_LOCK_KEY ")"))
		return false;

	bool ok = db_exec(db,
					  "CREATE SCHEMA IF NOT EXISTS clause; "
					  "CREATE TABLE IF NOT EXISTS clause.schema_migration ("
					  " nom text PRIMARY KEY, sha256 text NOT NULL,"
					  " applique_le timestamptz NOT NULL DEFAULT now())") &&
		recorded_read(db, &recorded) &&
		migrate_numbered(db, &recorded, verbose, skip, &applied) &&
		/* a migration may forget the views it dropped (0170): read again after any */
		(applied == 0 || recorded_read_again(db, &recorded)) &&
		migrate_views(db, &recorded, verbose, &applied) &&
		(skip != NULL || migrate_seed == NULL || migrate_seed(db));

	recorded_free(&recorded);
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
