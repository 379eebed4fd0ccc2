/*
 * A monthly inbox: the files of a folder, each with its kind and profile, from a
 * manifest.json, from its name (NATURE[--PROFIL][_libre].csv|xlsx|json) or, whatever
 * its name, recognised by its header; in a stable order: referential kinds first, then
 * hours, by name. Files that stay in the box are listed with the reason.
 */
#ifndef CLAUSE_INBOX_H
#define CLAUSE_INBOX_H

#include <limits.h>
#include <stdbool.h>

typedef struct InboxFile
{
	char name[NAME_MAX + 1];
	char path[PATH_MAX];
	char kind[32];
	char profile[PATH_MAX];		/* a name under profiles/, or the path of a profile that
								 * recognised the file; "" when canonical */
	char label[128];			/* the profile's name for the compte-rendu */
	bool recognised;			/* by its header, not by its name or the manifest */
	int order;					/* of the kind */
} InboxFile;

/* A file the run does not import: it stays in the box, or was processed before. */
typedef struct InboxLeft
{
	char name[NAME_MAX + 1];
	char reason[1024];
	bool already_done;			/* listed by the manifest but already in traites/ */
} InboxLeft;

/* An entry of the box that clause refuses to read, and why (French). */
typedef struct InboxRefusal
{
	char name[NAME_MAX + 1];
	const char *reason;			/* static text */
} InboxRefusal;

typedef struct Inbox
{
	InboxFile *files;
	int count;
	int skipped;				/* files that stay in the box: left (not already_done) and
								 * manifest entries that say nothing usable */
	InboxRefusal *refused;		/* links, devices, profiles named by a path */
	int nrefused;
	InboxLeft *left;			/* not recognised, or processed before */
	int nleft;
} Inbox;

struct SenderProfiles;

/*
 * Lists dir: the manifest's entries (those already moved to traites/ are said so), then
 * every other file by its name, else by its header against profiles (NULL: by names
 * only). Files it cannot place are reported and listed in left.
 */
bool inbox_scan(const char *dir, const struct SenderProfiles *profiles, Inbox *inbox);
void inbox_free(Inbox *inbox);

/* A manifest's or a file name's profile is a name inside profiles/, never a path. */
bool inbox_profile_name_ok(const char *profile);

/* Parses a file name by the convention; false when it names no known kind. */
bool inbox_parse_name(const char *name, char *kind, size_t kind_size, char *profile,
					  size_t profile_size);

#endif
