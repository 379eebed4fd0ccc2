/*
 * Participants by normalised nom + prénom + date de naissance, loaded once per batch,
 * for senders whose files carry names instead of participant ids.
 */
#ifndef CLAUSE_PARTICIPANT_INDEX_H
#define CLAUSE_PARTICIPANT_INDEX_H

#include <stdbool.h>
#include <stddef.h>

#include "importers/strmap.h"
#include "src/lib/db.h"

typedef struct ParticipantIndex
{
	StrMap by_name;				/* key -> index in ids, or -1 when two people share it */
	StrMap by_birth;			/* date -> the last index born that day */
	char **ids;
	char **names;				/* normalised "nom prenom", to suggest a near one */
	char **labels;				/* "Nom Prénom" as stored */
	long *same_birth;			/* the previous index born the same day, or -1 */
	long count;
	long capacity;
} ParticipantIndex;

bool participant_index_load(Db *db, ParticipantIndex *index);

/*
 * A ParticipantLookup: the id, or NULL with a French reason in err; when no one has
 * that name and birth date, the people born that day whose name is one or two letters
 * away are suggested.
 */
const char *participant_index_lookup(void *context, const char *nom, const char *prenom,
									 const char *birth_date, char *err, size_t errsize);

void participant_index_free(ParticipantIndex *index);

#endif
