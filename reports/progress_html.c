/*
 * The PLIE director's dashboard (clause report progress --format html): per fiche, the
 * cumulative curve of credited hours against the line to the target, the year-end
 * projection, and a gauge per counted indicator.
 */
#include <stdlib.h>
#include <string.h>

#include "reports/format_html.h"
#include "reports/svg.h"
#include "src/lib/format.h"
#include "src/lib/log.h"

/* Months from AAAA-MM-JJ a to AAAA-MM-JJ b, both counted (2021-01-01, 2021-12-31: 12). */
static int
months_between(const char *a, const char *b)
{
	int ya = 0, ma = 0, yb = 0, mb = 0;

	if (sscanf(a, "%4d-%2d", &ya, &ma) != 2 || sscanf(b, "%4d-%2d", &yb, &mb) != 2)
		return 0;
	return (yb - ya) * 12 + (mb - ma) + 1;
}

static void
progress_hours_chart(FILE *out, const ProgressReport *report, const ProgressIndicator *hours)
{
	int n = months_between(hours->period_start, hours->period_end);
	int done = hours->as_of[0] && strcmp(hours->as_of, hours->period_start) >= 0 ?
		months_between(hours->period_start, hours->as_of) : 0;

	if (n <= 0 || n > 120)
		return;
	if (done > n)
		done = n;

	double *monthly = calloc((size_t) n, sizeof(double));

	if (monthly == NULL)
	{
		log_error("mémoire insuffisante");
		return;
	}
	for (int i = 0; i < report->nmonths; i++)
	{
		const ProgressMonth *month = &report->months[i];
		char start[8];

		snprintf(start, sizeof(start), "%.7s", hours->period_start);
		if (month->fiche_id != hours->fiche_id)
			continue;

		int index = months_between(start, month->month) - 1;

		if (index >= 0 && index < n)
			monthly[index] += month->hours;
	}

	char first[8], title[320];

	snprintf(first, sizeof(first), "%.7s", hours->period_start);
	snprintf(title, sizeof(title), "Heures d'insertion créditées, cumul mensuel — fiche %s", hours->fiche);

	SvgCumulative chart = {
		.period_months = n, .first_month = first, .monthly = monthly, .months_done = done,
		.target = hours->target, .projection = hours->projection,
		.has_projection = hours->has_projection, .title = title
	};

	svg_cumulative_chart(out, &chart);
	free(monthly);
}

static void
progress_number(const ProgressIndicator *item, double value, char *out, size_t outsize)
{
	(void) item;
	format_fr_number_max(value, 1, out, outsize);
}

static void
progress_fiche_section(FILE *out, const ProgressReport *report, int first, int end)
{
	const ProgressIndicator *head = &report->items[first];
	const ProgressIndicator *hours = NULL;
	char text[64], target[64], expected[64], projection[64], realised[64], ratio[64];

	for (int i = first; i < end; i++)
		if (report->items[i].tracked && strcmp(report->items[i].key, "heures") == 0)
			hours = &report->items[i];

	fputs("<section class=\"fiche\">\n<h2>", out);
	html_escape(out, head->fiche);
	fputs(" — ", out);
	html_escape(out, head->titre);
	fputs("</h2>\n<p class=\"meta\">", out);
	html_escape(out, head->plie);
	{
		char start[16], finish[16];

		format_fr_date(head->period_start, start, sizeof(start));
		format_fr_date(head->period_end, finish, sizeof(finish));
		fprintf(out, " — période du %s au %s", start, finish);
	}
	if (head->etp_declared || head->per_etp)
	{
		format_fr_number_trim(head->etp, 2, text, sizeof(text));
		fprintf(out, " — %s ETP de facilitateur%s", text, head->etp_declared ? " déclarés" : " (non déclaré, 1 par défaut)");
	}
	fputs("</p>\n", out);

	if (hours)
	{
		progress_hours_chart(out, report, hours);
		progress_number(hours, hours->realised, realised, sizeof(realised));
		progress_number(hours, hours->target, target, sizeof(target));
		progress_number(hours, hours->expected, expected, sizeof(expected));
		fprintf(out, "<div class=\"cards\">\n<div class=\"card\"><div>Heures créditées</div>"
				"<div class=\"big\">%s</div><div class=\"sub\">cible %s h</div></div>\n", realised, target);
		fprintf(out, "<div class=\"card\"><div>Attendu à la date</div><div class=\"big\">%s</div>"
				"<div class=\"sub\">cible au prorata des jours écoulés</div></div>\n", expected);
		if (hours->has_projection)
		{
			progress_number(hours, hours->projection, projection, sizeof(projection));
			format_fr_percent(hours->target > 0 ? hours->projection / hours->target : 0, ratio, sizeof(ratio));
			fprintf(out, "<div class=\"card\"><div>Projection fin de période</div><div class=\"big\">%s</div>"
					"<div class=\"sub\">%s de la cible, au rythme actuel</div></div>\n", projection, ratio);
		}
		fputs("</div>\n", out);
	}

	fputs("<div class=\"gauges\">\n", out);
	for (int i = first; i < end; i++)
	{
		const ProgressIndicator *item = &report->items[i];
		char label[160];

		if (!item->tracked)
			continue;
		format_fr_percent(item->ratio, ratio, sizeof(ratio));
		progress_number(item, item->realised, realised, sizeof(realised));
		progress_number(item, item->target, target, sizeof(target));
		snprintf(label, sizeof(label), "%s / %s", realised, target);
		fputs("<figure>\n", out);
		svg_gauge(out, item->ratio, item->target > 0 ? item->expected / item->target : 0, ratio, label);
		fputs("<figcaption>", out);
		html_escape(out, item->label);
		fputs("</figcaption>\n</figure>\n", out);
	}
	fputs("</div>\n", out);

	fputs("<table>\n<tr><th>Indicateur</th><th class=\"n\">Cible</th><th class=\"n\">Réalisé</th>"
		  "<th class=\"n\">Taux</th><th class=\"n\">Attendu</th><th class=\"n\">Projection</th></tr>\n", out);
	for (int i = first; i < end; i++)
	{
		const ProgressIndicator *item = &report->items[i];

		fputs("<tr><td>", out);
		html_escape(out, item->label);
		fputs(" <small>(", out);
		html_escape(out, item->unit);
		progress_number(item, item->target, target, sizeof(target));
		fprintf(out, ")</small></td><td class=\"n\">%s</td>", target);
		if (!item->tracked)
		{
			fputs("<td colspan=\"4\" class=\"masked\">non suivi par clause</td></tr>\n", out);
			continue;
		}
		progress_number(item, item->realised, realised, sizeof(realised));
		progress_number(item, item->expected, expected, sizeof(expected));
		format_fr_percent(item->ratio, ratio, sizeof(ratio));
		if (item->has_projection)
			progress_number(item, item->projection, projection, sizeof(projection));
		else
			snprintf(projection, sizeof(projection), "—");
		fprintf(out, "<td class=\"n\">%s</td><td class=\"n\">%s</td><td class=\"n\">%s</td>"
				"<td class=\"n\">%s</td></tr>\n", realised, ratio, expected, projection);
	}
	fputs("</table>\n</section>\n", out);
}

