/*
 * SHA-256 through OpenSSL's EVP interface; the file is read in 1 MiB chunks.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "src/lib/checksum.h"
#include "src/lib/log.h"

static void
to_hex(const unsigned char *digest, unsigned int len, char out[CHECKSUM_HEX_SIZE])
{
	static const char hex[] = "0123456789abcdef";

	for (unsigned int i = 0; i < len && i < 32; i++)
	{
		out[2 * i] = hex[digest[i] >> 4];
		out[2 * i + 1] = hex[digest[i] & 0xF];
	}
	out[64] = '\0';
}

bool
checksum_sha256(const void *data, size_t len, char out[CHECKSUM_HEX_SIZE])
{
	unsigned char digest[EVP_MAX_MD_SIZE];
	unsigned int digest_len = 0;

	if (EVP_Digest(data, len, digest, &digest_len, EVP_sha256(), NULL) != 1)
	{
		log_error("calcul SHA-256 impossible");
		return false;
	}
	to_hex(digest, digest_len, out);
	return true;
}

bool
checksum_file_sha256(const char *path, char out[CHECKSUM_HEX_SIZE])
{
	FILE *file = fopen(path, "rb");

	if (file == NULL)
	{
		log_error("%s : ouverture impossible : %s", path, log_strerror(errno));
		return false;
	}

	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	static unsigned char chunk[1 << 20];
	bool ok = ctx != NULL && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1;
	size_t n;

	while (ok && (n = fread(chunk, 1, sizeof(chunk), file)) > 0)
		ok = EVP_DigestUpdate(ctx, chunk, n) == 1;
	if (ferror(file))
	{
		log_error("%s : lecture impossible : %s", path, log_strerror(errno));
		ok = false;
	}

	unsigned char digest[EVP_MAX_MD_SIZE];
	unsigned int digest_len = 0;

	if (ok && EVP_DigestFinal_ex(ctx, digest, &digest_len) == 1)
		to_hex(digest, digest_len, out);
	else if (ok)
	{
		log_error("calcul SHA-256 impossible");
		ok = false;
	}
	EVP_MD_CTX_free(ctx);
	fclose(file);
	return ok;
}
