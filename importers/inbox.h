/*
 * A monthly inbox: the files of a folder, each with its kind and profile, from its
 * name (NATURE[--PROFIL][_libre].csv|json) or from a manifest.json, in a stable order:
 * referential kinds first, then hours, by name.
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
	char profile[128];			/* "" when canonical */
	int order;					/* of the kind */
} InboxFile;

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
	int skipped;				/* files whose name or manifest entry says nothing usable */
	InboxRefusal *refused;		/* links, devices, profiles named by a path */
	int nrefused;
} Inbox;

/* Lists dir; files it cannot place are reported and counted in skipped. */
bool inbox_scan(const char *dir, Inbox *inbox);
void inbox_free(Inbox *inbox);

/* A manifest's or a file name's profile is a name inside profiles/, never a path. */
bool inbox_profile_name_ok(const char *profile);

/* Parses a file name by the convention; false when it names no known kind. */
bool inbox_parse_name(const char *name, char *kind, size_t kind_size, char *profile,
					  size_t profile_size);

#endif
