/*
 * The HTML page skeleton shared by the reports (inline CSS with print rules, footer with
 * sources), the tableau d'impact, observatoire and monthly sheet pages. Polyglot markup: it also parses as XML.
 */
#include <stdlib.h>
#include <string.h>

#include "reports/format_html.h"
#include "reports/svg.h"
#include "src/lib/format.h"

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

/* The navigation of clause serve's pages, set around a page by the server's thread. */
static _Thread_local const char *html_nav;

/* Forms and navigation of clause serve: fluid, for a phone too; only with a nav. */
static const char HTML_WEB_STYLE[] =
	"nav.web { display: flex; flex-wrap: wrap; gap: 6px 14px; align-items: center;"
	" border-bottom: 1px solid #cfdde3; padding: 0 0 8px; margin-bottom: 12px; }\n"
	"nav.web a { color: #1f6f8b; }\n"
	"nav.web .who { color: #555; margin-right: auto; }\n"
	"nav.web form { margin: 0; }\n"
	"form.web { display: flex; flex-wrap: wrap; gap: 8px; align-items: end; margin: 10px 0; }\n"
	"form.web label { display: flex; flex-direction: column; font-size: 12px; color: #555; }\n"
	"form.web label.confirm { flex-direction: row; gap: 6px; align-items: center; }\n"
	"details summary { cursor: pointer; color: #1f6f8b; }\n"
	"input, button, select { font: inherit; padding: 6px 8px; max-width: 100%; }\n"
	"button { background: #1f6f8b; color: #fff; border: 0; border-radius: 4px; }\n"
	"pre { white-space: pre-wrap; overflow-x: auto; background: #f5f9fb; padding: 8px; font-size: 12px; }\n"
	".message { border-left: 4px solid #b35c00; padding: 4px 10px; background: #fff6ec; }\n"
	".scroll { overflow-x: auto; }\n"
	"@media (max-width: 600px) { body { padding: 8px; } table { font-size: 11px; } }\n";

void
html_set_nav(const char *nav)
{
	html_nav = nav;
}

void
html_close(FILE *out)
{
	fputs("</body>\n</html>\n", out);
}

void
html_begin(FILE *out, const char *title)
{
	fputs("<!DOCTYPE html>\n<html lang=\"fr\">\n<head>\n<meta charset=\"utf-8\"/>\n"
		  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n<title>", out);
	html_escape(out, title);
	fputs("</title>\n<style>\n", out);
	fputs(HTML_STYLE, out);
	if (html_nav)
		fputs(HTML_WEB_STYLE, out);
	fputs("</style>\n</head>\n<body>\n", out);
	if (html_nav)
		fputs(html_nav, out);
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
		if (source->cancelled[0])
		{
			fputs(" — ", out);
			html_escape(out, source->cancelled);
		}
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
			fputs("reçus, sinon participant × employeur × type", out);
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
				strcmp(rubrique, "modalites") == 0 ? "Heures" :
				strncmp(rubrique, "contrats_", 9) == 0 ? "Contrats" : "Participants");
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

/* The group has values of that rubrique (contracts by length and end: only when sent). */
static bool
impact_has_rubrique(const ImpactGroup *group, const char *rubrique)
{
	for (int i = 0; i < group->count; i++)
		if (strcmp(group->values[i].rubrique, rubrique) == 0)
			return true;
	return false;
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
	if (impact_has_rubrique(group, "contrats_duree"))
		impact_rubrique_table(out, report, group, "contrats_duree");
	if (impact_has_rubrique(group, "contrats_fin"))
		impact_rubrique_table(out, report, group, "contrats_fin");
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
	char title[512], period[192], extracted[16], etp[32];
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
			"aucun participant n'est nommé ; tout effectif de 1 à %d personnes est masqué (&lt; %d) ; "
			"« secret » : masqué aussi, pour qu'aucun effectif masqué ne se déduise des autres.</p>\n",
			etp, report->threshold - 1, report->threshold);
	html_end(out, sources);
	return !ferror(out);
}

