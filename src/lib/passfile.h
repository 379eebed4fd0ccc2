/*
 * A database password handed to a child process (pg_dump, pg_restore, psql, clause
 * batch) through a libpq password file, never through its arguments nor its
 * environment: /proc/PID/environ is readable by every process of the same OS user.
 */
#ifndef CLAUSE_PASSFILE_H
#define CLAUSE_PASSFILE_H

#include <limits.h>
#include <stdbool.h>

typedef struct PassFile
{
	char path[PATH_MAX];		/* "" when there is no password to hand over */
	char env_entry[PATH_MAX + 16];	/* "PGPASSFILE=path" */
	char **envp;				/* the child's environment; NULL: ours as it is */
} PassFile;

/*
 * When password is not empty: writes "*:*:*:*:password" (\ and : escaped as libpq
 * reads them) into a new 0600 file of dir (NULL: $TMPDIR, else /tmp) made with
 * O_CREAT|O_EXCL|O_NOFOLLOW, and prepares the child's environment: ours without
 * PGPASSWORD nor PGPASSFILE (the password given wins, as for our own connection), with
 * PGPASSFILE naming the file. Everything is made here, so that a child forked by a
 * threaded process only calls execve(). Logs why not, never the password.
 */
bool passfile_create(PassFile *file, const char *dir, const char *password);

/* The environment for the child: the prepared one, or ours when there is no file. */
char *const *passfile_envp(const PassFile *file);

/* Removes the file (once the child has exited) and frees the environment; idempotent. */
void passfile_remove(PassFile *file);

#endif
