/*
 * Import of DECP files (données essentielles de la commande publique, JSON, 2019 and
 * 2022 schemas): the marchés with a social consideration, their buyers and titulaires.
 */
#ifndef CLAUSE_DECP_H
#define CLAUSE_DECP_H

#include <stdbool.h>

#include "importers/import.h"
#include "src/lib/db.h"

/* What one DECP import read, beyond ImportResult (marchés are its "rows"). */
typedef struct DecpCounts
{
	long long ignored_no_social;	/* no "Clause sociale", "Critère social" nor "Marché réservé" */
	long long ignored_concessions;	/* contrats de concession: not marchés */
	long long duplicates;			/* same uid again in the file: the last occurrence wins */
	long long titulaires_skipped;	/* not identified by a valid SIRET */
	long long without_duration;		/* no dureeMois: date_fin = date_debut */
} DecpCounts;

/*
 * Imports path as one batch of nature 'decp' in one transaction. Marchés with a social
 * consideration are created or updated, with their donneur d'ordre and titulaires;
 * bad marchés go to rejet (ligne = the marché's ordinal in the file). A file already
 * imported (same SHA-256) is IMPORT_ALREADY_DONE. strict: one rejected marché refuses
 * the whole file. counts may be NULL. Messages go to the log.
 */
ImportStatus import_decp_file(Db *db, const char *path, bool strict, int max_reported,
							  ImportResult *result, DecpCounts *counts);

#endif
