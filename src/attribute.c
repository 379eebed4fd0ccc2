/*
 * Where hours are attributed: this file drives sql/attribution.sql. The rules live
 * in that SQL, set-based; this file only runs it under a lock and a transaction.
 */
#include "attribute.h"
#include "log.h"
#include "sql_embedded.h"

/* Serialises attributions: two imports that commit at once each see the other's lines. */
#define ATTRIBUTION_LOCK_KEY "7304252"

bool
attribute_in_transaction(Db *db)
{
	const char *sql = sql_embedded_get("attribution.sql");

	if (sql == NULL)
		return false;
	if (!db_exec(db, "SELECT pg_advisory_xact_lock(" ATTRIBUTION_LOCK_KEY ")"))
		return false;
	log_info("attribution des heures");
	return db_exec(db, sql);
}

bool
attribute_run(Db *db)
{
	if (!db_begin(db))
		return false;
	if (!attribute_in_transaction(db) || !db_commit(db))
	{
		db_rollback(db);
		return false;
	}
	return true;
}
