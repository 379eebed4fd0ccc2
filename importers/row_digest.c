/*
 * Row digests through OpenSSL's EVP interface: the prefix (script and columns) is digested
 * once, and each row continues from a copy of it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "importers/row_digest.h"
#include "src/lib/format.h"
#include "src/lib/log.h"

/* A tag before each field, so that no two rows feed the same bytes. */
enum { FIELD_NULL = 0, FIELD_VALUE = 1 };

static bool
digest_feed_text(EVP_MD_CTX *ctx, const char *text)
{
	size_t len = strlen(text);
	unsigned char head[5] = {FIELD_VALUE, (unsigned char) (len >> 24), (unsigned char) (len >> 16),
	(unsigned char) (len >> 8), (unsigned char) len};

	return EVP_DigestUpdate(ctx, head, sizeof(head)) == 1 && EVP_DigestUpdate(ctx, text, len) == 1;
}

static bool
digest_feed_null(EVP_MD_CTX *ctx)
{
	unsigned char tag = FIELD_NULL;

	return EVP_DigestUpdate(ctx, &tag, 1) == 1;
}

bool
row_digester_init(RowDigester *digester, const KindSpec *kind, const char *merge_text,
				  const bool *present)
{
	*digester = (RowDigester) {.ncolumns = kind->ncolumns};

	EVP_MD_CTX *prefix = EVP_MD_CTX_new();
	EVP_MD_CTX *row = EVP_MD_CTX_new();

	digester->prefix = prefix;
	digester->row = row;

	bool ok = prefix != NULL && row != NULL && EVP_DigestInit_ex(prefix, EVP_sha256(), NULL) == 1 &&
		digest_feed_text(prefix, "clause row digest 1") && digest_feed_text(prefix, merge_text);

	for (int i = 0; ok && i < kind->ncolumns; i++)
		ok = digest_feed_text(prefix, kind->columns[i].name) &&
			(present[i] ? digest_feed_text(prefix, "present") : digest_feed_null(prefix));
	if (!ok)
		log_error("empreinte des lignes : calcul SHA-256 impossible");
	return ok;
}

bool
row_digest(RowDigester *digester, char *const *values, unsigned char out[ROW_DIGEST_SIZE])
{
	EVP_MD_CTX *ctx = digester->row;
	unsigned int len = 0;
	bool ok = EVP_MD_CTX_copy_ex(ctx, digester->prefix) == 1;

	for (int i = 0; ok && i < digester->ncolumns; i++)
		ok = values[i] ? digest_feed_text(ctx, values[i]) : digest_feed_null(ctx);

	unsigned char digest[EVP_MAX_MD_SIZE];

	ok = ok && EVP_DigestFinal_ex(ctx, digest, &len) == 1 && len == ROW_DIGEST_SIZE;
	if (!ok)
	{
		log_error("empreinte des lignes : calcul SHA-256 impossible");
		return false;
	}
	memcpy(out, digest, ROW_DIGEST_SIZE);
	return true;
}

void
row_digester_free(RowDigester *digester)
{
	EVP_MD_CTX_free(digester->prefix);
	EVP_MD_CTX_free(digester->row);
	digester->prefix = digester->row = NULL;
}

void
row_digest_hex(const unsigned char digest[ROW_DIGEST_SIZE], char out[ROW_DIGEST_HEX_SIZE])
{
	format_hex(digest, ROW_DIGEST_SIZE, out);
}

/* A lower-case hex digit's value, as encode(..., 'hex') writes them; -1 for any other byte. */
static int
hex_value(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static bool
stored_digests_resize(StoredDigests *stored, size_t capacity)
{
	unsigned char (*digests)[ROW_DIGEST_SIZE] = realloc(stored->digests, capacity * ROW_DIGEST_SIZE);

	if (digests == NULL)
		return false;
	stored->digests = digests;
	stored->capacity = capacity;
	return true;
}

static bool
stored_digests_grow(StoredDigests *stored)
{
	return stored_digests_resize(stored, stored->capacity ? stored->capacity * 2 : 1024);
}

bool
stored_digests_reserve(StoredDigests *stored, size_t count)
{
	return strmap_reserve(&stored->index, count) &&
		(stored->count + count <= stored->capacity ||
		 stored_digests_resize(stored, stored->count + count));
}

bool
stored_digests_add_hex(StoredDigests *stored, const char *id, const char *hex)
{
	unsigned char digest[ROW_DIGEST_SIZE];
	const unsigned char *in = (const unsigned char *) hex;

	if (strlen(hex) != 2 * ROW_DIGEST_SIZE)
		return false;
	for (int i = 0; i < ROW_DIGEST_SIZE; i++)
	{
		int high = hex_value(in[2 * i]);
		int low = hex_value(in[2 * i + 1]);

		if (high < 0 || low < 0)
			return false;
		digest[i] = (unsigned char) (high << 4 | low);
	}
	if (stored->count == stored->capacity && !stored_digests_grow(stored))
		return false;
	memcpy(stored->digests[stored->count], digest, ROW_DIGEST_SIZE);
	if (!strmap_put(&stored->index, id, (long) stored->count))
		return false;
	stored->count++;
	return true;
}

bool
stored_digests_match(const StoredDigests *stored, const char *id,
					 const unsigned char digest[ROW_DIGEST_SIZE])
{
	long at;

	return strmap_get(&stored->index, id, &at) &&
		memcmp(stored->digests[at], digest, ROW_DIGEST_SIZE) == 0;
}

void
stored_digests_free(StoredDigests *stored)
{
	strmap_free(&stored->index);
	free(stored->digests);
	*stored = (StoredDigests) {0};
}
