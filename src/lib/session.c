/*
 * Which database clause works on. An explicit --db or the usual libpq variables
 * win; with none, clause runs its own cluster under var/, started on demand.
 */
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "src/lib/log.h"
#include "src/lib/migrate.h"
#include "src/lib/session.h"

bool
session_home_dir(char *out, size_t outsize)
{
	const char *env = getenv("CLAUSE_HOME");

	if (env && *env)
	{
		snprintf(out, outsize, "%s", env);
		return true;
	}

	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n <= 0)
	{
		log_error("chemin du programme introuvable : %s (définissez CLAUSE_HOME)",
				  log_strerror(errno));
		return false;
	}
	exe[n] = '\0';
	/* bin/clause -> the project folder */
	char *bin = dirname(exe);

	snprintf(out, outsize, "%s", dirname(bin));
	return true;
}

bool
session_var_dir(char *out, size_t outsize)
{
	const char *env = getenv("CLAUSE_VAR");

	if (env && *env)
	{
		snprintf(out, outsize, "%s", env);
		return true;
	}

	char home[PATH_MAX];

	if (!session_home_dir(home, sizeof(home)))
		return false;

	int n = snprintf(out, outsize, "%s/var", home);

	return n > 0 && (size_t) n < outsize;
}

bool
session_uses_embedded(const char *conninfo)
{
	static const char *const variables[] = {"PGHOST", "PGHOSTADDR", "PGDATABASE", "PGSERVICE", NULL};

	if (conninfo && *conninfo)
		return false;
	for (int i = 0; variables[i]; i++)
	{
		const char *value = getenv(variables[i]);

		if (value && *value)
			return false;
	}
	return true;
}

bool
session_cluster(Cluster *cluster)
{
	char var_dir[PATH_MAX];

	const char *env = getenv("CLAUSE_VAR");

	/* CLAUSE_VAR is the operator's choice: used as it is, never moved */
	return session_var_dir(var_dir, sizeof(var_dir)) &&
		cluster_setup(cluster, var_dir, !(env && *env));
}

/*
 * Connects to the database. The embedded server answered already; a database dropped
 * while it ran is made again, as at the first start, and connected to once more.
 */
static bool
session_connect(Session *session, const char *conninfo)
{
	if (!session->embedded)
		return db_connect(&session->db, conninfo);
	if (db_connect_quiet(&session->db, conninfo))
		return true;
	return cluster_ensure_database(&session->cluster) && db_connect(&session->db, conninfo);
}

bool
session_open(Session *session, const char *conninfo)
{
	char embedded_conninfo[PATH_MAX * 2];

	session->embedded = session_uses_embedded(conninfo);
	if (session->embedded)
	{
		if (!session_cluster(&session->cluster) ||
			!cluster_ensure_running(&session->cluster))
			return false;
		cluster_conninfo(&session->cluster, CLUSTER_DATABASE,
						 embedded_conninfo, sizeof(embedded_conninfo));
		conninfo = embedded_conninfo;
	}
	if (!session_connect(session, conninfo))
		return false;
	if (!migrate_apply(&session->db, false))
	{
		db_close(&session->db);
		return false;
	}
	return true;
}

void
session_close(Session *session)
{
	db_close(&session->db);
}
