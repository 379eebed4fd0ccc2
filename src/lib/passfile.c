/*
 * libpq password files for child processes: see passfile.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "src/lib/log.h"
#include "src/lib/passfile.h"

extern char **environ;

/* The folder of the file: the one given, else an absolute $TMPDIR, else /tmp. */
static const char *
passfile_dir(const char *dir)
{
	const char *tmpdir = getenv("TMPDIR");

	if (dir && *dir)
		return dir;
	return tmpdir && tmpdir[0] == '/' ? tmpdir : "/tmp";
}

/* Writes the whole line, the password escaped; false on a short write. */
static bool
passfile_write(int fd, const char *password)
{
	size_t len = strlen(password);
	size_t size = 2 * len + sizeof("*:*:*:*:\n");
	char *line = malloc(size);
	size_t n = 0;
	bool ok = line != NULL;

	if (ok)
	{
		memcpy(line, "*:*:*:*:", 8);
		n = 8;
		for (size_t i = 0; i < len; i++)
		{
			if (password[i] == '\\' || password[i] == ':')
				line[n++] = '\\';
			line[n++] = password[i];
		}
		line[n++] = '\n';
	}
	for (size_t done = 0; ok && done < n;)
	{
		ssize_t w = write(fd, line + done, n - done);

		if (w < 0 && errno == EINTR)
			continue;
		ok = w > 0;
		done += ok ? (size_t) w : 0;
	}
	if (line)
	{
		explicit_bzero(line, size);
		free(line);
	}
	return ok;
}

/* Ours without PGPASSWORD and PGPASSFILE, then PGPASSFILE=path. */
static char **
passfile_environ(const char *entry)
{
	size_t count = 0, used = 0;

	while (environ[count])
		count++;

	char **envp = calloc(count + 2, sizeof(char *));

	if (envp == NULL)
		return NULL;
	for (size_t i = 0; i < count; i++)
		if (strncmp(environ[i], "PGPASSWORD=", 11) != 0 && strncmp(environ[i], "PGPASSFILE=", 11) != 0)
			envp[used++] = environ[i];
	envp[used] = (char *) entry;
	return envp;
}

bool
passfile_create(PassFile *file, const char *dir, const char *password)
{
	const char *folder = passfile_dir(dir);
	int n;

	memset(file, 0, sizeof(*file));
	if (password == NULL || password[0] == '\0')
		return true;
	/* absolute: the child may change folder before it connects */
	char cwd[PATH_MAX] = "";

	if (folder[0] != '/' && getcwd(cwd, sizeof(cwd)) == NULL)
	{
		log_error("dossier courant introuvable : %s", log_strerror(errno));
		return false;
	}
	n = snprintf(file->path, sizeof(file->path), "%s%s%s/clause-pgpass-XXXXXX", cwd, cwd[0] ? "/" : "",
				 folder);
	if (n < 0 || (size_t) n >= sizeof(file->path))
	{
		log_error("dossier temporaire trop long : %s", folder);
		file->path[0] = '\0';
		return false;
	}

	/* mkostemp opens with O_CREAT|O_EXCL (mode 0600): never an existing file nor a link */
	int fd = mkostemp(file->path, O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0)
	{
		log_error("impossible de créer le fichier de mot de passe dans %s : %s", folder,
				  log_strerror(errno));
		file->path[0] = '\0';
		return false;
	}

	bool ok = fchmod(fd, 0600) == 0 && passfile_write(fd, password);

	if (close(fd) != 0)
		ok = false;
	if (ok)
	{
		snprintf(file->env_entry, sizeof(file->env_entry), "PGPASSFILE=%s", file->path);
		file->envp = passfile_environ(file->env_entry);
		ok = file->envp != NULL;
	}
	if (!ok)
	{
		log_error("impossible d'écrire le fichier de mot de passe %s : %s", file->path,
				  log_strerror(errno));
		passfile_remove(file);
	}
	return ok;
}

char *const *
passfile_envp(const PassFile *file)
{
	return file->envp ? file->envp : environ;
}

void
passfile_remove(PassFile *file)
{
	if (file->path[0])
		unlink(file->path);
	file->path[0] = '\0';
	free(file->envp);
	file->envp = NULL;
}
