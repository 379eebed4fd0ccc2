/*
 * CSV output of the reports, for French Excel opened with a double click: UTF-8 with
 * a BOM, ";" separators, decimal commas, one header row, no thousands separators.
 */
#ifndef CLAUSE_FORMAT_CSV_H
#define CLAUSE_FORMAT_CSV_H

#include <stdbool.h>
#include <stdio.h>

#include "reports/impact.h"
#include "reports/observatoire.h"
#include "reports/progress.h"
#include "reports/suivi.h"

/* One row per group and indicator. */
bool impact_write_csv(const ImpactReport *report, FILE *out);

/* One row per fiche and indicator. */
bool progress_write_csv(const ProgressReport *report, FILE *out);

/* Key figures, then one row per category and measure (heures, part_heures, participants). */
bool observatoire_write_csv(const ObservatoireReport *report, FILE *out);

/* The four tables in one: a column "rubrique" and the union of their columns. */
bool suivi_write_csv(const SuiviReport *report, FILE *out);

/* Low-level helpers, shared by the other CSV reports. */
void csv_write_bom(FILE *out);
/* A text cell; one a spreadsheet would take for a formula (= + - @ tab CR first) is
 * prefixed with an apostrophe. */
void csv_write_field(FILE *out, const char *value, bool first);
bool csv_text_needs_neutralising(const char *value);
/* A number, written as a number even when negative. */
void csv_write_number(FILE *out, double value, int max_decimals, bool first);
/* A number as PostgreSQL prints it ("-12.50"), with a decimal comma; text otherwise. */
void csv_write_numeric_text(FILE *out, const char *value, bool first);
void csv_end_row(FILE *out);

#endif
