/*
 * Inline SVG charts of the HTML reports, drawn by hand (no script, no external file):
 * monthly bars, a cumulative curve against the line to a target, and a gauge.
 */
#ifndef CLAUSE_SVG_H
#define CLAUSE_SVG_H

#include <stdbool.h>
#include <stdio.h>

/* Bars of hours by month; labels are AAAA-MM. */
void svg_month_bars(FILE *out, const char *const *months, const double *values, int count,
					const char *title);

typedef struct SvgCumulative
{
	int period_months;			/* months of the period on the x axis (12 for a year) */
	const char *first_month;	/* AAAA-MM of the period's first month */
	const double *monthly;		/* hours of each month begun, from the first */
	int months_done;			/* how many months are begun at the date */
	double target;
	double projection;			/* year-end value at the current pace */
	bool has_projection;
	const char *title;
} SvgCumulative;

/* The cumulative curve of credited hours, the straight line to the target, the projection. */
void svg_cumulative_chart(FILE *out, const SvgCumulative *chart);

/* A half-circle gauge: ratio done (capped at 100 %), a tick at the ratio expected at the date. */
void svg_gauge(FILE *out, double ratio, double expected_ratio, const char *value_text,
			   const char *label);

/* Horizontal bars, one per label, of value / max (labels beside, value_texts at the end). */
void svg_hbars(FILE *out, const char *const *labels, const double *values,
			   const char *const *value_texts, int count, const char *title);

/* Escapes &, <, >, " for XML text and attributes. */
void svg_escape(FILE *out, const char *text);

#endif
