/*
 * Name normalisation: folds the Latin letters French names use to ASCII, so that
 * "CHLOÉ", "Chloe" and "chloé" match. Other characters are kept as they are.
 */
#include <ctype.h>

#include "importers/normalize.h"

/* ASCII folding of U+00C0..U+00FF; NULL where the character has no letter. */
static const char *const LATIN1_FOLD[64] = {
	"a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
	"d", "n", "o", "o", "o", "o", "o", NULL, "o", "u", "u", "u", "u", "y", "th", "ss",
	"a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
	"d", "n", "o", "o", "o", "o", "o", NULL, "o", "u", "u", "u", "u", "y", "th", "y"
};

static bool
append_space(StrBuf *out)
{
	if (out->len == 0 || out->data[out->len - 1] == ' ')
		return true;
	return strbuf_putc(out, ' ');
}

bool
normalize_name(const char *text, StrBuf *out)
{
	size_t start = out->len;
	const unsigned char *p = (const unsigned char *) text;

	while (*p)
	{
		unsigned int cp = *p;
		int len = 1;

		if (cp >= 0xC0 && cp < 0xE0 && (p[1] & 0xC0) == 0x80)
		{
			cp = ((cp & 0x1F) << 6) | (p[1] & 0x3F);
			len = 2;
		}
		if (cp == ' ' || cp == '-' || cp == '\'' || cp == '\t' || cp == '.' || cp == 0xA0)
		{
			if (out->len > start && !append_space(out))
				return false;
		}
		else if (cp < 0x80)
		{
			if (!strbuf_putc(out, (char) tolower((int) cp)))
				return false;
		}
		else if (cp >= 0xC0 && cp <= 0xFF && LATIN1_FOLD[cp - 0xC0])
		{
			if (!strbuf_puts(out, LATIN1_FOLD[cp - 0xC0]))
				return false;
		}
		else if (cp == 0x152 || cp == 0x153)	/* Œ œ */
		{
			if (!strbuf_puts(out, "oe"))
				return false;
		}
		else if (!strbuf_append(out, (const char *) p, (size_t) len))
			return false;
		p += len;
	}
	while (out->len > start && out->data[out->len - 1] == ' ')
		out->data[--out->len] = '\0';
	return true;
}
