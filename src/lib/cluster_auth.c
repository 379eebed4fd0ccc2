/*
 * Who may connect to the embedded cluster: peer authentication mapped from the OS
 * users allowed (root and the server's user) to the owner role, passwords for readers.
 */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "src/lib/cluster.h"
#include "src/lib/log.h"
#include "src/lib/strbuf.h"

/*
 * No trust line anywhere: the owner role only through peer authentication and the
 * map below; every other role (readers made by `clause role`) with a scram password;
 * no TCP at all (listen_addresses is empty, and any host line is rejected).
 */
static void
cluster_auth_hba(StrBuf *out)
{
	strbuf_puts(out,
				"# Written by clause: who may connect to the embedded cluster.\n"
				"# The owner role through peer authentication, from the OS users of pg_ident.conf\n"
				"# (map \"clause\"); reader roles (clause role ... --mot-de-passe) with a password.\n"
				"local all " CLUSTER_SYSTEM_USER " peer map=clause\n"
				"local all all scram-sha-256\n"
				"host all all all reject\n");
}

static void
cluster_auth_ident(const Cluster *cluster, StrBuf *out)
{
	struct passwd *pw = getpwuid(cluster->uid);

	strbuf_puts(out,
				"# Written by clause: the OS users that may connect as the owner role.\n"
				"# MAPNAME SYSTEM-USERNAME PG-USERNAME\n"
				"clause root " CLUSTER_SYSTEM_USER "\n");
	if (pw && strcmp(pw->pw_name, "root") != 0)
		strbuf_printf(out, "clause %s " CLUSTER_SYSTEM_USER "\n", pw->pw_name);
}

/* True when the file already holds exactly text (then it is left alone). */
static bool
cluster_auth_same(const char *path, const StrBuf *text)
{
	FILE *in = fopen(path, "rb");
	bool same = false;

	if (in == NULL)
		return false;

	char *data = malloc(text->len + 2);

	if (data)
	{
		size_t n = fread(data, 1, text->len + 1, in);

		same = n == text->len && memcmp(data, text->data, text->len) == 0;
		free(data);
	}
	fclose(in);
	return same;
}

/* Writes pgdata/name (0600, owned by the server's user) by a temporary file and rename. */
static bool
cluster_auth_write(const Cluster *cluster, const char *name, const StrBuf *text, bool *changed)
{
	char path[PATH_MAX], tmp[PATH_MAX];

	if (!str_format(path, sizeof(path), "%s/%s", cluster->pgdata, name) ||
		!str_format(tmp, sizeof(tmp), "%s/.%s.clause-tmp", cluster->pgdata, name))
		return false;
	if (cluster_auth_same(path, text))
		return true;
	unlink(tmp);

	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);

	if (fd < 0)
	{
		log_error("impossible d'écrire %s : %s", tmp, log_strerror(errno));
		return false;
	}

	bool ok = write(fd, text->data, text->len) == (ssize_t) text->len;

	if (ok && cluster->switch_user)
		ok = fchown(fd, cluster->uid, cluster->gid) == 0;
	if (close(fd) != 0)
		ok = false;
	if (!ok || rename(tmp, path) != 0)
	{
		log_error("impossible d'écrire %s : %s", path, log_strerror(errno));
		unlink(tmp);
		return false;
	}
	*changed = true;
	return true;
}

/* chmod when the mode differs; a missing path is not an error. */
static bool
cluster_auth_mode(const char *path, mode_t mode)
{
	struct stat st;

	if (lstat(path, &st) != 0)
		return errno == ENOENT;
	if (S_ISLNK(st.st_mode))
	{
		log_error("%s est un lien symbolique : refusé", path);
		return false;
	}
	if ((st.st_mode & 07777) != mode && chmod(path, mode) != 0)
	{
		log_error("impossible de fermer %s (chmod %o) : %s", path, (unsigned) mode, log_strerror(errno));
		return false;
	}
	return true;
}

bool
cluster_auth_secure(const Cluster *cluster, bool *changed)
{
	StrBuf hba = {0};
	StrBuf ident = {0};

	*changed = false;
	cluster_auth_hba(&hba);
	cluster_auth_ident(cluster, &ident);

	/* clusters of earlier releases had trust, a 0755 var/ and socket dir, a 0644 lock */
	bool ok = cluster_auth_mode(cluster->var_dir, 0700) &&
		cluster_auth_mode(cluster->pgdata, 0700) &&
		cluster_auth_mode(cluster->socket_dir, 0700) &&
		cluster_auth_mode(cluster->log_file, 0600) &&
		cluster_auth_mode(cluster->lock_file, 0600) &&
		cluster_auth_write(cluster, "pg_ident.conf", &ident, changed) &&
		cluster_auth_write(cluster, "pg_hba.conf", &hba, changed);

	strbuf_free(&hba);
	strbuf_free(&ident);
	return ok;
}