/* The share of one dimension: a table and the bars of its hours. */
static void
observatoire_dimension_html(FILE *out, const ObservatoireReport *report, int first, int end)
{
	const char *labels[32], *texts[32];
	char texts_buffer[32][40];
	double values[32];
	int count = 0;

	fputs("<section>\n<h2>", out);
	html_escape(out, report->shares[first].dimension_label);
	fputs("</h2>\n<div class=\"grid2\">\n<div>\n<table>\n<tr><th>Catégorie</th><th class=\"n\">Heures</th>"
		  "<th class=\"n\">Part des heures</th><th class=\"n\">Participants</th></tr>\n", out);
	for (int i = first; i < end; i++)
	{
		const ObsShare *share = &report->shares[i];
		char hours[32], part[32], people[32];

		observatoire_hours_text(share, hours, sizeof(hours));
		observatoire_share_text(share, part, sizeof(part));
		observatoire_participants_text(report, share, people, sizeof(people));
		fputs("<tr><td>", out);
		html_escape(out, share->label);
		fprintf(out, "</td><td class=\"n\">%s</td><td class=\"n\">%s</td><td class=\"n%s\">", hours, part,
				share->masked ? " masked" : "");
		html_escape(out, people);
		fputs("</td></tr>\n", out);
		if (count < 32)
		{
			labels[count] = share->label;
			values[count] = share->hours;
			snprintf(texts_buffer[count], sizeof(texts_buffer[count]), share->hours_secret ? "%s" : "%s h", hours);
			texts[count] = texts_buffer[count];
			count++;
		}
	}
	fputs("</table>\n</div>\n<div>\n", out);
	svg_hbars(out, labels, values, texts, count, "Heures réalisées");
	fputs("</div>\n</div>\n</section>\n", out);
}

bool
observatoire_write_html(const ObservatoireReport *report, const ReportSources *sources, FILE *out)
{
	char title[256], scope[192], extracted[16], etp[32], text[64];

	observatoire_scope_text(report, scope, sizeof(scope));
	format_fr_date(sources->extracted, extracted, sizeof(extracted));
	format_fr_number_trim(report->hours_per_etp, 2, etp, sizeof(etp));
	snprintf(title, sizeof(title), "Observatoire des clauses sociales %d — %s", report->year, scope);

	html_begin(out, title);
	fprintf(out, "<header>\n<h1>Observatoire des clauses sociales d'insertion — %d</h1>\n"
			"<p class=\"meta\"><strong>", report->year);
	html_escape(out, scope);
	fprintf(out, "</strong> — chiffres de l'enquête annuelle de l'Alliance Villes Emploi</p>\n"
			"<p class=\"meta\">Année %d — extraction du %s</p>\n</header>\n", report->year, extracted);

	fputs("<div class=\"cards\">\n", out);
	for (int i = 0; i < report->nfigures; i++)
	{
		const ObsFigure *figure = &report->figures[i];

		if (strncmp(figure->key, "heures_", 7) == 0)
			continue;
		observatoire_figure_text(report, figure, text, sizeof(text));
		fputs("<div class=\"card\"><div>", out);
		html_escape(out, figure->label);
		fputs("</div><div class=\"big\">", out);
		html_escape(out, text);
		fputs("</div><div class=\"sub\">", out);
		if (strcmp(figure->key, "heures") == 0)
		{
			const ObsFigure *training = observatoire_figure(report, "heures_formation");

			if (training)
				observatoire_figure_text(report, training, text, sizeof(text));
			fprintf(out, "travaillées + formation, dont %s h de formation", training ? text : "0");
		}
		else if (strcmp(figure->key, "etp") == 0)
			fprintf(out, "heures ÷ %s", etp);
		else if (strcmp(figure->key, "participants") == 0)
			fputs("personnes distinctes", out);
		else if (strcmp(figure->key, "contrats") == 0)
			fputs("reçus, sinon participant × employeur × type", out);
		else if (strcmp(figure->key, "donneurs") == 0)
			fputs("maîtres d'ouvrage", out);
		else if (strcmp(figure->key, "marches") == 0)
			fputs("exécutés pendant l'année", out);
		else if (strcmp(figure->key, "facilitateurs") == 0)
			fputs("ETP déclarés sur les fiches clause", out);
		fputs("</div></div>\n", out);
	}
	fputs("</div>\n", out);

	for (int first = 0; first < report->nshares;)
	{
		int end = first + 1;

		while (end < report->nshares && strcmp(report->shares[end].dimension, report->shares[first].dimension) == 0)
			end++;
		observatoire_dimension_html(out, report, first, end);
		first = end;
	}
	fprintf(out, "<p class=\"note\">Heures : heures créditées (travaillées + formation) des mois de %d ; "
			"ETP = heures ÷ %s. Âge à la première heure de l'année. Une personne qui a plusieurs critères, "
			"contrats, modalités ou secteurs compte dans chacun. Données agrégées : aucun participant n'est "
			"nommé ; tout effectif de 1 à %d personnes est masqué (&lt; %d).</p>\n",
			report->year, etp, report->threshold - 1, report->threshold);
	html_end(out, sources);
	return !ferror(out);
}

