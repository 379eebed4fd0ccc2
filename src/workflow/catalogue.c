/*
 * The reference catalogue shipped with clause (data/reference/): the 2021 territories and
 * fiches, loaded on first use through the import of clause import territoires|fiches.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "importers/import.h"
#include "src/lib/log.h"
#include "src/lib/session.h"
#include "src/workflow/catalogue.h"

typedef struct CatalogueFile
{
	const char *kind;			/* the import kind, also source_reference.nature */
	const char *path;			/* under the project folder */
	const char *present;		/* true when the database already holds this part */
} CatalogueFile;

/*
 * Territories first: their file creates the PLIE (plie_nom) that the fiches name. A part
 * is loaded only into a database that has none of it and no batch at all: an older
 * database keeps the catalogue of migration 0002 (sql/migrations/0100_catalogue_donnees.sql).
 */
static const CatalogueFile CATALOGUE_FILES[] = {
	{"territoires", "data/reference/territoires-plie-2021.csv",
	 "SELECT EXISTS (SELECT 1 FROM clause.plie_commune) "
	 "    OR EXISTS (SELECT 1 FROM clause.source_reference WHERE nature IN ('territoires', 'migration')) "
	 "    OR EXISTS (SELECT 1 FROM clause.lot_import)"},
	{"fiches", "data/reference/fiches-2021.csv",
	 "SELECT EXISTS (SELECT 1 FROM clause.fiche) "
	 "    OR EXISTS (SELECT 1 FROM clause.source_reference WHERE nature IN ('fiches', 'migration')) "
	 "    OR EXISTS (SELECT 1 FROM clause.lot_import)"},
};

static bool
catalogue_load_file(Db *db, const char *home, const CatalogueFile *file)
{
	char path[PATH_MAX];
	int n = snprintf(path, sizeof(path), "%s/%s", home, file->path);

	if (n < 0 || (size_t) n >= sizeof(path) || access(path, R_OK) != 0)
	{
		log_error("catalogue de référence illisible : %s (%s) ; il est chargé dans toute base "
				  "neuve : vérifiez l'installation ou définissez CLAUSE_HOME",
				  path, log_strerror(errno));
		return false;
	}

	ImportOptions options = {.kind = file->kind, .path = path, .format = IMPORT_FORMAT_CSV,
	.strict = true, .max_reported = 20, .reference = file->path};
	ImportResult result = {0};
	ImportStatus status = import_file(db, &options, &result);

	if (status == IMPORT_LOADED || status == IMPORT_ALREADY_DONE)
	{
		log_info("%s : catalogue de référence chargé (%lld lignes)", file->path, result.rows_loaded);
		return true;
	}
	log_error("%s : le catalogue de référence n'a pas pu être chargé", path);
	return false;
}

bool
catalogue_ensure(Db *db)
{
	char home[PATH_MAX];
	bool home_known = false;

	for (size_t i = 0; i < sizeof(CATALOGUE_FILES) / sizeof(CATALOGUE_FILES[0]); i++)
	{
		char present[8] = "";

		/* the project folder is looked for only when a part is missing */
		if (!db_query_value(db, CATALOGUE_FILES[i].present, 0, NULL, present, sizeof(present), NULL))
			return false;
		if (present[0] == 't')
			continue;
		if (!home_known && !session_home_dir(home, sizeof(home)))
			return false;
		home_known = true;
		if (!catalogue_load_file(db, home, &CATALOGUE_FILES[i]))
			return false;
	}
	return true;
}
