/*
 * A growable byte buffer with one owner: the struct that holds it.
 * Used to build COPY rows, JSON-free text output and file paths.
 */
#ifndef CLAUSE_STRBUF_H
#define CLAUSE_STRBUF_H

#include <stdbool.h>
#include <stddef.h>

typedef struct StrBuf
{
	char *data;					/* always NUL-terminated when non-NULL */
	size_t len;
	size_t cap;
} StrBuf;

bool strbuf_reserve(StrBuf *buf, size_t extra);
bool strbuf_append(StrBuf *buf, const char *data, size_t len);
bool strbuf_puts(StrBuf *buf, const char *str);
bool strbuf_putc(StrBuf *buf, char c);
bool strbuf_printf(StrBuf *buf, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void strbuf_reset(StrBuf *buf);

/* snprintf into a fixed buffer that reports truncation (a path too long) and fails. */
bool str_format(char *out, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void strbuf_free(StrBuf *buf);

#endif
