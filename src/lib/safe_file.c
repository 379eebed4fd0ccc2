/*
 * Symlink-safe files: O_NOFOLLOW for outputs named by the operator, temporary file and
 * rename in a directory checked not to be a link for outputs in shared folders.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "src/lib/log.h"
#include "src/lib/safe_file.h"

FILE *
safe_file_open_write(const char *path)
{
	struct stat st;
	int flags = O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC;

	/* a terminal, a pipe or /dev/null named on purpose: no file to protect */
	if (lstat(path, &st) == 0 && (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode)))
		flags = O_WRONLY | O_CLOEXEC;
	else if (stat(path, &st) == 0 && (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode)))
		flags = O_WRONLY | O_CLOEXEC;	/* /dev/stdout is a link to one */

	int fd = open(path, flags, 0600);

	if (fd < 0)
	{
		if (errno == ELOOP)
			log_error("%s est un lien symbolique : clause n'écrit pas à travers un lien", path);
		else
			log_error("impossible d'écrire %s : %s", path, log_strerror(errno));
		return NULL;
	}

	FILE *out = fdopen(fd, "w");

	if (out == NULL)
	{
		log_error("impossible d'écrire %s : %s", path, log_strerror(errno));
		close(fd);
	}
	return out;
}

bool
safe_file_check_dir(const char *dir)
{
	struct stat st;

	if (lstat(dir, &st) != 0)
	{
		log_error("%s : %s", dir, log_strerror(errno));
		return false;
	}
	if (S_ISLNK(st.st_mode))
	{
		log_error("%s est un lien symbolique : clause n'écrit pas à travers un lien", dir);
		return false;
	}
	if (!S_ISDIR(st.st_mode))
	{
		log_error("%s n'est pas un dossier", dir);
		return false;
	}
	return true;
}

bool
safe_file_make_dir(const char *dir)
{
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
	{
		log_error("impossible de créer %s : %s", dir, log_strerror(errno));
		return false;
	}
	return safe_file_check_dir(dir);
}

bool
safe_file_begin(SafeFile *file, const char *path)
{
	char copy[PATH_MAX];
	int n = snprintf(file->path, sizeof(file->path), "%s", path);

	file->out = NULL;
	if (n < 0 || (size_t) n >= sizeof(file->path))
	{
		log_error("chemin trop long : %s", path);
		return false;
	}
	snprintf(copy, sizeof(copy), "%s", path);

	char *slash = strrchr(copy, '/');
	const char *dir = ".";
	const char *name = copy;

	if (slash)
	{
		*slash = '\0';
		dir = slash == copy ? "/" : copy;
		name = slash + 1;
	}
	if (!safe_file_check_dir(dir))
		return false;
	n = snprintf(file->tmp, sizeof(file->tmp), "%s/.%s.XXXXXX", dir, name);
	if (n < 0 || (size_t) n >= sizeof(file->tmp))
	{
		log_error("chemin trop long : %s", path);
		return false;
	}

	/* mkostemp creates with O_EXCL and mode 0600: it never opens an existing file or link */
	int fd = mkostemp(file->tmp, O_CLOEXEC);

	if (fd < 0)
	{
		log_error("impossible d'écrire dans %s : %s", dir, log_strerror(errno));
		return false;
	}
	file->out = fdopen(fd, "w");
	if (file->out == NULL)
	{
		log_error("impossible d'écrire %s : %s", file->tmp, log_strerror(errno));
		close(fd);
		unlink(file->tmp);
		return false;
	}
	return true;
}

bool
safe_file_commit(SafeFile *file)
{
	bool ok = file->out != NULL;

	if (file->out && fclose(file->out) != 0)
	{
		log_error("impossible d'écrire %s : %s", file->path, log_strerror(errno));
		ok = false;
	}
	file->out = NULL;
	/* rename replaces a link at path by the file itself: it never follows it */
	if (ok && rename(file->tmp, file->path) != 0)
	{
		log_error("impossible d'écrire %s : %s", file->path, log_strerror(errno));
		ok = false;
	}
	if (!ok)
		unlink(file->tmp);
	return ok;
}

void
safe_file_abort(SafeFile *file)
{
	if (file->out)
	{
		fclose(file->out);
		unlink(file->tmp);
	}
	file->out = NULL;
}

const char *
safe_file_refusal(const char *path)
{
	struct stat st;

	if (lstat(path, &st) != 0)
		return "illisible";
	if (S_ISLNK(st.st_mode))
		return "lien symbolique refusé (déposez le fichier lui-même)";
	if (S_ISDIR(st.st_mode))
		return "dossier";
	if (!S_ISREG(st.st_mode))
		return "pas un fichier ordinaire (tube, socket ou périphérique) : refusé";
	return NULL;
}