/* Hours no fiche takes and territories carried from an earlier year (DOMAIN.md, "Years"). */
static void
progress_html_notes(FILE *out, const ProgressReport *report)
{
	if (report->norphans > 0)
		fputs("<section>\n<h2>Heures créditées sans fiche</h2>\n<ul>\n", out);
	for (int i = 0; i < report->norphans; i++)
	{
		const ProgressOrphan *orphan = &report->orphans[i];
		char hours[32];

		format_fr_number_trim(orphan->hours, 1, hours, sizeof(hours));
		fputs("<li>", out);
		html_escape(out, orphan->plie);
		fprintf(out, " : %s h, %lld ligne%s — ", hours, orphan->lines, fr_s(orphan->lines));
		html_escape(out, orphan->reason);
		fputs("</li>\n", out);
	}
	if (report->norphans > 0)
		fputs("</ul>\n</section>\n", out);
	for (int i = 0; i < report->nfallbacks; i++)
	{
		fputs("<p class=\"note\">Territoire ", out);
		fprintf(out, "%d de ", report->year);
		html_escape(out, report->fallbacks[i].plie);
		fprintf(out, " non chargé : celui de %d s'applique.</p>\n", report->fallbacks[i].territory_year);
	}
}

bool
progress_write_html(const ProgressReport *report, const ReportSources *sources, FILE *out)
{
	char title[128], as_of[16], extracted[16];

	format_fr_date(report->count ? report->items[0].as_of : report->as_of, as_of, sizeof(as_of));
	format_fr_date(sources->extracted, extracted, sizeof(extracted));
	snprintf(title, sizeof(title), "Avancement des fiches opération %d", report->year);

	html_begin(out, title);
	fprintf(out, "<header>\n<h1>%s</h1>\n<p class=\"meta\">Tableau de bord des clauses d'insertion des PLIE, "
			"calculé au %s — extraction du %s</p>\n</header>\n", title, as_of, extracted);
	if (report->count == 0)
		fputs("<p>Aucune fiche clause pour cette année ou ce PLIE.</p>\n", out);

	for (int first = 0; first < report->count;)
	{
		int end = first + 1;

		while (end < report->count && report->items[end].fiche_id == report->items[first].fiche_id)
			end++;
		progress_fiche_section(out, report, first, end);
		first = end;
	}
	progress_html_notes(out, report);
	fputs("<p class=\"note\">Réalisé : heures créditées (travaillées + formation) des mois commencés à la date ; "
		  "comptes : actifs entre le début de la période et la date. Attendu (trait noir des jauges) : cible au "
		  "prorata des jours écoulés. Projection : heures au rythme actuel jusqu'à la fin de la période ; comptes : "
		  "actifs à un moment de la période, d'après les marchés connus.</p>\n", out);
	html_end(out, sources);
	return !ferror(out);
}
