/*
 * The embedded PostgreSQL cluster: initdb, pg_ctl start/stop/status under var/,
 * on a unix socket only, run as an unprivileged system user when we are root.
 */
#ifndef CLAUSE_CLUSTER_H
#define CLAUSE_CLUSTER_H

#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>

#define CLUSTER_SYSTEM_USER "clause"
#define CLUSTER_DATABASE "clause"
#define CLUSTER_PORT "5432"

typedef struct Cluster
{
	char var_dir[PATH_MAX];
	char pgdata[PATH_MAX];
	char socket_dir[PATH_MAX];
	char log_file[PATH_MAX];
	char lock_file[PATH_MAX];
	char bindir[PATH_MAX];
	bool switch_user;			/* run server programs as CLUSTER_SYSTEM_USER */
	uid_t uid;
	gid_t gid;
} Cluster;

bool cluster_setup(Cluster *cluster, const char *var_dir);
bool cluster_is_initialized(const Cluster *cluster);
bool cluster_is_running(const Cluster *cluster);

/* Initialises on first use, starts when stopped, creates the database. */
bool cluster_ensure_running(Cluster *cluster);
bool cluster_stop(Cluster *cluster);

void cluster_conninfo(const Cluster *cluster, const char *dbname,
					  char *out, size_t outsize);

#endif
