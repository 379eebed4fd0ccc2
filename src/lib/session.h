/*
 * A working session: resolves which database to use (--db, the libpq variables,
 * or the embedded cluster under var/), connects, and brings the schema up to date.
 */
#ifndef CLAUSE_SESSION_H
#define CLAUSE_SESSION_H

#include <limits.h>
#include <stdbool.h>

#include "src/lib/cluster.h"
#include "src/lib/db.h"

typedef struct Session
{
	Db db;
	bool embedded;
	Cluster cluster;
} Session;

/* The project folder: $CLAUSE_HOME, else the folder above bin/clause. */
bool session_home_dir(char *out, size_t outsize);

/* The data folder of the embedded cluster: $CLAUSE_VAR, else HOME/var. */
bool session_var_dir(char *out, size_t outsize);

/* True when no --db and no PGHOST/PGHOSTADDR/PGDATABASE/PGSERVICE is given. */
bool session_uses_embedded(const char *conninfo);

/* Sets up the embedded cluster's paths (does not start it). */
bool session_cluster(Cluster *cluster);

/* Connects (starting the embedded cluster when needed) and migrates. */
bool session_open(Session *session, const char *conninfo);
void session_close(Session *session);

#endif
