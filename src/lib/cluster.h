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
/* Where the cluster lives when the server's user cannot enter the project folder. */
#define CLUSTER_RELOCATED_ROOT "/var/lib/clause"

typedef struct Cluster
{
	char var_dir[PATH_MAX];
	char pgdata[PATH_MAX];
	char socket_dir[PATH_MAX];
	char log_file[PATH_MAX];
	char lock_file[PATH_MAX];
	char bindir[PATH_MAX];
	bool switch_user;			/* run server programs as another user (root is refused) */
	bool relocated;				/* under CLUSTER_RELOCATED_ROOT: the project is closed to it */
	uid_t uid;
	gid_t gid;
} Cluster;

/*
 * Paths, server programs and server user of the cluster under var_dir. When
 * may_relocate and the server's user cannot reach var_dir (a clone under root's
 * 0700 home), the cluster goes to CLUSTER_RELOCATED_ROOT/<hash of var_dir>.
 */
bool cluster_setup(Cluster *cluster, const char *var_dir, bool may_relocate);
bool cluster_is_initialized(const Cluster *cluster);
bool cluster_is_running(const Cluster *cluster);

/* Initialises on first use, starts when stopped, creates the database. */
bool cluster_ensure_running(Cluster *cluster);

/*
 * The same for a caller about to connect: connect(context) is tried first, in place of
 * asking whether the server answers, and a connection made stands for that answer (one
 * login instead of two). When it fails the server is started, or its database made, as
 * above; *connected says whether connect succeeded.
 */
bool cluster_ensure_running_connecting(Cluster *cluster, bool (*connect) (void *context),
									   void *context, bool *connected);

bool cluster_stop(Cluster *cluster);

/*
 * The parallel workers the embedded server gives an index build on a machine of this
 * many cores (sysconf's answer, -1 when unknown): the cores but the building process's
 * own, at most two; none on one core.
 */
int cluster_index_build_workers(long cores);

/*
 * Closes an existing cluster (cluster_auth.c): pg_hba.conf and pg_ident.conf as clause
 * wants them (no trust), var/ and the socket dir 0700, the lock and log 0600. Sets
 * *changed when a configuration file was rewritten (the server must reload it).
 */
bool cluster_auth_secure(const Cluster *cluster, bool *changed);

void cluster_conninfo(const Cluster *cluster, const char *dbname,
					  char *out, size_t outsize);

#endif
