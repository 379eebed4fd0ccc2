/*
 * Embedded PostgreSQL: a cluster under var/pg with its socket in var/run and no TCP
 * port. The server refuses to run as root, so when we are root the server programs
 * run as the system user "clause" (created if missing), or as the owner of an
 * existing cluster. Peer authentication only (cluster_auth.c): no trust.
 */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "src/lib/checksum.h"
#include "src/lib/cluster.h"
#include "src/lib/db.h"
#include "src/lib/log.h"

static bool
path_join(char *out, size_t outsize, const char *dir, const char *name)
{
	int n = snprintf(out, outsize, "%s/%s", dir, name);

	if (n < 0 || (size_t) n >= outsize)
	{
		log_error("chemin trop long : %s/%s", dir, name);
		return false;
	}
	return true;
}

static bool
file_exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

/*
 * Finds the server programs: $CLAUSE_PG_BINDIR, else the newest
 * /usr/lib/postgresql/N/bin (Debian keeps them off PATH), else PATH.
 */
static bool
cluster_find_bindir(Cluster *cluster)
{
	const char *env = getenv("CLAUSE_PG_BINDIR");

	if (env && *env)
	{
		snprintf(cluster->bindir, sizeof(cluster->bindir), "%s", env);
		return true;
	}

	glob_t found = {0};
	int best_version = -1;

	if (glob("/usr/lib/postgresql/*/bin/initdb", 0, NULL, &found) == 0)
	{
		for (size_t i = 0; i < found.gl_pathc; i++)
		{
			const char *path = found.gl_pathv[i];
			long version = strtol(path + strlen("/usr/lib/postgresql/"), NULL, 10);

			if (version > best_version)
			{
				best_version = (int) version;
				snprintf(cluster->bindir, sizeof(cluster->bindir), "%s", path);
				char *slash = strrchr(cluster->bindir, '/');

				if (slash)
					*slash = '\0';
			}
		}
	}
	globfree(&found);
	if (best_version >= 0)
		return true;

	const char *path = getenv("PATH");

	if (path)
	{
		char *copy = strdup(path);
		char *save = NULL;

		for (char *dir = copy ? strtok_r(copy, ":", &save) : NULL; dir;
			 dir = strtok_r(NULL, ":", &save))
		{
			char candidate[PATH_MAX];

			if (path_join(candidate, sizeof(candidate), dir, "initdb") &&
				access(candidate, X_OK) == 0)
			{
				snprintf(cluster->bindir, sizeof(cluster->bindir), "%s", dir);
				free(copy);
				return true;
			}
		}
		free(copy);
	}
	log_error("programmes du serveur PostgreSQL introuvables (initdb) : "
			  "installez le paquet postgresql (make deps) ou définissez CLAUSE_PG_BINDIR");
	return false;
}

/* When root, finds or creates the unprivileged system user for the server. */
static bool
cluster_find_user(Cluster *cluster)
{
	if (geteuid() != 0)
	{
		cluster->switch_user = false;
		cluster->uid = geteuid();
		cluster->gid = getegid();
		return true;
	}

	struct stat st;
	struct passwd *pw = NULL;

	/* a cluster made by an ordinary user keeps running as that user */
	if (stat(cluster->pgdata, &st) == 0 && st.st_uid != 0)
		pw = getpwuid(st.st_uid);
	if (pw == NULL)
		pw = getpwnam(CLUSTER_SYSTEM_USER);
	if (pw == NULL)
	{
		log_info("création de l'utilisateur système « %s » pour le serveur PostgreSQL",
				 CLUSTER_SYSTEM_USER);
		int rc = system("useradd --system --user-group --no-create-home "
						"--home-dir /nonexistent --shell /usr/sbin/nologin "
						CLUSTER_SYSTEM_USER " >/dev/null 2>&1");

		(void) rc;
		pw = getpwnam(CLUSTER_SYSTEM_USER);
	}
	if (pw == NULL)
	{
		log_error("PostgreSQL refuse de tourner en root et l'utilisateur système "
				  "« %s » n'a pas pu être créé (useradd --system %s)",
				  CLUSTER_SYSTEM_USER, CLUSTER_SYSTEM_USER);
		return false;
	}
	cluster->switch_user = true;
	cluster->uid = pw->pw_uid;
	cluster->gid = pw->pw_gid;
	return true;
}

