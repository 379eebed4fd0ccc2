/*
 * Lookup of an embedded SQL file by its path under sql/.
 */
#include <string.h>

#include "src/lib/log.h"
#include "src/lib/sql_embedded.h"

const char *
sql_embedded_get(const char *name)
{
	for (const EmbeddedSql *sql = EMBEDDED_SQL; sql->name; sql++)
		if (strcmp(sql->name, name) == 0)
			return sql->text;
	log_error("erreur interne : fichier SQL « %s » absent du programme", name);
	return NULL;
}
