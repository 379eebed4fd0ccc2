/*
 * Finding participants by name: case, accents, hyphens and spaces are ignored, the
 * birth date must match exactly. Homonyms born the same day are refused, not guessed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "importers/closest.h"
#include "importers/normalize.h"
#include "importers/participant_index.h"
#include "src/lib/log.h"

static bool
participant_key(const char *nom, const char *prenom, const char *birth_date, StrBuf *key)
{
	strbuf_reset(key);
	return normalize_name(nom, key) && strbuf_putc(key, '|') &&
		normalize_name(prenom, key) && strbuf_putc(key, '|') && strbuf_puts(key, birth_date);
}

static bool
participant_index_grow(ParticipantIndex *index)
{
	long capacity = index->capacity ? index->capacity * 2 : 256;
	char **ids = realloc(index->ids, sizeof(char *) * (size_t) capacity);

	if (ids)
		index->ids = ids;

	char **names = ids ? realloc(index->names, sizeof(char *) * (size_t) capacity) : NULL;

	if (names)
		index->names = names;

	char **labels = names ? realloc(index->labels, sizeof(char *) * (size_t) capacity) : NULL;

	if (labels)
		index->labels = labels;

	long *same = labels ? realloc(index->same_birth, sizeof(long) * (size_t) capacity) : NULL;

	if (same == NULL)
		return false;
	index->same_birth = same;
	index->capacity = capacity;
	return true;
}

/* Normalised "nom prenom", for the distance between two people's names. */
static char *
participant_name(const char *nom, const char *prenom)
{
	StrBuf name = {0};

	if (!normalize_name(nom, &name) || !strbuf_putc(&name, ' ') || !normalize_name(prenom, &name))
	{
		strbuf_free(&name);
		return NULL;
	}
	return name.data;
}

static bool
participant_index_row(void *context, const DbRow *row)
{
	ParticipantIndex *index = context;
	StrBuf key = {0};
	StrBuf label = {0};
	long existing;
	long n = index->count;
	const char *birth = db_row_value(row, 3);

	if (index->count == index->capacity && !participant_index_grow(index))
		return false;
	index->ids[n] = strdup(db_row_value(row, 0));
	index->names[n] = participant_name(db_row_value(row, 1), db_row_value(row, 2));
	strbuf_printf(&label, "%s %s", db_row_value(row, 1), db_row_value(row, 2));
	index->labels[n] = label.data;
	index->same_birth[n] = strmap_get(&index->by_birth, birth, &existing) ? existing : -1;
	index->count++;

	bool ok = index->ids[n] != NULL && index->names[n] != NULL && index->labels[n] != NULL &&
		strmap_put(&index->by_birth, birth, n) &&
		participant_key(db_row_value(row, 1), db_row_value(row, 2), birth, &key);

	if (ok)
		ok = strmap_put(&index->by_name, key.data,
						strmap_get(&index->by_name, key.data, &existing) ? -1 : n);
	strbuf_free(&key);
	return ok;
}

/* The people born that day whose name is near: "« Mercier Chloé »", "" when none. */
static void
participant_near(const ParticipantIndex *index, const char *nom, const char *prenom,
				 const char *birth_date, char *out, size_t size)
{
	char *wanted = participant_name(nom, prenom);
	long at = -1;
	size_t used = 0;
	int shown = 0;

	out[0] = '\0';
	if (wanted == NULL || !strmap_get(&index->by_birth, birth_date, &at))
		at = -1;
	for (; at >= 0 && shown < 3 && used < size; at = index->same_birth[at])
		if (closest_distance(wanted, index->names[at], 2) <= 2)
			used += (size_t) snprintf(out + used, size - used, "%s« %s »", shown++ ? " ou " : "",
									  index->labels[at]);
	free(wanted);
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
		char near[256];

		participant_near(index, nom, prenom, birth_date, near, sizeof(near));
		if (near[0])
			snprintf(err, errsize, "participant introuvable : %.60s %.60s né(e) le %s : vouliez-vous "
					 "dire %s, né(e) le même jour ?", nom, prenom, birth_date, near);
		else
			snprintf(err, errsize, "participant introuvable : %.60s %.60s né(e) le %s : personne "
					 "de ce nom né(e) ce jour-là, vérifiez le nom, le prénom et la date de naissance",
					 nom, prenom, birth_date);
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
	{
		free(index->ids[i]);
		free(index->names[i]);
		free(index->labels[i]);
	}
	free(index->ids);
	free(index->names);
	free(index->labels);
	free(index->same_birth);
	strmap_free(&index->by_name);
	strmap_free(&index->by_birth);
	memset(index, 0, sizeof(*index));
}
