/*
 * Levelled logging to stderr.
 * The default level is NOTICE: what a user needs to read, nothing more.
 */
#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <stdio.h>

#include "log.h"

static LogLevel current_level = LOG_LEVEL_NOTICE;

static const char *level_prefix[] = {
	[LOG_LEVEL_DEBUG] = "debug: ",
	[LOG_LEVEL_INFO] = "",
	[LOG_LEVEL_NOTICE] = "",
	[LOG_LEVEL_WARN] = "attention : ",
	[LOG_LEVEL_ERROR] = "erreur : ",
};

void
log_set_level(LogLevel level)
{
	current_level = level;
}

LogLevel
log_get_level(void)
{
	return current_level;
}

void
log_message(LogLevel level, const char *fmt, ...)
{
	va_list args;

	if (level < current_level)
		return;

	fputs("clause: ", stderr);
	fputs(level_prefix[level], stderr);
	va_start(args, fmt);
	vfprintf(stderr, fmt, args);
	va_end(args);
	fputc('\n', stderr);
}

const char *
log_strerror(int errnum)
{
	switch (errnum)
	{
		case ENOENT:
			return "fichier ou dossier introuvable";
		case EACCES:
		case EPERM:
			return "permission refusée";
		case EISDIR:
			return "c'est un dossier, pas un fichier";
		case ENOSPC:
			return "plus de place sur le disque";
		case ENOTDIR:
			return "un élément du chemin n'est pas un dossier";
		case EROFS:
			return "système de fichiers en lecture seule";
		case ENOMEM:
			return "mémoire insuffisante";
		default:
			return strerror(errnum);
	}
}
