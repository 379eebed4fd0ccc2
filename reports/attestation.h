/*
 * The attestation of hours a facilitateur gives a company at the end of its marché
 * (clause report attestation), from sql/views/37_attestation.sql: printable A4 HTML, xlsx.
 */
#ifndef CLAUSE_ATTESTATION_H
#define CLAUSE_ATTESTATION_H

#include <stdbool.h>
#include <stdio.h>

#include "reports/sources.h"
#include "reports/table.h"
#include "src/lib/db.h"

/* Columns of attestation_total(), in order. */
typedef enum
{
	ATT_MARCHE, ATT_LOT, ATT_INTITULE, ATT_OPERATION, ATT_DONNEUR, ATT_ATTRIBUTAIRE_SIRET,
	ATT_ATTRIBUTAIRE, ATT_FORME, ATT_DEBUT, ATT_FIN, ATT_PLIE, ATT_PLIE_NOM, ATT_PREVUES,
	ATT_REALISEES, ATT_TRAVAILLEES, ATT_FORMATION, ATT_PARTICIPANTS, ATT_CONTRATS, ATT_SEUIL,
	ATT_COLUMNS
} AttestationField;

typedef struct AttestationReport
{
	char siret[16];				/* "" for the whole marché */
	char employer[256];			/* the employer's name when one is asked */
	ReportTable total;			/* one row of ATT_COLUMNS */
	ReportTable employers;
	ReportTable modalites;
	ReportSources sources;
} AttestationReport;

/* The marché (and employer) must exist: checked by the caller. */
bool attestation_load(Db *db, const char *marche, const char *siret, AttestationReport *report);
void attestation_free(AttestationReport *report);

/* A field of the total row, "" when NULL. */
const char *attestation_field(const AttestationReport *report, AttestationField field);

bool attestation_write_html(const AttestationReport *report, FILE *out);
bool attestation_write_xlsx(const AttestationReport *report, const char *path);

#endif