/* A cell of the monthly sheet as the reader sees it: French numbers and dates. */
static void
suivi_html_cell(FILE *out, const char *value, bool numeric)
{
	char text[64];

	if (numeric && value[0])
		format_fr_number_max(strtod(value, NULL), 2, text, sizeof(text));
	else if (strlen(value) == 10 && value[4] == '-' && value[7] == '-')
		format_fr_date(value, text, sizeof(text));
	else if (strlen(value) == 7 && value[4] == '-')
		format_fr_month(value, text, sizeof(text));
	else
	{
		fprintf(out, "<td>");
		html_escape(out, value);
		fputs("</td>", out);
		return;
	}
	fprintf(out, "<td%s>", numeric ? " class=\"n\"" : "");
	html_escape(out, text);
	fputs("</td>", out);
}

bool
suivi_write_html(const SuiviReport *report, const ReportSources *sources, FILE *out)
{
	char title[256], month[32], extracted[16];

	format_fr_month(report->month, month, sizeof(month));
	format_fr_date(sources->extracted, extracted, sizeof(extracted));
	snprintf(title, sizeof(title), "Suivi mensuel — %s — %s", report->plie_nom, month);

	html_begin(out, title);
	fputs("<header>\n<h1>Suivi mensuel du facilitateur</h1>\n<p class=\"meta\"><strong>", out);
	html_escape(out, report->plie_nom);
	fprintf(out, "</strong> — %s</p>\n<p class=\"meta\">Extraction du %s</p>\n</header>\n", month, extracted);
	for (int n = 0; n < report->nnotes; n++)
	{
		fputs("<p class=\"note\">", out);
		html_escape(out, report->notes[n]);
		fputs("</p>\n", out);
	}
	for (int s = 0; s < report->nsections; s++)
	{
		const SuiviSection *section = &report->sections[s];

		fputs("<section>\n<h2>", out);
		html_escape(out, section->title);
		fputs("</h2>\n", out);
		if (section->rows == 0)
		{
			fputs("<p class=\"note\">", out);
			html_escape(out, section->empty);
			fputs("</p>\n</section>\n", out);
			continue;
		}
		fputs("<table>\n<tr>", out);
		for (int c = 0; c < section->ncolumns; c++)
		{
			fprintf(out, "<th%s>", section->numeric[c] ? " class=\"n\"" : "");
			html_escape(out, section->headers[c]);
			fputs("</th>", out);
		}
		fputs("</tr>\n", out);
		for (int r = 0; r < section->rows; r++)
		{
			fputs("<tr>", out);
			for (int c = 0; c < section->ncolumns; c++)
				suivi_html_cell(out, section->cells[r * section->ncolumns + c], section->numeric[c]);
			fputs("</tr>\n", out);
		}
		fputs("</table>\n</section>\n", out);
	}
	fputs("<p class=\"note\">Participants désignés par leur nom et leur identifiant : document du "
		  "facilitateur, à ne pas transmettre aux donneurs d'ordre. Heures dues : "
		  "heures prévues − heures créditées jusqu'à la fin du mois.</p>\n", out);
	html_end(out, sources);
	return !ferror(out);
}
