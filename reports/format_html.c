/*
 * The HTML page skeleton shared by the reports (inline CSS with print rules, footer with
 * sources) and the tableau d'impact page. Polyglot markup: it also parses as XML.
 */
#include <string.h>

#include "format.h"
#include "format_html.h"
#include "svg.h"

static const char HTML_STYLE[] =
	"@page { size: A4; margin: 12mm; }\n"
	"* { box-sizing: border-box; }\n"
	"body { font-family: 'DejaVu Sans', Arial, Helvetica, sans-serif; font-size: 13px; color: #222;"
	" margin: 0 auto; max-width: 1040px; padding: 16px 24px; background: #fff; }\n"
	"header { border-bottom: 3px solid #1f6f8b; margin-bottom: 14px; padding-bottom: 6px; }\n"
	"h1 { font-size: 22px; margin: 0 0 4px; color: #1f6f8b; }\n"
	"h2 { font-size: 18px; margin: 22px 0 8px; color: #1f6f8b; border-bottom: 1px solid #cfdde3; }\n"
	"h3 { font-size: 15px; margin: 16px 0 6px; }\n"
	"p.meta { margin: 2px 0; color: #555; }\n"
	".cards { display: flex; flex-wrap: wrap; gap: 10px; margin: 12px 0; }\n"
	".card { flex: 1 1 150px; border: 1px solid #cfdde3; border-radius: 6px; padding: 8px 10px; background: #f5f9fb; }\n"
	".card .big { font-size: 22px; font-weight: bold; color: #1f6f8b; white-space: nowrap; }\n"
	".card .sub { color: #555; font-size: 12px; }\n"
	"table { border-collapse: collapse; width: 100%; margin: 6px 0 10px; }\n"
	"th, td { border-bottom: 1px solid #e1e6ea; padding: 3px 6px; text-align: left; vertical-align: top; }\n"
	"th { background: #eaf1f4; font-size: 12px; }\n"
	"td.n, th.n { text-align: right; white-space: nowrap; }\n"
	"td.masked { color: #888; font-style: italic; }\n"
	".bar { display: inline-block; height: 8px; background: #1f6f8b; vertical-align: middle; margin-right: 4px; }\n"
	".bar.over { background: #2e8540; }\n"
	".grid2 { display: flex; gap: 16px; flex-wrap: wrap; }\n"
	".grid2 > div { flex: 1 1 300px; }\n"
	".group { border: 1px solid #e1e6ea; border-radius: 6px; padding: 4px 12px 8px; margin: 10px 0; }\n"
	".group h3 small { font-weight: normal; color: #666; }\n"
	"svg.chart { width: 100%; height: auto; max-height: 320px; }\n"
	"svg.gauge { width: 170px; height: auto; }\n"
	"svg text { font-family: 'DejaVu Sans', Arial, sans-serif; fill: #333; }\n"
	"svg .title { font-size: 14px; font-weight: bold; }\n"
	"svg .axis { font-size: 11px; fill: #555; }\n"
	"svg .small { font-size: 9px; }\n"
	"svg .value { font-size: 10px; fill: #1f6f8b; }\n"
	"svg .legend { font-size: 11px; }\n"
	"svg .grid { stroke: #e6e6e6; stroke-width: 1; }\n"
	"svg .baseline { stroke: #888; stroke-width: 1; }\n"
	"svg .gauge-value { font-size: 24px; font-weight: bold; }\n"
	"svg .gauge-label { font-size: 12px; fill: #555; }\n"
	".gauges { display: flex; flex-wrap: wrap; gap: 8px; }\n"
	".gauges figure { margin: 0; text-align: center; width: 190px; }\n"
	".gauges figcaption { font-size: 12px; }\n"
	".note { color: #555; font-size: 12px; }\n"
	"footer { margin-top: 24px; border-top: 1px solid #cfdde3; padding-top: 6px; font-size: 11px; color: #555; }\n"
	"footer table { font-size: 10px; }\n"
	"footer td { font-family: 'DejaVu Sans Mono', monospace; }\n"
	"@media print { body { max-width: none; padding: 0; font-size: 11px; }"
	" .group, figure, svg, table, .cards { break-inside: avoid; }"
	" h2 { break-after: avoid; } section.level { break-before: page; }"
	" .card { background: #fff; } }\n";

