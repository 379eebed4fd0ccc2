/*
 * Levelled logging to stderr.
 * The default level is NOTICE: what a user needs to read, nothing more.
 */
#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <stdio.h>
#include <stdlib.h>

#include "src/lib/log.h"
#include "src/lib/strbuf.h"

static LogLevel current_level = LOG_LEVEL_NOTICE;
static StrBuf *capture_sink;	/* errors also kept here (log_capture) */
static bool capture_mute;

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

/*
 * Writes a message on one line: a line break or another control character inside it
 * (a file or opération named "x\nclause: erreur : …") is shown escaped, so that no input
 * can forge a line of the log or drive the terminal. Trailing line breaks (libpq ends its
 * messages with one) are dropped.
 */
static void
log_write_escaped(const char *text, size_t length)
{
	while (length > 0 && (text[length - 1] == '\n' || text[length - 1] == '\r'))
		length--;
	for (size_t i = 0; i < length; i++)
	{
		unsigned char c = (unsigned char) text[i];

		if (c == '\n')
			fputs("\\n", stderr);
		else if (c == '\r')
			fputs("\\r", stderr);
		else if ((c < 0x20 && c != '\t') || c == 0x7f)
			fprintf(stderr, "\\x%02x", c);
		else
			fputc(c, stderr);
	}
}

const char *
log_printable(const char *text, char *buffer, size_t size)
{
	size_t used = 0;

	if (size == 0)
		return "";
	for (const char *p = text; *p && used + 5 < size; p++)
	{
		unsigned char c = (unsigned char) *p;

		if (c == '\n')
			used += (size_t) snprintf(buffer + used, size - used, "\\n");
		else if (c == '\r')
			used += (size_t) snprintf(buffer + used, size - used, "\\r");
		else if ((c < 0x20 && c != '\t') || c == 0x7f)
			used += (size_t) snprintf(buffer + used, size - used, "\\x%02x", c);
		else
			buffer[used++] = (char) c;
	}
	buffer[used] = '\0';
	return buffer;
}

void
log_message(LogLevel level, const char *fmt, ...)
{
	va_list args;
	char buffer[2048];
	char *text = buffer;

	if (capture_sink && level == LOG_LEVEL_ERROR)
	{
		char message[1024];

		va_start(args, fmt);
		vsnprintf(message, sizeof(message), fmt, args);
		va_end(args);
		if (capture_sink->len > 0)
			strbuf_puts(capture_sink, " ; ");
		strbuf_puts(capture_sink, message);
	}
	if (level < current_level || (capture_sink && capture_mute))
		return;

	va_start(args, fmt);
	int length = vsnprintf(buffer, sizeof(buffer), fmt, args);

	va_end(args);
	if (length < 0)
		return;
	if ((size_t) length >= sizeof(buffer))
	{
		text = malloc((size_t) length + 1);
		if (text == NULL)
			text = buffer;		/* the message, cut */
		else
		{
			va_start(args, fmt);
			vsnprintf(text, (size_t) length + 1, fmt, args);
			va_end(args);
		}
	}

	/* one line at a time, whichever thread writes (clause serve) */
	flockfile(stderr);
	fputs("clause: ", stderr);
	fputs(level_prefix[level], stderr);
	log_write_escaped(text, text == buffer ? strlen(buffer) : (size_t) length);
	fputc('\n', stderr);
	funlockfile(stderr);
	if (text != buffer)
		free(text);
}

void
log_capture(StrBuf *sink, bool mute)
{
	capture_sink = sink;
	capture_mute = mute;
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
