/*
 * Reading one DECP marché, internal to the DECP import (decp.c): the fields clause keeps,
 * its social considerations, its titulaires and its buyer's type, from the parsed marché.
 */
#ifndef CLAUSE_DECP_RECORD_H
#define CLAUSE_DECP_RECORD_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "importers/decp.h"

#define DECP_MAX_TITULAIRES 50
#define DECP_NAME_SIZE 512
#define DECP_OBJET_SIZE 4096

typedef struct DecpTitulaire
{
	char siret[15];
	char nom[DECP_NAME_SIZE];	/* "" when not given */
} DecpTitulaire;

/* One marché as read, its texts valid while its cJSON tree lives. */
typedef struct DecpRecord
{
	char id[128];
	char uid[256];
	char acheteur_id[128];
	char acheteur_nom[DECP_NAME_SIZE];
	const char *acheteur_type;	/* inferred when certain, else NULL */
	char objet[DECP_OBJET_SIZE];
	char date_debut[11];
	int duree_mois;				/* 0 when unknown */
	char montant[32];			/* "" when unknown */
	char lieu_code[32];
	const char *lieu_type;
	bool clause, critere, reserve;
	int ntitulaires;
	DecpTitulaire titulaires[DECP_MAX_TITULAIRES];
} DecpRecord;

/*
 * Reads the parsed marché root into rec. Returns false with *column and err set when the
 * marché must be rejected; *skip says it is to be ignored instead. The marchés ignored,
 * titulaires left out and durations missing are added to counts. When a kept marché left
 * a titulaire out, note says which (else ""). err and note hold VALIDATE_ERR_SIZE bytes.
 */
bool decp_record_read(const cJSON *root, DecpRecord *rec, DecpCounts *counts, const char **column,
					  char *err, char *note, bool *skip);

/*
 * Copies text with control characters as spaces, runs of spaces as one, trimmed, cut on
 * a UTF-8 boundary when too long. in and out may be the same buffer.
 */
void decp_record_clean_text(const char *in, char *out, size_t size);

#endif
