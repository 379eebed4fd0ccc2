/*
 * HTML output of the reports: one self-contained file (inline CSS and SVG, no script,
 * no external request) that opens offline and prints on A4; French labels.
 */
#ifndef CLAUSE_FORMAT_HTML_H
#define CLAUSE_FORMAT_HTML_H

#include <stdbool.h>
#include <stdio.h>

#include "reports/impact.h"
#include "reports/observatoire.h"
#include "reports/progress.h"
#include "reports/suivi.h"
#include "reports/sources.h"

bool impact_write_html(const ImpactReport *report, const ReportSources *sources, FILE *out);
bool progress_write_html(const ProgressReport *report, const ReportSources *sources, FILE *out);
bool observatoire_write_html(const ObservatoireReport *report, const ReportSources *sources, FILE *out);
bool suivi_write_html(const SuiviReport *report, const ReportSources *sources, FILE *out);

/* Shared by the HTML writers. */
void html_escape(FILE *out, const char *text);
void html_begin(FILE *out, const char *title);
/*
 * clause serve: markup written right after <body> by every page begun on this thread
 * (with the CSS of forms), or NULL for none; the caller keeps it alive meanwhile.
 */
void html_set_nav(const char *nav);
/* Closes a page that has no sources footer. */
void html_close(FILE *out);
/* Footer with the extraction date and the source batches, then closes the document. */
void html_end(FILE *out, const ReportSources *sources);

#endif
