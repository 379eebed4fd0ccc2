/*
 * Pseudonyms of participants for exports that leave the PLIE: a keyed HMAC-SHA-256 of
 * (nom, prénom, date de naissance), the key in a file outside the database, mode 0600.
 */
#ifndef CLAUSE_PSEUDONYM_H
#define CLAUSE_PSEUDONYM_H

#include <stdbool.h>
#include <stddef.h>

#define PSEUDONYM_KEY_BYTES 32
#define PSEUDONYM_SIZE 36		/* "PS-" + 32 hex digits + NUL */

typedef struct PseudonymKey
{
	unsigned char bytes[PSEUDONYM_KEY_BYTES];
	char path[4096];
} PseudonymKey;

/* The key file: $CLAUSE_PSEUDO_KEY, else ~/.config/clause/pseudonymisation.key. */
bool pseudonym_key_path(char *out, size_t outsize);

/*
 * Reads the key, or creates it (random, mode 0600) when create is true and it is missing.
 * Refuses a key file that others may read.
 */
bool pseudonym_key_load(const char *path, bool create, PseudonymKey *key);

/* PS- followed by the first 128 bits of HMAC-SHA-256(key, normalised nom|prénom|date). */
bool pseudonym_make(const PseudonymKey *key, const char *nom, const char *prenom,
					const char *birth_date, char out[PSEUDONYM_SIZE]);

#endif
