/*
 * Encoding detection and conversion. French spreadsheets are saved either in
 * UTF-8 (often with a BOM) or in Windows-1252; both must come out right.
 */
#include <string.h>

#include "importers/decode.h"

/* Windows-1252 0x80..0x9F to Unicode; 0 marks the five undefined bytes. */
static const unsigned short cp1252_high[32] = {
	0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
	0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178
};

const char *
decode_encoding_name(Encoding encoding)
{
	return encoding == ENCODING_UTF8 ? "UTF-8" : "Windows-1252";
}

size_t
decode_bom_length(const char *buf, size_t len)
{
	return (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) ? 3 : 0;
}

/* Length of the valid UTF-8 sequence at p, 0 when invalid, -1 when cut by end. */
static int
utf8_sequence_length(const unsigned char *p, size_t avail)
{
	unsigned char c = p[0];
	int len;
	unsigned int min;
	unsigned int cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
	{
		len = 2;
		cp = c & 0x1F;
		min = 0x80;
	}
	else if (c >= 0xE0 && c <= 0xEF)
	{
		len = 3;
		cp = c & 0x0F;
		min = 0x800;
	}
	else if (c >= 0xF0 && c <= 0xF4)
	{
		len = 4;
		cp = c & 0x07;
		min = 0x10000;
	}
	else
		return 0;

	for (int i = 1; i < len; i++)
	{
		if ((size_t) i >= avail)
			return -1;
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3F);
	}
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return len;
}

size_t
decode_utf8_invalid_offset(const char *buf, size_t len)
{
	const unsigned char *p = (const unsigned char *) buf;
	size_t i = 0;

	while (i < len)
	{
		if (p[i] < 0x80)
		{
			i++;
			continue;
		}

		int n = utf8_sequence_length(p + i, len - i);

		if (n <= 0)
			return i;
		i += (size_t) n;
	}
	return len;
}

Encoding
decode_detect(const char *sample, size_t len)
{
	return decode_detect_complete(sample, len, false);
}

Encoding
decode_detect_complete(const char *sample, size_t len, bool complete)
{
	const unsigned char *p = (const unsigned char *) sample;
	size_t i = decode_bom_length(sample, len);
	bool seen_utf8 = false;
	bool seen_invalid = false;

	if (i > 0)
		return ENCODING_UTF8;
	while (i < len)
	{
		if (p[i] < 0x80)
		{
			i++;
			continue;
		}

		int n = utf8_sequence_length(p + i, len - i);

		if (n < 0 && !complete)
			break;				/* cut by the sample's end: not evidence */
		if (n <= 0)
		{
			seen_invalid = true;
			i++;
			continue;
		}
		seen_utf8 = true;
		i += (size_t) n;
	}

	/*
	 * Valid UTF-8 sequences are next to impossible in Windows-1252 French text: a
	 * file with some and with invalid bytes too is mixed, read as UTF-8 so that its
	 * bad lines are rejected rather than silently garbled.
	 */
	return (seen_invalid && !seen_utf8) ? ENCODING_CP1252 : ENCODING_UTF8;
}

static bool
append_codepoint(StrBuf *out, unsigned int cp)
{
	char bytes[3];
	size_t n;

	if (cp < 0x80)
	{
		bytes[0] = (char) cp;
		n = 1;
	}
	else if (cp < 0x800)
	{
		bytes[0] = (char) (0xC0 | (cp >> 6));
		bytes[1] = (char) (0x80 | (cp & 0x3F));
		n = 2;
	}
	else
	{
		bytes[0] = (char) (0xE0 | (cp >> 12));
		bytes[1] = (char) (0x80 | ((cp >> 6) & 0x3F));
		bytes[2] = (char) (0x80 | (cp & 0x3F));
		n = 3;
	}
	return strbuf_append(out, bytes, n);
}

bool
decode_cp1252_to_utf8(const char *buf, size_t len, StrBuf *out,
					  size_t *bad_offset)
{
	const unsigned char *p = (const unsigned char *) buf;

	/* a byte becomes at most three (0x80..0x9F are characters beyond U+07FF) */
	if (!strbuf_reserve(out, len * 3))
		return false;
	for (size_t i = 0; i < len; i++)
	{
		unsigned int cp = p[i];

		if (cp >= 0x80 && cp <= 0x9F)
		{
			cp = cp1252_high[cp - 0x80];
			if (cp == 0)
			{
				if (bad_offset)
					*bad_offset = i;
				return false;
			}
		}
		if (cp < 0x80)
		{
			out->data[out->len++] = (char) cp;
			out->data[out->len] = '\0';
		}
		else if (!append_codepoint(out, cp))
			return false;
	}
	return true;
}

bool
decode_utf8_to_cp1252(const char *text, StrBuf *out)
{
	const unsigned char *p = (const unsigned char *) text;

	while (*p)
	{
		int n = utf8_sequence_length(p, strlen((const char *) p));
		unsigned int cp = *p;
		char byte = '?';

		if (n <= 0)
			n = 1;
		else if (n == 2)
			cp = ((p[0] & 0x1Fu) << 6) | (p[1] & 0x3Fu);
		else if (n == 3)
			cp = ((p[0] & 0x0Fu) << 12) | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu);
		else if (n == 4)
			cp = 0x110000;		/* outside Windows-1252 */

		if (cp < 0x80 || (cp >= 0xA0 && cp <= 0xFF))
			byte = (char) cp;
		else
			for (int i = 0; i < 32; i++)
				if (cp1252_high[i] == cp && cp != 0)
					byte = (char) (0x80 + i);
		if (!strbuf_putc(out, byte))
			return false;
		p += n;
	}
	return true;
}

void
decode_utf8_sanitize(char *text)
{
	size_t len = strlen(text);
	size_t i = 0;

	while (i < len)
	{
		size_t ok = decode_utf8_invalid_offset(text + i, len - i);

		i += ok;
		if (i < len)
			text[i++] = '?';
	}
}
