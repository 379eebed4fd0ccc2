/*
 * Levelled logging to stderr: -q shows errors only, -v adds info, -vv debug.
 * User-facing messages are in French; they name what the user must fix.
 */
#ifndef CLAUSE_LOG_H
#define CLAUSE_LOG_H

#include <stddef.h>
#include <stdbool.h>

typedef enum
{
	LOG_LEVEL_DEBUG = 0,
	LOG_LEVEL_INFO,
	LOG_LEVEL_NOTICE,
	LOG_LEVEL_WARN,
	LOG_LEVEL_ERROR
} LogLevel;

void log_set_level(LogLevel level);
LogLevel log_get_level(void);

void log_message(LogLevel level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

struct StrBuf;

/*
 * While sink is not NULL, every error message is also appended to it ("a ; b"), so that
 * a caller can write down why a file was refused; mute: nothing goes to stderr.
 * log_capture(NULL, false) ends it.
 */
void log_capture(struct StrBuf *sink, bool mute);

/* French text for the system errors users meet (missing file, permission…). */
const char *log_strerror(int errnum);

/* TEXT with its line breaks and control characters escaped (\n, \r, \xNN), for a name
 * printed on one line of output; cut to fit BUFFER, which it returns. */
const char *log_printable(const char *text, char *buffer, size_t size);

#define log_debug(...) log_message(LOG_LEVEL_DEBUG, __VA_ARGS__)
#define log_info(...) log_message(LOG_LEVEL_INFO, __VA_ARGS__)
#define log_notice(...) log_message(LOG_LEVEL_NOTICE, __VA_ARGS__)
#define log_warn(...) log_message(LOG_LEVEL_WARN, __VA_ARGS__)
#define log_error(...) log_message(LOG_LEVEL_ERROR, __VA_ARGS__)

#endif
