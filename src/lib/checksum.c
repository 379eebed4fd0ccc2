/*
 * SHA-256 through OpenSSL's EVP interface; the file is read in 1 MiB chunks.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "src/lib/checksum.h"
#include "src/lib/format.h"
#include "src/lib/log.h"

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
	format_hex(digest, digest_len, out);	/* SHA-256: 32 bytes */
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
		format_hex(digest, digest_len, out);	/* SHA-256: 32 bytes */
	else if (ok)
	{
		log_error("calcul SHA-256 impossible");
		ok = false;
	}
	EVP_MD_CTX_free(ctx);
	fclose(file);
	return ok;
}
