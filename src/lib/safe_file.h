/*
 * Files on a shared machine: outputs never written through a symbolic link, inputs
 * of a shared folder checked with lstat before they are read.
 */
#ifndef CLAUSE_SAFE_FILE_H
#define CLAUSE_SAFE_FILE_H

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>

/*
 * Opens path for writing (created 0600, truncated) without following a link at its
 * last component; a character device or FIFO (/dev/stdout) is opened as it is.
 * Logs the reason and returns NULL on failure.
 */
FILE *safe_file_open_write(const char *path);

/* An output written to a temporary file beside it, then renamed over path. */
typedef struct SafeFile
{
	FILE *out;
	char path[PATH_MAX];
	char tmp[PATH_MAX];
} SafeFile;

/*
 * Creates DIR/.NAME.XXXXXX (O_EXCL, 0600) after checking that DIR is a directory and
 * not a link. Commit closes it and renames it over path; abort removes it.
 */
bool safe_file_begin(SafeFile *file, const char *path);
bool safe_file_commit(SafeFile *file);
void safe_file_abort(SafeFile *file);

/* True when dir is a real directory (lstat: not a link); logs why not. */
bool safe_file_check_dir(const char *dir);

/* Creates dir (0700 under clause's umask) when missing, then checks it as above. */
bool safe_file_make_dir(const char *dir);

/*
 * Why an entry of a shared folder may not be read: NULL for a regular file, else a
 * French reason ("lien symbolique refusé", "pas un fichier ordinaire"…).
 */
const char *safe_file_refusal(const char *path);

#endif
