/*
 * Finding participants by name: case, accents, hyphens and spaces are ignored, the
 * birth date must match exactly. Homonyms born the same day are refused, not guessed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "normalize.h"
#include "participant_index.h"

static bool
participant_key(const char *nom, const char *prenom, const char *birth_date, StrBuf *key)
{
	strbuf_reset(key);
	return normalize_name(nom, key) && strbuf_putc(key, '|') &&
		normalize_name(prenom, key) && strbuf_putc(key, '|') && strbuf_puts(key, birth_date);
}

static bool
participant_index_row(void *context, const DbRow *row)
{
	ParticipantIndex *index = context;
	StrBuf key = {0};
	long existing;

	if (index->count == index->capacity)
	{
		long capacity = index->capacity ? index->capacity * 2 : 256;
		char **ids = realloc(index->ids, sizeof(char *) * (size_t) capacity);

		if (ids == NULL)
			return false;
		index->ids = ids;
		index->capacity = capacity;
	}
	index->ids[index->count] = strdup(db_row_value(row, 0));

	bool ok = index->ids[index->count] != NULL &&
		participant_key(db_row_value(row, 1), db_row_value(row, 2), db_row_value(row, 3), &key);

	if (ok)
		ok = strmap_put(&index->by_name, key.data,
						strmap_get(&index->by_name, key.data, &existing) ? -1 : index->count);
	index->count++;
	strbuf_free(&key);
	return ok;
}

bool
participant_index_load(Db *db, ParticipantIndex *index)
{
	return db_query(db, "SELECT id, nom, prenom, date_naissance FROM participant", 0, NULL,
					participant_index_row, index, NULL);
}

const char *
participant_index_lookup(void *context, const char *nom, const char *prenom,
						 const char *birth_date, char *err, size_t errsize)
{
	ParticipantIndex *index = context;
	StrBuf key = {0};
	long found = 0;
	bool present = participant_key(nom, prenom, birth_date, &key) &&
		strmap_get(&index->by_name, key.data, &found);

	strbuf_free(&key);
	if (!present)
	{
		snprintf(err, errsize, "participant introuvable : %.60s %.60s né(e) le %s "
				 "(aucun participant à ce nom et cette date de naissance)", nom, prenom, birth_date);
		return NULL;
	}
	if (found < 0)
	{
		snprintf(err, errsize, "participant ambigu : plusieurs %.60s %.60s nés le %s, "
				 "indiquez son identifiant", nom, prenom, birth_date);
		return NULL;
	}
	return index->ids[found];
}

void
participant_index_free(ParticipantIndex *index)
{
	for (long i = 0; i < index->count; i++)
		free(index->ids[i]);
	free(index->ids);
	strmap_free(&index->by_name);
	memset(index, 0, sizeof(*index));
}
