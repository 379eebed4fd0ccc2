/*
 * Growable byte buffer. Allocation failures are reported once, here,
 * and returned as false to callers that pass them up.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/lib/log.h"
#include "src/lib/strbuf.h"

bool
strbuf_reserve(StrBuf *buf, size_t extra)
{
	size_t need = buf->len + extra + 1;

	if (need <= buf->cap)
		return true;

	size_t cap = buf->cap ? buf->cap : 256;

	while (cap < need)
		cap *= 2;

	char *data = realloc(buf->data, cap);

	if (data == NULL)
	{
		log_error("mémoire insuffisante (%zu octets demandés)", cap);
		return false;
	}
	buf->data = data;
	buf->cap = cap;
	buf->data[buf->len] = '\0';
	return true;
}

bool
strbuf_append(StrBuf *buf, const char *data, size_t len)
{
	if (!strbuf_reserve(buf, len))
		return false;
	memcpy(buf->data + buf->len, data, len);
	buf->len += len;
	buf->data[buf->len] = '\0';
	return true;
}

bool
strbuf_puts(StrBuf *buf, const char *str)
{
	return strbuf_append(buf, str, strlen(str));
}

bool
strbuf_putc(StrBuf *buf, char c)
{
	if (!strbuf_reserve(buf, 1))
		return false;
	buf->data[buf->len++] = c;
	buf->data[buf->len] = '\0';
	return true;
}

bool
strbuf_printf(StrBuf *buf, const char *fmt, ...)
{
	va_list args;
	va_list copy;

	va_start(args, fmt);
	va_copy(copy, args);
	int n = vsnprintf(NULL, 0, fmt, copy);

	va_end(copy);
	if (n < 0 || !strbuf_reserve(buf, (size_t) n))
	{
		va_end(args);
		return false;
	}
	vsnprintf(buf->data + buf->len, (size_t) n + 1, fmt, args);
	va_end(args);
	buf->len += (size_t) n;
	return true;
}

void
strbuf_reset(StrBuf *buf)
{
	buf->len = 0;
	if (buf->data)
		buf->data[0] = '\0';
}

void
strbuf_free(StrBuf *buf)
{
	free(buf->data);
	buf->data = NULL;
	buf->len = buf->cap = 0;
}

bool
str_format(char *out, size_t size, const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	int n = vsnprintf(out, size, fmt, args);

	va_end(args);
	if (n < 0 || (size_t) n >= size)
	{
		log_error("chemin ou texte trop long : %.80s…", out);
		return false;
	}
	return true;
}