/* Creates dir (mode 0700) owned by the server's user. */
static bool
cluster_make_dir(const Cluster *cluster, const char *dir, mode_t mode)
{
	if (mkdir(dir, mode) != 0 && errno != EEXIST)
	{
		log_error("impossible de créer le dossier %s : %s", dir, log_strerror(errno));
		return false;
	}
	if (cluster->switch_user && chown(dir, cluster->uid, cluster->gid) != 0)
	{
		log_error("impossible de donner le dossier %s à l'utilisateur %s : %s",
				  dir, CLUSTER_SYSTEM_USER, log_strerror(errno));
		return false;
	}
	return true;
}

static bool
cluster_set_paths(Cluster *cluster, const char *var_dir)
{
	snprintf(cluster->var_dir, sizeof(cluster->var_dir), "%s", var_dir);
	return path_join(cluster->pgdata, sizeof(cluster->pgdata), var_dir, "pg") &&
		path_join(cluster->socket_dir, sizeof(cluster->socket_dir), var_dir, "run") &&
		path_join(cluster->log_file, sizeof(cluster->log_file), var_dir, "postgresql.log") &&
		path_join(cluster->lock_file, sizeof(cluster->lock_file), var_dir, "cluster.lock");
}

/* Whether the server's user can search dir (and so every folder above it). */
static bool
cluster_user_can_enter(const Cluster *cluster, const char *dir)
{
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();

	if (pid < 0)
		return true;			/* let initdb say what is wrong */
	if (pid == 0)
	{
		if (setgroups(0, NULL) != 0 || setgid(cluster->gid) != 0 || setuid(cluster->uid) != 0)
			_exit(2);
		_exit(access(dir, X_OK) == 0 ? 0 : 1);
	}

	int status = 0;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return true;
	return !(WIFEXITED(status) && WEXITSTATUS(status) == 1);
}

/*
 * A project cloned under a folder closed to the server's user (root's 0700 home):
 * the cluster goes to CLUSTER_RELOCATED_ROOT/<first 16 hex digits of SHA-256(var_dir)>,
 * one per project folder, owned by the server's user, 0700.
 */
static bool
cluster_relocated_dir(const char *var_dir, char *dir, size_t size)
{
	char hash[CHECKSUM_HEX_SIZE];

	if (!checksum_sha256(var_dir, strlen(var_dir), hash))
		return false;
	hash[16] = '\0';
	return path_join(dir, size, CLUSTER_RELOCATED_ROOT, hash);
}

static bool
cluster_relocate(Cluster *cluster, const char *dir, const char *closed)
{
	if (mkdir(CLUSTER_RELOCATED_ROOT, 0700) != 0 && errno != EEXIST)
	{
		log_error("%s est fermé à l'utilisateur %s et %s ne peut être créé : %s "
				  "(choisissez un dossier avec CLAUSE_VAR)", closed, CLUSTER_SYSTEM_USER,
				  CLUSTER_RELOCATED_ROOT, log_strerror(errno));
		return false;
	}
	if (!cluster_make_dir(cluster, CLUSTER_RELOCATED_ROOT, 0700) ||
		!cluster_set_paths(cluster, dir))
		return false;
	cluster->relocated = true;
	log_info("%s est fermé à l'utilisateur du serveur : la base embarquée vit dans %s", closed, dir);
	return true;
}

bool
cluster_setup(Cluster *cluster, const char *var_dir, bool may_relocate)
{
	char parent[PATH_MAX], dir[PATH_MAX];

	if (!cluster_set_paths(cluster, var_dir) || !cluster_find_bindir(cluster) ||
		!cluster_find_user(cluster))
		return false;
	/* a cluster already here stays here */
	if (!may_relocate || !cluster->switch_user || cluster_is_initialized(cluster))
		return true;
	if (!cluster_relocated_dir(var_dir, dir, sizeof(dir)))
		return false;

	/* one already moved stays where it is, even once the project folder opens */
	Cluster away = *cluster;

	if (cluster_set_paths(&away, dir) && cluster_is_initialized(&away))
	{
		*cluster = away;
		cluster->relocated = true;
		return true;
	}
	snprintf(parent, sizeof(parent), "%s", var_dir);

	char *slash = strrchr(parent, '/');

	if (slash == NULL || slash == parent)
		return true;
	*slash = '\0';
	return cluster_user_can_enter(cluster, parent) || cluster_relocate(cluster, dir, parent);
}

