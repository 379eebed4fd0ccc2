/*
 * The whole attribution on several connections at once, one per core: the lines split by
 * participant, each part computed in its own transaction, then swapped in at once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "build/sql_files.h"
#include "src/lib/log.h"
#include "src/workflow/attribute.h"

/* One run at a time owns the parts' tables: a session lock, taken before anything else. */
#define PARTS_LOCK_KEY "7304253"
/* Below this many lines, opening connections costs more than the second core saves. */
#define PARALLEL_MIN_LINES 50000
/*
 * The tables of the parts' sums and bounds (sql/attribution/parallele_prepare.sql), dropped
 * after a run; the parts' own tables become attribution's partitions (or, after a failure,
 * are dropped by the next run's prepare).
 */
#define PARTS_TABLES \
	"clause.attribution_tranche_bornes, clause.attribution_tranche_somme, " \
	"clause.attribution_tranche_marche, clause.attribution_tranche_statut"
/* The parts, and beside them the driver's own connection (parts_compute). */
#define PARTS_MAX (DB_EXEC_ALL_MAX - 1)

int
attribute_default_connections(Db *db)
{
	const char *env = getenv("CLAUSE_ATTRIBUTION_CONNEXIONS");
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	char lines[32] = "0";

	if (env && *env)
	{
		char *end = NULL;
		long wanted = strtol(env, &end, 10);

		if (end != env && *end == '\0' && wanted >= 1 && wanted <= PARTS_MAX)
			return (int) wanted;
		log_warn("CLAUSE_ATTRIBUTION_CONNEXIONS ignoré : un nombre de 1 à %d est attendu",
					PARTS_MAX);
	}
	if (cores < 2)
		return 1;
	/* the catalog's estimate: counting a million rows would cost what it saves */
	if (!db_query_value(db, "SELECT clause.ligne_heures_estimation()", 0, NULL,
						lines, sizeof(lines), NULL) ||
		strtoll(lines, NULL, 10) < PARALLEL_MIN_LINES)
		return 1;
	return cores > 4 ? 4 : (int) cores;
}

typedef struct Snapshot
{
	char name[64];				/* pg_export_snapshot()'s */
} Snapshot;

/* Where the parts split the participants: count − 1 ids, in order (tranche_bornes.sql). */
typedef struct PartBounds
{
	char *bound[PARTS_MAX];
	int count;
} PartBounds;

static bool
part_bound_keep(void *context, const DbRow *row)
{
	PartBounds *bounds = context;

	if (bounds->count >= PARTS_MAX - 1 || db_row_isnull(row, 0))
	{
		log_error("bornes des parts de l'attribution inattendues");
		return false;
	}
	bounds->bound[bounds->count] = strdup(db_row_value(row, 0));
	if (bounds->bound[bounds->count] == NULL)
	{
		log_error("mémoire insuffisante");
		return false;
	}
	bounds->count++;
	return true;
}

static void
part_bounds_free(PartBounds *bounds)
{
	for (int i = 0; i < bounds->count; i++)
		free(bounds->bound[i]);
	bounds->count = 0;
}

/* Asked in db's transaction: the statistics and participants the snapshot sees. */
static bool
part_bounds_read(Db *db, int count, PartBounds *bounds)
{
	char parts[16];
	const char *params[] = {parts};

	snprintf(parts, sizeof(parts), "%d", count);
	if (!db_query(db, SQL_ATTRIBUTION_TRANCHE_BORNES, 1, params, part_bound_keep, bounds, NULL))
		return false;
	if (bounds->count != count - 1)
	{
		log_error("bornes des parts de l'attribution : %d pour %d parts", bounds->count, count);
		return false;
	}
	return true;
}

/*
 * Each part's connection: the snapshot, its settings, its table (numbered from 1), then
 * its statement with its bounds (part i from bound i − 1 to bound i; NULL at both ends),
 * then its key; true when all ran and committed.
 * Meanwhile db, idle until the swap, folds the new batches into envoi in its own
 * transaction (the one holding the locks: every line is there, none can come): that work
 * needs no part's result, and a first load's million lines cost 1.1 s of it.
 * The keys are a second round: on as many cores as parts, a part that ends first would
 * build its key on a core the other parts are using anyway.
 */
static bool
parts_compute(Db *db, Db *workers, int count, const Snapshot *snapshot)
{
	PartBounds bounds = {{0}, 0};
	char rank[PARTS_MAX][16];
	const char *part_params[PARTS_MAX][3];
	Db *dbs[DB_EXEC_ALL_MAX];
	DbStatement statements[DB_EXEC_ALL_MAX];
	bool ok = part_bounds_read(db, count, &bounds);

	for (int i = 0; ok && i < count; i++)
	{
		snprintf(rank[i], sizeof(rank[i]), "%d", i + 1);
		part_params[i][0] = rank[i];
		part_params[i][1] = i > 0 ? bounds.bound[i - 1] : NULL;
		part_params[i][2] = i < count - 1 ? bounds.bound[i] : NULL;
		ok = db_begin_with_snapshot(&workers[i], snapshot->name) &&
			db_exec(&workers[i], SQL_ATTRIBUTION_TRANCHE_REGLAGES) &&
			db_query(&workers[i], "SELECT clause.attribution_tranche_creer($1::integer, $2, $3)",
					 3, part_params[i], NULL, NULL, NULL);
		dbs[i] = &workers[i];
		statements[i] = (DbStatement) {SQL_ATTRIBUTION_TRANCHE, 2, &part_params[i][1]};
	}
	dbs[count] = db;
	statements[count] = (DbStatement) {ATTRIBUTE_FOLD_SENDERS_SQL, 0, NULL};
	ok = ok && db_exec_all(dbs, count + 1, statements, "attribution des heures");
	for (int i = 0; ok && i < count; i++)
		statements[i] = (DbStatement) {"SELECT clause.attribution_tranche_cle($1::integer)", 1,
									   part_params[i]};
	ok = ok && db_exec_all(dbs, count, statements, "clés de l'attribution");
	for (int i = 0; ok && i < count; i++)
		ok = db_commit(&workers[i]);
	part_bounds_free(&bounds);
	return ok;
}

