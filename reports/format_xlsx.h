/*
 * Excel (xlsx) output of the reports, written with libxlsxwriter to a file path:
 * one sheet per section, frozen headers, typed numbers, a sources sheet.
 */
#ifndef CLAUSE_FORMAT_XLSX_H
#define CLAUSE_FORMAT_XLSX_H

#include <stdbool.h>

#include "reports/impact.h"
#include "reports/observatoire.h"
#include "reports/progress.h"
#include "reports/suivi.h"
#include "reports/sources.h"
#include "reports/table.h"

bool impact_write_xlsx(const ImpactReport *report, const ReportSources *sources, const char *path);
bool progress_write_xlsx(const ProgressReport *report, const ReportSources *sources, const char *path);

bool observatoire_write_xlsx(const ObservatoireReport *report, const ReportSources *sources,
							 const char *path);
bool suivi_write_xlsx(const SuiviReport *report, const ReportSources *sources, const char *path);

/* A workbook of tables, one sheet each (named), then the Sources sheet when given. */
bool tables_write_xlsx(const ReportTable *const *tables, const char *const *sheet_names, int count,
					   const char *title, const char *subtitle, const char *subject,
					   const ReportSources *sources, const char *path);

#endif