void
html_escape(FILE *out, const char *text)
{
	svg_escape(out, text);
}

void
html_begin(FILE *out, const char *title)
{
	fputs("<!DOCTYPE html>\n<html lang=\"fr\">\n<head>\n<meta charset=\"utf-8\"/>\n"
		  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n<title>", out);
	html_escape(out, title);
	fputs("</title>\n<style>\n", out);
	fputs(HTML_STYLE, out);
	fputs("</style>\n</head>\n<body>\n", out);
}

void
html_end(FILE *out, const ReportSources *sources)
{
	char extracted[16];

	format_fr_date(sources->extracted, extracted, sizeof(extracted));
	fprintf(out, "<footer>\n<p>Extraction du %s par clause. Chiffres issus des lots importés suivants :</p>\n",
			extracted);
	fputs("<table>\n<tr><th>Lot</th><th>Nature</th><th>Fichier</th><th>Importé le</th><th>SHA-256</th></tr>\n", out);
	for (int i = 0; i < sources->count; i++)
	{
		const ReportSource *source = &sources->items[i];

		fprintf(out, "<tr><td>%lld</td><td>", source->lot);
		html_escape(out, source->nature);
		fputs("</td><td>", out);
		html_escape(out, source->file);
		fputs("</td><td>", out);
		html_escape(out, source->imported);
		fputs("</td><td>", out);
		html_escape(out, source->sha256);
		fputs("</td></tr>\n", out);
	}
	fputs("</table>\n</footer>\n</body>\n</html>\n", out);
}

/* A table cell with the value of key, or an empty cell. */
static void
impact_cell(FILE *out, const ImpactReport *report, const ImpactGroup *group, const char *key)
{
	const ImpactValue *value = impact_value(group, key);
	char text[64] = "";

	if (value)
		impact_value_text(report, value, text, sizeof(text));
	fprintf(out, "<td class=\"n%s\">", value && value->masked ? " masked" : "");
	html_escape(out, text);
	fputs("</td>", out);
}

/* The rate of completion with a bar, capped at 100 % for the bar. */
static void
impact_rate_cell(FILE *out, const ImpactReport *report, const ImpactGroup *group)
{
	const ImpactValue *rate = impact_value(group, "taux_realisation");
	char text[64] = "—";

	if (rate)
		impact_value_text(report, rate, text, sizeof(text));
	fputs("<td class=\"n\">", out);
	if (rate && !rate->is_null)
	{
		double width = rate->value > 1 ? 1 : rate->value;

		fprintf(out, "<span class=\"bar%s\" style=\"width: %.0fpx\"></span>",
				rate->value >= 1 ? " over" : "", width * 60);
	}
	html_escape(out, text);
	fputs("</td>", out);
}

static void
impact_cards(FILE *out, const ImpactReport *report, const ImpactGroup *total)
{
	static const struct
	{
		const char *key;
		const char *title;
	} cards[] = {
		{"heures_realisees", "Heures réalisées"},
		{"taux_realisation", "Taux de réalisation"},
		{"etp", "Équivalents temps plein"},
		{"participants", "Participants"},
		{"contrats", "Contrats"},
	};
	char text[64], planned[64], training[64];

	impact_value_text(report, impact_value(total, "heures_prevues"), planned, sizeof(planned));
	impact_value_text(report, impact_value(total, "heures_formation"), training, sizeof(training));
	fputs("<div class=\"cards\">\n", out);
	for (size_t i = 0; i < sizeof(cards) / sizeof(cards[0]); i++)
	{
		const ImpactValue *value = impact_value(total, cards[i].key);

		if (value == NULL)
			continue;
		impact_value_text(report, value, text, sizeof(text));
		fprintf(out, "<div class=\"card\"><div>%s</div><div class=\"big\">", cards[i].title);
		html_escape(out, text);
		fputs("</div><div class=\"sub\">", out);
		if (i == 0)
			fprintf(out, "sur %s h prévues, dont %s h de formation", planned, training);
		else if (i == 1)
			fputs("heures réalisées ÷ heures prévues", out);
		else if (i == 2)
		{
			format_fr_number_trim(report->hours_per_etp, 2, text, sizeof(text));
			fprintf(out, "heures ÷ %s", text);
		}
		else if (i == 3)
			fputs("personnes distinctes", out);
		else
			fputs("participant × employeur × type", out);
		fputs("</div></div>\n", out);
	}
	fputs("</div>\n", out);
}

/* A two-column table of a rubrique's values (criteria, profile…). */
static void
impact_rubrique_table(FILE *out, const ImpactReport *report, const ImpactGroup *group,
					  const char *rubrique)
{
	fprintf(out, "<table>\n<tr><th>%s</th>", impact_rubrique_title(rubrique));
	if (strcmp(rubrique, "contrats") == 0)
		fputs("<th class=\"n\">Contrats</th><th class=\"n\">Heures</th></tr>\n", out);
	else
		fprintf(out, "<th class=\"n\">%s</th></tr>\n",
				strcmp(rubrique, "modalites") == 0 ? "Heures" : "Participants");
	for (int i = 0; i < group->count; i++)
	{
		const ImpactValue *value = &group->values[i];
		char text[64];

		if (strcmp(value->rubrique, rubrique) != 0)
			continue;
		fputs("<tr><td>", out);
		html_escape(out, value->label);
		impact_value_text(report, value, text, sizeof(text));
		fprintf(out, "</td><td class=\"n%s\">", value->masked ? " masked" : "");
		html_escape(out, text);
		fputs("</td>", out);
		if (strcmp(rubrique, "contrats") == 0 && i + 1 < group->count)
		{
			impact_value_text(report, &group->values[i + 1], text, sizeof(text));
			fputs("<td class=\"n\">", out);
			html_escape(out, text);
			fputs("</td>", out);
			i++;
		}
		fputs("</tr>\n", out);
	}
	fputs("</table>\n", out);
}

static void
impact_month_chart(FILE *out, const ImpactGroup *group, const char *title)
{
	const char *months[240];
	double values[240];
	int count = 0;

	for (int i = 0; i < group->count && count < 240; i++)
		if (strcmp(group->values[i].rubrique, "mois") == 0)
		{
			months[count] = group->values[i].label;
			values[count++] = group->values[i].value;
		}
	if (count > 0)
		svg_month_bars(out, months, values, count, title);
}

/* One group: its profile, criteria, contracts, modalités and months. */
static void
impact_group_detail(FILE *out, const ImpactReport *report, const ImpactGroup *group, bool chart)
{
	if (chart)
		impact_month_chart(out, group, "Heures réalisées par mois");
	fputs("<div class=\"grid2\">\n<div>\n", out);
	impact_rubrique_table(out, report, group, "personnes");
	impact_rubrique_table(out, report, group, "profil");
	impact_rubrique_table(out, report, group, "modalites");
	fputs("</div>\n<div>\n", out);
	impact_rubrique_table(out, report, group, "criteres");
	impact_rubrique_table(out, report, group, "contrats");
	fputs("</div>\n</div>\n", out);
	if (!chart)
	{
		fputs("<p class=\"note\">Heures par mois : ", out);
		for (int i = 0, n = 0; i < group->count; i++)
			if (strcmp(group->values[i].rubrique, "mois") == 0)
			{
				char month[32], text[64];

				format_fr_month(group->values[i].label, month, sizeof(month));
				impact_value_text(report, &group->values[i], text, sizeof(text));
				fprintf(out, "%s%s : ", n++ ? " · " : "", month);
				html_escape(out, text);
				fputs(" h", out);
			}
		fputs("</p>\n", out);
	}
}

static void
impact_level_section(FILE *out, const ImpactReport *report, const char *level)
{
	static const char *const keys[] = {
		"heures_prevues", "heures_realisees", "heures_formation", NULL, "etp", "participants",
		"contrats", "femmes", "hommes", "age_moins_26", "age_26_49", "age_50_plus", "qpv"
	};
	static const char *const titles[] = {
		"Prévues", "Réalisées", "dont form.", "Taux", "ETP", "Part.", "Contrats", "F", "H",
		"&lt; 26", "26–49", "50 +", "QPV"
	};
	int n = (int) (sizeof(keys) / sizeof(keys[0]));

	fprintf(out, "<section class=\"level\">\n<h2>%s</h2>\n<table>\n<tr><th>%s</th>",
			impact_level_plural(level), impact_level_title(level));
	for (int k = 0; k < n; k++)
		fprintf(out, "<th class=\"n\">%s</th>", titles[k]);
	fputs("</tr>\n", out);
	for (int g = 0; g < report->count; g++)
	{
		const ImpactGroup *group = &report->groups[g];

		if (strcmp(group->level, level) != 0)
			continue;
		fputs("<tr><td>", out);
		html_escape(out, group->label);
		fputs("</td>", out);
		for (int k = 0; k < n; k++)
		{
			if (keys[k] == NULL)
				impact_rate_cell(out, report, group);
			else
				impact_cell(out, report, group, keys[k]);
		}
		fputs("</tr>\n", out);
	}
	fputs("</table>\n", out);
	for (int g = 0; g < report->count; g++)
	{
		const ImpactGroup *group = &report->groups[g];

		if (strcmp(group->level, level) != 0)
			continue;
		fprintf(out, "<div class=\"group\">\n<h3>%s : ", impact_level_title(level));
		html_escape(out, group->label);
		fputs(" <small>", out);
		html_escape(out, group->id);
		if (group->detail[0])
		{
			fputs(" — ", out);
			html_escape(out, group->detail);
		}
		fputs("</small></h3>\n", out);
		impact_group_detail(out, report, group, false);
		fputs("</div>\n", out);
	}
	fputs("</section>\n", out);
}

bool
impact_write_html(const ImpactReport *report, const ReportSources *sources, FILE *out)
{
	char title[512], period[128], extracted[16], etp[32];
	const ImpactGroup *total = NULL;

	for (int g = 0; g < report->count && total == NULL; g++)
		if (strcmp(report->groups[g].level, "total") == 0)
			total = &report->groups[g];

	snprintf(title, sizeof(title), "Tableau d'impact — %s", report->donneur_nom);
	impact_period_text(report, period, sizeof(period));
	format_fr_date(sources->extracted, extracted, sizeof(extracted));
	format_fr_number_trim(report->hours_per_etp, 2, etp, sizeof(etp));

	html_begin(out, title);
	fputs("<header>\n<h1>Tableau d'impact des clauses sociales d'insertion</h1>\n<p class=\"meta\"><strong>", out);
	html_escape(out, report->donneur_nom);
	fputs("</strong> (", out);
	html_escape(out, report->donneur);
	fputs(")", out);
	if (report->operation[0])
	{
		fputs(" — opération ", out);
		html_escape(out, report->operation);
	}
	fputs("</p>\n<p class=\"meta\">Période : ", out);
	html_escape(out, period);
	fprintf(out, " — extraction du %s</p>\n</header>\n", extracted);

	if (total == NULL)
		fputs("<p>Aucun marché de ce donneur d'ordre sur cette période.</p>\n", out);
	else
	{
		impact_cards(out, report, total);
		fputs("<section>\n<h2>Ensemble des marchés</h2>\n", out);
		impact_group_detail(out, report, total, true);
		fputs("</section>\n", out);
		impact_level_section(out, report, "operation");
		impact_level_section(out, report, "marche");
		impact_level_section(out, report, "entreprise");
	}
	fprintf(out, "<p class=\"note\">Heures réalisées : heures créditées (travaillées + formation) ; "
			"ETP = heures ÷ %s. Âge à la première heure sur le périmètre. Données agrégées : "
			"aucun participant n'est nommé ; tout effectif de 1 à %d personnes est masqué (&lt; %d).</p>\n",
			etp, report->threshold - 1, report->threshold);
	html_end(out, sources);
	return !ferror(out);
}