/*
 * In db's transaction, already holding the locks and the snapshot the parts read: the
 * parts' tables in place of attribution's partitions, the sums by fiche and marché, the
 * batches marked attributed.
 */
static bool
parts_swap(Db *db, const Snapshot *snapshot)
{
	const char *swap = SQL_ATTRIBUTION_PARALLELE_BASCULE;
	(void) snapshot;
	return swap != NULL && db_exec(db, swap) &&
		/* only the batches the snapshot saw: one committed since waits for the next run */
		db_exec(db, "UPDATE clause.lot_import SET a_attribuer = false WHERE a_attribuer "
				"AND id IN (SELECT lot_id FROM pg_temp.attribution_lots_vus)") &&
		/* and the referential changes those batches recorded (sql/attribution/perimetre.sql) */
		db_exec(db, "DELETE FROM clause.a_reattribuer "
				"WHERE lot_id IN (SELECT lot_id FROM pg_temp.attribution_lots_vus)") &&
		db_exec(db, "DROP TABLE " PARTS_TABLES);
}

/*
 * The run itself, under the parts' session lock: the tables of the parts committed, the
 * snapshot exported by db's transaction after its locks, the parts computed and
 * committed, the swap committed by db. Any failure rolls db back: the old attribution
 * stands, and the parts' tables are dropped by the next run.
 */
static bool
parallel_run_locked(Db *db, Db *workers, int count)
{
	const char *prepare = SQL_ATTRIBUTION_PARALLELE_PREPARE;
	Snapshot snapshot = {{0}};
	bool isnull = true;
	bool ok = prepare != NULL &&
		db_begin(db) && db_exec(db, prepare) && db_commit(db);

	/*
	 * The table lock first, the attribution lock next: an import holds its lines (ROW
	 * EXCLUSIVE) before it asks for the attribution lock, so the other order could deadlock.
	 * From here until the swap commits, no line comes or goes; the list of batches waiting
	 * (the temporary table attribution_lots_vus) and the snapshot come from one statement,
	 * so they agree.
	 */
	ok = ok && db_begin(db) &&
		db_exec(db, "LOCK TABLE clause.ligne_heures IN SHARE MODE") &&
		db_exec(db, "SELECT pg_advisory_xact_lock(" ATTRIBUTION_LOCK_KEY ")") &&
		db_exec(db, "CREATE TEMP TABLE attribution_lots_vus (lot_id bigint) ON COMMIT DROP") &&
		db_query_value(db, "WITH vus AS (INSERT INTO pg_temp.attribution_lots_vus "
					   "    SELECT id FROM clause.lot_import WHERE a_attribuer) "
					   "SELECT pg_export_snapshot()", 0, NULL,
					   snapshot.name, sizeof(snapshot.name), &isnull);
	if (ok && (isnull || snapshot.name[0] == '\0'))
	{
		log_error("instantané de la base non exporté");
		ok = false;
	}
	if (ok)
		log_info("attribution des heures sur %d connexions", count);
	ok = ok && parts_compute(db, workers, count, &snapshot) &&
		parts_swap(db, &snapshot) && db_commit(db);
	if (!ok)
		db_rollback(db);
	for (int i = 0; i < count; i++)
	{
		if (workers[i].conn != NULL)
			db_rollback(&workers[i]);
		db_close(&workers[i]);
	}
	return ok;
}

AttributeParallel
attribute_parallel_run(Db *db, int count)
{
	Db workers[PARTS_MAX] = {{0}};
	bool ok = count >= 2 && count <= PARTS_MAX;

	/* a server that takes no more connections: the work is done on db alone */
	for (int i = 0; ok && i < count; i++)
		ok = db_connect_sibling(&workers[i], db);
	if (!ok)
	{
		for (int i = 0; i < count && i < PARTS_MAX; i++)
			db_close(&workers[i]);
		log_warn("attribution sur une seule connexion : le serveur n'en ouvre pas %d de plus", count);
		return ATTRIBUTE_PARALLEL_UNAVAILABLE;
	}
	if (!db_exec(db, "SELECT pg_advisory_lock(" PARTS_LOCK_KEY ")"))
	{
		for (int i = 0; i < count; i++)
			db_close(&workers[i]);
		return ATTRIBUTE_PARALLEL_FAILED;
	}
	ok = parallel_run_locked(db, workers, count);

	/* after a failure, the parts' tables go now if they can (else at the next run) */
	if (!ok && !db_connection_lost(db))
		db_exec(db, "DROP TABLE IF EXISTS " PARTS_TABLES);
	return db_exec(db, "SELECT pg_advisory_unlock(" PARTS_LOCK_KEY ")") && ok
		? ATTRIBUTE_PARALLEL_DONE : ATTRIBUTE_PARALLEL_FAILED;
}
