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

/* A connection tried before anything else (cluster_ensure_running_connecting). */
typedef struct SessionAttempt
{
	Db *db;
	const char *conninfo;
} SessionAttempt;

static bool
session_try_connect(void *context)
{
	SessionAttempt *attempt = context;

	if (db_connect_quiet(attempt->db, attempt->conninfo))
		return true;
	db_close(attempt->db);		/* a login whose first settings failed */
	return false;
}

/*
 * The embedded server: the session's connection is tried first, and when it fails the
 * server is started, or its database made again (dropped while the server ran), as at
 * the first start; then connected to.
 */
bool
session_open(Session *session, const char *conninfo)
{
	char embedded_conninfo[PATH_MAX * 2];
	bool connected = false;

	session->embedded = session_uses_embedded(conninfo);
	if (session->embedded)
	{
		if (!session_cluster(&session->cluster))
			return false;
		cluster_conninfo(&session->cluster, CLUSTER_DATABASE,
						 embedded_conninfo, sizeof(embedded_conninfo));
		conninfo = embedded_conninfo;

		SessionAttempt attempt = {&session->db, conninfo};

		if (!cluster_ensure_running_connecting(&session->cluster, session_try_connect,
											   &attempt, &connected))
		{
			db_close(&session->db);
			return false;
		}
	}
	if (!connected && !db_connect(&session->db, conninfo))
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