/*
 * Runs a server program (initdb, pg_ctl) with the given arguments, as the
 * server's user when needed, with stdout/stderr appended to the log file
 * when quiet. Returns the exit status, or -1 when it could not run.
 */
static int
cluster_run(const Cluster *cluster, const char *program, char *const argv[],
			bool quiet)
{
	char path[PATH_MAX];

	if (!path_join(path, sizeof(path), cluster->bindir, program))
		return -1;

	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();

	if (pid < 0)
	{
		log_error("fork impossible : %s", log_strerror(errno));
		return -1;
	}
	if (pid == 0)
	{
		if (cluster->switch_user &&
			(setgroups(0, NULL) != 0 || setgid(cluster->gid) != 0 ||
			 setuid(cluster->uid) != 0))
		{
			fprintf(stderr, "clause: impossible de devenir l'utilisateur %s : %s\n",
					CLUSTER_SYSTEM_USER, log_strerror(errno));
			_exit(127);
		}
		if (access(cluster->var_dir, X_OK | W_OK) != 0)
		{
			fprintf(stderr, "clause: l'utilisateur du serveur ne peut pas accéder à %s : %s "
					"(un dossier parent est-il fermé ? choisissez un autre dossier avec CLAUSE_VAR)\n",
					cluster->var_dir, log_strerror(errno));
			_exit(127);
		}
		if (quiet)
		{
			int fd = open(cluster->log_file, O_WRONLY | O_CREAT | O_APPEND, 0600);

			if (fd >= 0)
			{
				dup2(fd, STDOUT_FILENO);
				dup2(fd, STDERR_FILENO);
				close(fd);
			}
		}
		/* no PGPASSWORD, PGOPTIONS or anything of ours for the server to inherit */
		const char *tz = getenv("TZ");
		char tz_copy[128] = "";

		if (tz)
			snprintf(tz_copy, sizeof(tz_copy), "%s", tz);
		clearenv();
		setenv("PATH", "/usr/local/bin:/usr/bin:/bin", 1);
		if (tz_copy[0])
			setenv("TZ", tz_copy, 1);
		umask(077);
		execv(path, argv);
		fprintf(stderr, "clause: impossible de lancer %s : %s\n", path, log_strerror(errno));
		_exit(127);
	}

	int status = 0;

	while (waitpid(pid, &status, 0) < 0)
	{
		if (errno != EINTR)
			return -1;
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

bool
cluster_is_initialized(const Cluster *cluster)
{
	char version_file[PATH_MAX];

	return path_join(version_file, sizeof(version_file), cluster->pgdata, "PG_VERSION") &&
		file_exists(version_file);
}

/* Whether the server accepts connections on the cluster's socket (no login: a ping). */
static bool
cluster_answers(const Cluster *cluster)
{
	char conninfo[PATH_MAX + 128];

	if (!cluster_is_initialized(cluster))
		return false;
	cluster_conninfo(cluster, "postgres", conninfo, sizeof(conninfo));
	return db_server_answers(conninfo);
}

bool
cluster_is_running(const Cluster *cluster)
{
	if (!cluster_is_initialized(cluster))
		return false;

	char *argv[] = {"pg_ctl", "-D", (char *) cluster->pgdata, "status", NULL};

	return cluster_run(cluster, "pg_ctl", argv, true) == 0;
}

/* Prints the end of the server log: the reason a start failed is there. */
static void
cluster_print_log_tail(const Cluster *cluster)
{
	FILE *log = fopen(cluster->log_file, "r");

	if (log == NULL)
		return;

	char line[1024];
	char tail[20][1024];
	int count = 0;

	while (fgets(line, sizeof(line), log))
	{
		snprintf(tail[count % 20], sizeof(tail[0]), "%s", line);
		count++;
	}
	fclose(log);
	fprintf(stderr, "--- fin du journal du serveur (%s) ---\n", cluster->log_file);
	for (int i = count > 20 ? count - 20 : 0; i < count; i++)
		fputs(tail[i % 20], stderr);
}

/* Appends our settings: no TCP, our socket dir, and for tests no fsync. */
static bool
cluster_write_config(const Cluster *cluster)
{
	char conf[PATH_MAX];

	if (!path_join(conf, sizeof(conf), cluster->pgdata, "postgresql.conf"))
		return false;

	FILE *out = fopen(conf, "a");

	if (out == NULL)
	{
		log_error("impossible d'écrire %s : %s", conf, log_strerror(errno));
		return false;
	}
	fputs("\n# Added by clause: unix socket only, inside var/.\n", out);
	fputs("listen_addresses = ''\n", out);
	fputs("unix_socket_directories = '", out);
	for (const char *p = cluster->socket_dir; *p; p++)
	{
		if (*p == '\'')
			fputc('\'', out);
		fputc(*p, out);
	}
	fputs("'\n", out);
	fputs("unix_socket_permissions = 0700\n", out);
	fputs("port = " CLUSTER_PORT "\n", out);
	fputs("max_connections = 40\n", out);
	fputs("shared_buffers = 256MB\nmax_wal_size = 2GB\n", out);
	fputs("logging_collector = off\nlog_min_messages = warning\n", out);

	const char *fast = getenv("CLAUSE_PG_FAST");

	if (fast && strcmp(fast, "1") == 0)
		fputs("# CLAUSE_PG_FAST=1: a test cluster, durability off.\n"
			  "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n", out);
	if (fclose(out) != 0)
	{
		log_error("impossible d'écrire %s : %s", conf, log_strerror(errno));
		return false;
	}
	return true;
}

static bool
cluster_initdb(Cluster *cluster)
{
	log_notice("création de la base embarquée dans %s", cluster->pgdata);
	if (!cluster_make_dir(cluster, cluster->var_dir, 0700) ||
		!cluster_make_dir(cluster, cluster->pgdata, 0700) ||
		!cluster_make_dir(cluster, cluster->socket_dir, 0700))
		return false;

	const char *fast = getenv("CLAUSE_PG_FAST");
	char *argv[] = {"initdb", "-D", cluster->pgdata, "-U", CLUSTER_SYSTEM_USER,
		"--auth-local=peer", "--auth-host=reject", "-E", "UTF8", "--no-locale",
		(fast && strcmp(fast, "1") == 0) ? "--nosync" : NULL, NULL};

	if (cluster_run(cluster, "initdb", argv, true) != 0)
	{
		log_error("initdb a échoué");
		cluster_print_log_tail(cluster);
		return false;
	}
	return cluster_write_config(cluster);
}

/*
 * Workers beside the process that builds an index (the bulk import's indexes, the whole
 * attribution's key): the server shares this machine's cores, and the building process
 * sorts too, so one core each. On two cores one worker, not PostgreSQL's two: the
 * import's indexes 2.23-2.30 s against 2.52-2.63 s, alternated at 1M lines. Above three
 * cores PostgreSQL's default (2) stands, as nothing measured more.
 */
int
cluster_index_build_workers(long cores)
{
	if (cores < 2)
		return 0;
	return cores - 1 < 2 ? (int) (cores - 1) : 2;
}

static bool
cluster_start(Cluster *cluster)
{
	/* The socket dir may have been removed, or var/ copied from elsewhere. */
	if (!cluster_make_dir(cluster, cluster->socket_dir, 0700))
		return false;

	/*
	 * No replica reads this cluster's WAL: at the minimal level, indexes built and tables
	 * filled in the transaction that created or truncated them are written once, not
	 * also to the WAL (the bulk index rebuild and the whole attribution). Given at each
	 * start, clusters made by earlier versions get it too.
	 */
	char options[160];
	int workers = cluster_index_build_workers(sysconf(_SC_NPROCESSORS_ONLN));

	snprintf(options, sizeof(options),
			 "-c wal_level=minimal -c max_wal_senders=0 -c unix_socket_permissions=0700 "
			 "-c max_parallel_maintenance_workers=%d", workers);

	char *argv[] = {"pg_ctl", "-D", cluster->pgdata, "-l", cluster->log_file,
		"-o", options, "-w", "-t", "120", "start", NULL};

	log_info("démarrage du serveur PostgreSQL embarqué");
	if (cluster_run(cluster, "pg_ctl", argv, true) != 0)
	{
		log_error("le serveur PostgreSQL embarqué n'a pas démarré");
		cluster_print_log_tail(cluster);
		return false;
	}
	return true;
}

static bool
database_exists_callback(void *context, const DbRow *row)
{
	(void) row;
	*(bool *) context = true;
	return true;
}

/* Makes the database clause in a running cluster when it is missing. */
static bool
cluster_ensure_database(const Cluster *cluster)
{
	char conninfo[PATH_MAX + 128];
	Db db = {0};
	bool exists = false;
	const char *params[] = {CLUSTER_DATABASE};

	cluster_conninfo(cluster, "postgres", conninfo, sizeof(conninfo));
	if (!db_connect(&db, conninfo))
		return false;

	bool ok = db_query(&db, "SELECT 1 FROM pg_database WHERE datname = $1",
					   1, params, database_exists_callback, &exists, NULL);

	if (ok && !exists)
		ok = db_exec(&db, "CREATE DATABASE " CLUSTER_DATABASE);
	db_close(&db);
	return ok;
}

/* Re-reads pg_hba.conf and pg_ident.conf in a running server. */
static bool
cluster_reload(Cluster *cluster)
{
	char *argv[] = {"pg_ctl", "-D", cluster->pgdata, "reload", NULL};

	log_notice("base embarquée : accès fermés (authentification peer, mots de passe), "
			   "configuration relue");
	if (cluster_run(cluster, "pg_ctl", argv, true) != 0)
	{
		log_error("le serveur embarqué n'a pas relu sa configuration");
		cluster_print_log_tail(cluster);
		return false;
	}
	return true;
}

bool
cluster_ensure_running(Cluster *cluster)
{
	return cluster_ensure_running_connecting(cluster, NULL, NULL, NULL);
}

bool
cluster_ensure_running_connecting(Cluster *cluster, bool (*connect) (void *context),
								  void *context, bool *connected)
{
	if (connected)
		*connected = false;
	if (!cluster_make_dir(cluster, cluster->var_dir, 0700))
		return false;

	/*
	 * Two clause processes may start at once: one initialises and starts. The lock is
	 * ours alone (0600): anyone able to open it could block every command.
	 */
	int lock = open(cluster->lock_file, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);

	if (lock >= 0)
		(void) fchmod(lock, 0600);
	if (lock < 0 || flock(lock, LOCK_EX) != 0)
	{
		log_error("verrou %s impossible : %s", cluster->lock_file, log_strerror(errno));
		if (lock >= 0)
			close(lock);
		return false;
	}

	bool ok = true;

	bool changed = false;

	if (!cluster_is_initialized(cluster))
		ok = cluster_initdb(cluster);
	/* also closes a cluster made by an earlier release (trust, 0755), keeping its data */
	ok = ok && cluster_auth_secure(cluster, &changed);

	/*
	 * A server that answers on its socket runs, and made its database when it first
	 * started: every command comes here, and asking pg_ctl, then connecting to check the
	 * database, cost two processes and a login each time. The caller's own connection
	 * answers best (a ping is a login too: 10-15 ms); not while the access rules were
	 * just rewritten, before the server reloads them.
	 */
	bool answers = false;

	if (ok && connect && !changed)
		answers = *connected = connect(context);
	else if (ok)
		answers = cluster_answers(cluster);

	if (ok && !answers && !cluster_is_running(cluster))
		ok = cluster_start(cluster);
	else if (ok && changed)
		ok = cluster_reload(cluster);
	if (ok && !answers)
		ok = cluster_ensure_database(cluster);	/* also when only the database was missing */

	flock(lock, LOCK_UN);
	close(lock);
	return ok;
}

bool
cluster_stop(Cluster *cluster)
{
	if (!cluster_is_running(cluster))
	{
		log_notice("le serveur embarqué est déjà arrêté");
		return true;
	}

	char *argv[] = {"pg_ctl", "-D", cluster->pgdata, "-w", "-m", "fast", "stop", NULL};

	if (cluster_run(cluster, "pg_ctl", argv, true) != 0)
	{
		log_error("arrêt du serveur embarqué impossible");
		cluster_print_log_tail(cluster);
		return false;
	}
	log_notice("serveur embarqué arrêté");
	return true;
}

/* The socket path goes in single quotes, with \ and ' escaped as libpq wants. */
void
cluster_conninfo(const Cluster *cluster, const char *dbname,
				 char *out, size_t outsize)
{
	char host[PATH_MAX * 2];
	size_t j = 0;

	for (const char *p = cluster->socket_dir; *p && j + 2 < sizeof(host); p++)
	{
		if (*p == '\'' || *p == '\\')
			host[j++] = '\\';
		host[j++] = *p;
	}
	host[j] = '\0';
	snprintf(out, outsize, "host='%s' port=" CLUSTER_PORT " dbname=%s user=%s",
			 host, dbname, CLUSTER_SYSTEM_USER);
}
