/*
 * The compte-rendu of a monthly inbox run (DIR/compte-rendu.txt): per file, rows
 * read, loaded, unchanged, rejected; the lines not credited, by reason; the hours
 * credited in the months received, by marché, against heures prévues.
 */
#ifndef CLAUSE_COMPTE_RENDU_H
#define CLAUSE_COMPTE_RENDU_H

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>

#include "importers/import.h"
#include "importers/inbox.h"
#include "src/lib/db.h"

typedef struct BatchOutcome
{
	const InboxFile *file;
	ImportStatus status;
	ImportResult result;
	char rejects_path[PATH_MAX];	/* "" when none was written */
	bool moved;
	char reason[1024];			/* why the file was refused, as reported */
} BatchOutcome;

bool compte_rendu_write(Db *db, const char *dir, const BatchOutcome *outcomes, int count,
						int skipped, FILE *out);

/* Appends the entries refused for safety (links, devices, profile paths) and why. */
void compte_rendu_write_refused(const Inbox *inbox, FILE *out);

/* The files the run did not import: those that stay in the box and why, those done before. */
void compte_rendu_write_left(const Inbox *inbox, FILE *out);

#endif
