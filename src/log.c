/*
 * Levelled logging to stderr.
 * The default level is NOTICE: what a user needs to read, nothing more.
 */
#include <stdarg.h>
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
