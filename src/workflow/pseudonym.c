/*
 * Keyed pseudonyms with OpenSSL's HMAC: the same person gets the same pseudonym across
 * exports made with the same key; without the key nobody can compute, invert or link them.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "importers/normalize.h"
#include "src/lib/log.h"
#include "src/lib/strbuf.h"
#include "src/workflow/pseudonym.h"

bool
pseudonym_key_path(char *out, size_t outsize)
{
	const char *env = getenv("CLAUSE_PSEUDO_KEY");
	const char *home = getenv("HOME");

	if (env && *env)
		return str_format(out, outsize, "%s", env);
	if (home == NULL || *home == '\0')
	{
		log_error("HOME n'est pas défini : indiquez la clé de pseudonymisation avec CLAUSE_PSEUDO_KEY");
		return false;
	}
	return str_format(out, outsize, "%s/.config/clause/pseudonymisation.key", home);
}

static bool
make_parent_dirs(const char *path)
{
	char dir[4096];

	if (!str_format(dir, sizeof(dir), "%s", path))
		return false;
	for (char *p = dir + 1; *p; p++)
	{
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		{
			log_error("impossible de créer %s : %s", dir, log_strerror(errno));
			return false;
		}
		*p = '/';
	}
	return true;
}

static bool
key_create(const char *path, PseudonymKey *key)
{
	if (!make_parent_dirs(path))
		return false;
	if (RAND_bytes(key->bytes, PSEUDONYM_KEY_BYTES) != 1)
	{
		log_error("génération aléatoire de la clé impossible");
		return false;
	}

	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);

	if (fd < 0)
	{
		log_error("impossible de créer la clé %s : %s", path, log_strerror(errno));
		return false;
	}

	char hex[PSEUDONYM_KEY_BYTES * 2 + 2];

	for (int i = 0; i < PSEUDONYM_KEY_BYTES; i++)
		snprintf(hex + 2 * i, 3, "%02x", key->bytes[i]);
	hex[PSEUDONYM_KEY_BYTES * 2] = '\n';

	bool ok = write(fd, hex, sizeof(hex) - 1) == (ssize_t) (sizeof(hex) - 1);

	OPENSSL_cleanse(hex, sizeof(hex));
	if (close(fd) != 0 || !ok)
	{
		log_error("impossible d'écrire la clé %s", path);
		return false;
	}
	log_notice("clé de pseudonymisation créée : %s (gardez-la hors de la base, sauvegardez-la : "
			   "sans elle, les pseudonymes ne se retrouvent plus)", path);
	return true;
}

static int
hex_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

bool
pseudonym_key_load(const char *path, bool create, PseudonymKey *key)
{
	struct stat st;

	if (!str_format(key->path, sizeof(key->path), "%s", path))
		return false;
	if (stat(path, &st) != 0)
	{
		if (errno == ENOENT && create)
			return key_create(path, key);
		log_error("clé de pseudonymisation %s : %s", path, log_strerror(errno));
		return false;
	}
	if ((st.st_mode & 077) != 0)
	{
		log_error("clé de pseudonymisation %s lisible par d'autres (mode %03o) : chmod 600 %s",
				  path, (unsigned) (st.st_mode & 0777), path);
		return false;
	}

	FILE *in = fopen(path, "r");
	char hex[PSEUDONYM_KEY_BYTES * 2 + 1] = "";
	bool ok = in != NULL && fread(hex, 1, PSEUDONYM_KEY_BYTES * 2, in) == PSEUDONYM_KEY_BYTES * 2;

	if (in)
		fclose(in);
	for (int i = 0; ok && i < PSEUDONYM_KEY_BYTES; i++)
	{
		int high = hex_value(hex[2 * i]), low = hex_value(hex[2 * i + 1]);

		ok = high >= 0 && low >= 0;
		key->bytes[i] = (unsigned char) (high * 16 + low);
	}
	OPENSSL_cleanse(hex, sizeof(hex));
	if (!ok)
		log_error("clé de pseudonymisation %s illisible (64 chiffres hexadécimaux attendus)", path);
	return ok;
}

bool
pseudonym_make(const PseudonymKey *key, const char *nom, const char *prenom,
			   const char *birth_date, char out[PSEUDONYM_SIZE])
{
	StrBuf message = {0};
	unsigned char digest[EVP_MAX_MD_SIZE];
	unsigned int digest_len = 0;

	/* the unit separator keeps ("ab", "c") and ("a", "bc") apart */
	bool ok = normalize_name(nom, &message) && strbuf_putc(&message, '\x1f') &&
		normalize_name(prenom, &message) && strbuf_putc(&message, '\x1f') &&
		strbuf_puts(&message, birth_date) &&
		HMAC(EVP_sha256(), key->bytes, PSEUDONYM_KEY_BYTES, (const unsigned char *) message.data,
			 message.len, digest, &digest_len) != NULL && digest_len >= 16;

	if (ok)
	{
		memcpy(out, "PS-", 3);
		for (int i = 0; i < 16; i++)
			snprintf(out + 3 + 2 * i, 3, "%02x", digest[i]);
	}
	OPENSSL_cleanse(message.data, message.len);
	strbuf_free(&message);
	return ok;
}
