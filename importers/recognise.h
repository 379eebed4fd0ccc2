/*
 * Recognising a sender's file whatever its name: by its header, against the columns each
 * profile maps (after its title lines) and the canonical columns of each kind, with a
 * profile's "fichiers" name pattern to break ties.
 */
#ifndef CLAUSE_RECOGNISE_H
#define CLAUSE_RECOGNISE_H

#include <limits.h>
#include <stdbool.h>

#include "importers/profile.h"

typedef struct SenderProfiles
{
	Profile *profiles;
	int count;
	int invalid;				/* profiles that could not be read (reported) */
} SenderProfiles;

/* Loads every profile of home/profiles/ and of extra_dir (may be NULL). */
bool recognise_load_profiles(SenderProfiles *set, const char *home, const char *extra_dir);
void recognise_free_profiles(SenderProfiles *set);

typedef struct SenderGuess
{
	char kind[32];
	char profile[PATH_MAX];		/* the profile's path; "" for a canonical file */
	char label[128];			/* the profile's name, for the compte-rendu */
	char reason[1024];			/* when not recognised: why, in French */
} SenderGuess;

/*
 * Finds the one profile (or canonical kind) whose columns the file's header holds.
 * False when none or several do: guess->reason says which and what is missing.
 */
bool recognise_file(const SenderProfiles *set, const char *path, const char *name,
					SenderGuess *guess);

#endif
