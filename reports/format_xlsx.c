/*
 * Excel workbooks of the reports (libxlsxwriter): one sheet per section, a title row
 * (who, period, extraction date), frozen headers, numbers as numbers, a sources sheet.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <xlsxwriter.h>

#include "reports/format_xlsx.h"
#include "src/lib/format.h"
#include "src/lib/log.h"

#define HEADER_ROW 4			/* rows 0-2: title, period and extraction, note */

typedef struct XlsxStyles
{
	lxw_format *title;
	lxw_format *subtitle;
	lxw_format *header;
	lxw_format *text;
	lxw_format *hours;			/* integral hours: 1,319 */
	lxw_format *hours_decimal;	/* 159.50 */
	lxw_format *count;
	lxw_format *percent;
	lxw_format *etp;
	lxw_format *masked;
	lxw_format *date;
} XlsxStyles;

/*
 * Writes a number rounded to the precision it is shown with, so that a cell holds 0,81
 * and never the binary noise of a sum (0.8100000000000001) that Excel would show.
 */
static void
xlsx_number(lxw_worksheet *sheet, lxw_row_t row, lxw_col_t col, double value, lxw_format *format,
			int decimals)
{
	double scale = pow(10, decimals);

	worksheet_write_number(sheet, row, col, round(value * scale) / scale, format);
}

static void
xlsx_styles(lxw_workbook *book, XlsxStyles *styles)
{
	styles->title = workbook_add_format(book);
	format_set_bold(styles->title);
	format_set_font_size(styles->title, 14);
	styles->subtitle = workbook_add_format(book);
	format_set_italic(styles->subtitle);
	styles->header = workbook_add_format(book);
	format_set_bold(styles->header);
	format_set_text_wrap(styles->header);
	format_set_align(styles->header, LXW_ALIGN_VERTICAL_TOP);
	format_set_bg_color(styles->header, 0xDCE6F1);
	format_set_bottom(styles->header, LXW_BORDER_THIN);
	styles->text = workbook_add_format(book);
	styles->hours = workbook_add_format(book);
	format_set_num_format(styles->hours, "#,##0");
	styles->hours_decimal = workbook_add_format(book);
	format_set_num_format(styles->hours_decimal, "#,##0.00");
	styles->count = workbook_add_format(book);
	format_set_num_format(styles->count, "0");
	styles->percent = workbook_add_format(book);
	format_set_num_format(styles->percent, "0.0%");
	styles->etp = workbook_add_format(book);
	format_set_num_format(styles->etp, "0.00");
	styles->masked = workbook_add_format(book);
	format_set_align(styles->masked, LXW_ALIGN_RIGHT);
	format_set_font_color(styles->masked, 0x7F7F7F);
	styles->date = workbook_add_format(book);
	format_set_num_format(styles->date, "dd/mm/yyyy");
}

static lxw_workbook *
xlsx_open(const char *path, const char *title, const char *subject)
{
	lxw_workbook_options options = {.constant_memory = LXW_FALSE, .tmpdir = NULL};
	struct stat st;

	/* libxlsxwriter opens the file itself: refuse a link standing there beforehand */
	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode))
	{
		log_error("%s est un lien symbolique : clause n'écrit pas à travers un lien", path);
		return NULL;
	}

	lxw_workbook *book = workbook_new_opt(path, &options);

	if (book == NULL)
	{
		log_error("impossible de créer le classeur %s", path);
		return NULL;
	}

	lxw_doc_properties properties = {0};

	properties.title = (char *) title;
	properties.subject = (char *) subject;
	properties.author = (char *) "clause";
	workbook_set_properties(book, &properties);
	return book;
}

static bool
xlsx_close(lxw_workbook *book, const char *path)
{
	lxw_error error = workbook_close(book);

	if (error != LXW_NO_ERROR)
	{
		log_error("impossible d'écrire le classeur %s : %s", path, lxw_strerror(error));
		return false;
	}
	log_info("écrit : %s", path);
	return true;
}

/* The three title rows of every sheet. */
static void
xlsx_title(lxw_worksheet *sheet, const XlsxStyles *styles, const char *title,
		   const char *subtitle, const char *note)
{
	worksheet_write_string(sheet, 0, 0, title, styles->title);
	worksheet_write_string(sheet, 1, 0, subtitle, styles->subtitle);
	if (note)
		worksheet_write_string(sheet, 2, 0, note, styles->subtitle);
}

static void
xlsx_sources_sheet(lxw_workbook *book, const XlsxStyles *styles, const char *title,
				   const char *subtitle, const ReportSources *sources)
{
	static const char *const headers[] = {"Lot", "Nature", "Fichier", "Importé le", "SHA-256"};
	lxw_worksheet *sheet = workbook_add_worksheet(book, "Sources");

	xlsx_title(sheet, styles, title, subtitle, "Lots importés dont les chiffres sont issus.");
	for (int c = 0; c < 5; c++)
		worksheet_write_string(sheet, HEADER_ROW, (lxw_col_t) c, headers[c], styles->header);
	for (int i = 0; i < sources->count; i++)
	{
		const ReportSource *source = &sources->items[i];
		lxw_row_t row = (lxw_row_t) (HEADER_ROW + 1 + i);

		xlsx_number(sheet, row, 0, (double) source->lot, styles->count, 0);
		worksheet_write_string(sheet, row, 1, source->nature, styles->text);
		worksheet_write_string(sheet, row, 2, source->file, styles->text);
		worksheet_write_string(sheet, row, 3, source->imported, styles->text);
		worksheet_write_string(sheet, row, 4, source->sha256, styles->text);
		if (source->cancelled[0])
			worksheet_write_string(sheet, row, 5, source->cancelled, styles->text);
	}
	worksheet_set_column(sheet, 0, 0, 8, NULL);
	worksheet_set_column(sheet, 1, 1, 14, NULL);
	worksheet_set_column(sheet, 2, 2, 36, NULL);
	worksheet_set_column(sheet, 3, 3, 18, NULL);
	worksheet_set_column(sheet, 4, 4, 70, NULL);
	worksheet_freeze_panes(sheet, HEADER_ROW + 1, 0);
}

/* Writes one indicator value with the number format of its unit. */
static void
xlsx_write_value(lxw_worksheet *sheet, lxw_row_t row, lxw_col_t col, const XlsxStyles *styles,
				 const ImpactReport *report, const ImpactValue *value)
{
	if (value->masked)
	{
		char masked[16];

		impact_masked_text(report, value, masked, sizeof(masked));
		worksheet_write_string(sheet, row, col, masked, styles->masked);
	}
	else if (value->is_null)
		worksheet_write_blank(sheet, row, col, styles->text);
	else if (strcmp(value->unit, "ratio") == 0)
		xlsx_number(sheet, row, col, value->value, styles->percent, 4);
	else if (strcmp(value->unit, "etp") == 0)
		xlsx_number(sheet, row, col, value->value, styles->etp, 2);
	else if (strcmp(value->unit, "heures") == 0)
		xlsx_number(sheet, row, col, value->value,
							   fabs(value->value - round(value->value)) < 1e-9 ?
							   styles->hours : styles->hours_decimal, 2);
	else
		xlsx_number(sheet, row, col, value->value, styles->count, 0);
}

static const char *
xlsx_unit_label(const char *unit)
{
	if (strcmp(unit, "heures") == 0)
		return "heures";
	if (strcmp(unit, "ratio") == 0)
		return "%";
	if (strcmp(unit, "etp") == 0)
		return "ETP";
	return unit;
}

static void
impact_summary_sheet(lxw_workbook *book, const XlsxStyles *styles, const ImpactReport *report,
					 const char *title, const char *subtitle, const char *note)
{
	static const char *const headers[] = {"Rubrique", "Indicateur", "Valeur", "Unité"};
	lxw_worksheet *sheet = workbook_add_worksheet(book, "Synthèse");
	lxw_row_t row = HEADER_ROW + 1;

	xlsx_title(sheet, styles, title, subtitle, note);
	for (int c = 0; c < 4; c++)
		worksheet_write_string(sheet, HEADER_ROW, (lxw_col_t) c, headers[c], styles->header);
	for (int g = 0; g < report->count; g++)
	{
		const ImpactGroup *group = &report->groups[g];

		if (strcmp(group->level, "total") != 0)
			continue;
		for (int i = 0; i < group->count; i++, row++)
		{
			const ImpactValue *value = &group->values[i];
			char label[160];

			if (strcmp(value->rubrique, "mois") == 0)
				format_fr_month(value->label, label, sizeof(label));
			else
				snprintf(label, sizeof(label), "%s", value->label);
			worksheet_write_string(sheet, row, 0, impact_rubrique_title(value->rubrique), styles->text);
			worksheet_write_string(sheet, row, 1, label, styles->text);
			xlsx_write_value(sheet, row, 2, styles, report, value);
			worksheet_write_string(sheet, row, 3, xlsx_unit_label(value->unit), styles->text);
		}
	}
	worksheet_set_column(sheet, 0, 0, 44, NULL);
	worksheet_set_column(sheet, 1, 1, 50, NULL);
	worksheet_set_column(sheet, 2, 2, 12, NULL);
	worksheet_set_column(sheet, 3, 3, 10, NULL);
	worksheet_freeze_panes(sheet, HEADER_ROW + 1, 0);
}

/* One sheet per level: a row per group, a column per indicator (months apart). */
static void
impact_level_sheet(lxw_workbook *book, const XlsxStyles *styles, const ImpactReport *report,
				   const char *level, const char *title, const char *subtitle, const char *note)
{
	lxw_worksheet *sheet = workbook_add_worksheet(book, impact_level_plural(level));
	const ImpactGroup *first = NULL;
	lxw_row_t row = HEADER_ROW + 1;

	xlsx_title(sheet, styles, title, subtitle, note);
	worksheet_write_string(sheet, HEADER_ROW, 0, "Identifiant", styles->header);
	worksheet_write_string(sheet, HEADER_ROW, 1, impact_level_title(level), styles->header);
	worksheet_write_string(sheet, HEADER_ROW, 2, "Détail", styles->header);
	for (int g = 0; g < report->count; g++)
	{
		const ImpactGroup *group = &report->groups[g];
		lxw_col_t col = 3;

		if (strcmp(group->level, level) != 0)
			continue;
		if (first == NULL)
		{
			first = group;
			for (int i = 0; i < group->count; i++)
			{
				const ImpactValue *value = &group->values[i];
				char header[192];

				if (strcmp(value->rubrique, "mois") == 0)
					continue;
				if (strcmp(value->rubrique, "contrats") == 0)
					snprintf(header, sizeof(header), "%s (%s)", value->label,
							 strcmp(value->unit, "heures") == 0 ? "heures" : "contrats");
				else if (strcmp(value->rubrique, "modalites") == 0)
					snprintf(header, sizeof(header), "%s (heures)", value->label);
				else
					snprintf(header, sizeof(header), "%s", value->label);
				worksheet_write_string(sheet, HEADER_ROW, col++, header, styles->header);
			}
			col = 3;
		}
		worksheet_write_string(sheet, row, 0, group->id, styles->text);
		worksheet_write_string(sheet, row, 1, group->label, styles->text);
		worksheet_write_string(sheet, row, 2, group->detail, styles->text);
		for (int i = 0; i < group->count; i++)
			if (strcmp(group->values[i].rubrique, "mois") != 0)
				xlsx_write_value(sheet, row, col++, styles, report, &group->values[i]);
		row++;
	}
	worksheet_set_row(sheet, HEADER_ROW, 60, NULL);
	worksheet_set_column(sheet, 0, 0, 16, NULL);
	worksheet_set_column(sheet, 1, 1, 34, NULL);
	worksheet_set_column(sheet, 2, 2, 30, NULL);
	worksheet_set_column(sheet, 3, 80, 13, NULL);
	worksheet_freeze_panes(sheet, HEADER_ROW + 1, 2);
}

static int
compare_months(const void *a, const void *b)
{
	return strcmp((const char *) a, (const char *) b);
}

/* Hours by month: a row per group of every level, a column per month with hours. */
static void
impact_months_sheet(lxw_workbook *book, const XlsxStyles *styles, const ImpactReport *report,
					const char *title, const char *subtitle)
{
	lxw_worksheet *sheet = workbook_add_worksheet(book, "Heures par mois");
	char (*months)[8] = NULL;
	int count = 0, capacity = 0;

	for (int g = 0; g < report->count; g++)
		for (int i = 0; i < report->groups[g].count; i++)
		{
			const ImpactValue *value = &report->groups[g].values[i];
			bool seen = false;

			if (strcmp(value->rubrique, "mois") != 0)
				continue;
			for (int m = 0; m < count && !seen; m++)
				seen = strncmp(months[m], value->label, 7) == 0;
			if (seen)
				continue;
			if (count == capacity)
			{
				capacity = capacity ? capacity * 2 : 24;
				void *grown = realloc(months, sizeof(*months) * (size_t) capacity);

				if (grown == NULL)
				{
					free(months);
					log_error("mémoire insuffisante");
					return;
				}
				months = grown;
			}
			snprintf(months[count++], 8, "%.7s", value->label);
		}
	if (count > 0)
		qsort(months, (size_t) count, sizeof(*months), compare_months);

	xlsx_title(sheet, styles, title, subtitle, "Heures créditées (travaillées + formation) par mois.");
	worksheet_write_string(sheet, HEADER_ROW, 0, "Niveau", styles->header);
	worksheet_write_string(sheet, HEADER_ROW, 1, "Identifiant", styles->header);
	worksheet_write_string(sheet, HEADER_ROW, 2, "Libellé", styles->header);
	for (int m = 0; m < count; m++)
	{
		char label[32];

		format_fr_month(months[m], label, sizeof(label));
		worksheet_write_string(sheet, HEADER_ROW, (lxw_col_t) (3 + m), label, styles->header);
	}
	for (int g = 0; g < report->count; g++)
	{
		const ImpactGroup *group = &report->groups[g];
		lxw_row_t row = (lxw_row_t) (HEADER_ROW + 1 + g);

		worksheet_write_string(sheet, row, 0, impact_level_title(group->level), styles->text);
		worksheet_write_string(sheet, row, 1, group->id, styles->text);
		worksheet_write_string(sheet, row, 2, group->label, styles->text);
		for (int m = 0; m < count; m++)
		{
			char key[16];
			const ImpactValue *value;

			snprintf(key, sizeof(key), "mois_%s", months[m]);
			value = impact_value(group, key);
			xlsx_number(sheet, row, (lxw_col_t) (3 + m), value ? value->value : 0,
								   value && fabs(value->value - round(value->value)) > 1e-9 ?
								   styles->hours_decimal : styles->hours, 2);
		}
	}
	worksheet_set_column(sheet, 0, 0, 22, NULL);
	worksheet_set_column(sheet, 1, 1, 16, NULL);
	worksheet_set_column(sheet, 2, 2, 34, NULL);
	worksheet_set_column(sheet, 3, 40, 13, NULL);
	worksheet_freeze_panes(sheet, HEADER_ROW + 1, 3);
	free(months);
}

bool
impact_write_xlsx(const ImpactReport *report, const ReportSources *sources, const char *path)
{
	char title[512], subtitle[512], note[384], period[192], extracted[16];
	lxw_workbook *book;
	XlsxStyles styles;

	impact_period_text(report, period, sizeof(period));
	format_fr_date(sources->extracted, extracted, sizeof(extracted));
	snprintf(title, sizeof(title), "Tableau d'impact — %s (%s)%s%s", report->donneur_nom,
			 report->donneur, report->operation[0] ? ", opération " : "", report->operation);
	snprintf(subtitle, sizeof(subtitle), "Période : %s — extraction du %s", period, extracted);
	snprintf(note, sizeof(note),
			 "Effectifs de 1 à %d personnes masqués (< %d) ; « secret » : masqué aussi, pour qu'aucun "
			 "effectif masqué ne se déduise des autres. Heures réalisées = travaillées + formation.",
			 report->threshold - 1, report->threshold);

	book = xlsx_open(path, title, "Tableau d'impact des clauses sociales");
	if (book == NULL)
		return false;
	xlsx_styles(book, &styles);
	impact_summary_sheet(book, &styles, report, title, subtitle, note);
	impact_level_sheet(book, &styles, report, "operation", title, subtitle, note);
	impact_level_sheet(book, &styles, report, "marche", title, subtitle, note);
	impact_level_sheet(book, &styles, report, "entreprise", title, subtitle, note);
	impact_months_sheet(book, &styles, report, title, subtitle);
	xlsx_sources_sheet(book, &styles, title, subtitle, sources);
	return xlsx_close(book, path);
}

/*
 * Under the table, after an empty row, the notes of the text report: territories carried
 * from an earlier year, then the hours no fiche takes (the hours in the Réalisé column).
 */
static void
progress_xlsx_notes(lxw_worksheet *sheet, const XlsxStyles *styles, const ProgressReport *report,
					lxw_row_t row)
{
	char label[512];

	if (report->nfallbacks + report->norphans > 0)
		worksheet_write_string(sheet, row++, 0, "Remarques", styles->header);
	for (int i = 0; i < report->nfallbacks; i++, row++)
	{
		progress_fallback_label(report, &report->fallbacks[i], label, sizeof(label));
		worksheet_write_string(sheet, row, 1, report->fallbacks[i].plie, styles->text);
		worksheet_write_string(sheet, row, 2, label, styles->text);
	}
	for (int i = 0; i < report->norphans; i++, row++)
	{
		progress_orphan_label(&report->orphans[i], label, sizeof(label));
		worksheet_write_string(sheet, row, 1, report->orphans[i].plie, styles->text);
		worksheet_write_string(sheet, row, 2, label, styles->text);
		worksheet_write_string(sheet, row, 3, "heures", styles->text);
		xlsx_number(sheet, row, 5, report->orphans[i].hours, styles->hours, 2);
	}
}

bool
progress_write_xlsx(const ProgressReport *report, const ReportSources *sources, const char *path)
{
	static const char *const headers[] = {
		"Fiche", "PLIE", "Indicateur", "Unité", "Cible", "Réalisé", "Taux",
		"Attendu à la date", "Projection fin de période"
	};
	char title[256], subtitle[256], as_of[16], extracted[16];
	lxw_workbook *book;
	XlsxStyles styles;

	format_fr_date(report->count ? report->items[0].as_of : report->as_of, as_of, sizeof(as_of));
	format_fr_date(sources->extracted, extracted, sizeof(extracted));
	snprintf(title, sizeof(title), "Avancement des fiches opération %d", report->year);
	snprintf(subtitle, sizeof(subtitle), "Calculé au %s — extraction du %s", as_of, extracted);

	book = xlsx_open(path, title, "Avancement des fiches clause des PLIE");
	if (book == NULL)
		return false;
	xlsx_styles(book, &styles);

	lxw_worksheet *sheet = workbook_add_worksheet(book, "Avancement");

	xlsx_title(sheet, &styles, title, subtitle,
			   "Réalisé : heures créditées des mois commencés ; comptes actifs à la date.");
	for (int c = 0; c < 9; c++)
		worksheet_write_string(sheet, HEADER_ROW, (lxw_col_t) c, headers[c], styles.header);
	for (int i = 0; i < report->count; i++)
	{
		const ProgressIndicator *item = &report->items[i];
		lxw_row_t row = (lxw_row_t) (HEADER_ROW + 1 + i);

		worksheet_write_string(sheet, row, 0, item->fiche, styles.text);
		worksheet_write_string(sheet, row, 1, item->plie, styles.text);
		worksheet_write_string(sheet, row, 2, item->label, styles.text);
		worksheet_write_string(sheet, row, 3, item->unit, styles.text);
		xlsx_number(sheet, row, 4, item->target, styles.hours, 2);
		if (!item->tracked)
		{
			worksheet_write_string(sheet, row, 5, "non suivi par clause", styles.masked);
			continue;
		}
		xlsx_number(sheet, row, 5, item->realised, styles.hours, 2);
		xlsx_number(sheet, row, 6, item->ratio, styles.percent, 4);
		xlsx_number(sheet, row, 7, item->expected, styles.hours, 2);
		if (item->has_projection)
			xlsx_number(sheet, row, 8, item->projection, styles.hours, 2);
	}
	progress_xlsx_notes(sheet, &styles, report, (lxw_row_t) (HEADER_ROW + 2 + report->count));
	worksheet_set_row(sheet, HEADER_ROW, 30, NULL);
	worksheet_set_column(sheet, 0, 1, 16, NULL);
	worksheet_set_column(sheet, 2, 2, 60, NULL);
	worksheet_set_column(sheet, 3, 3, 18, NULL);
	worksheet_set_column(sheet, 4, 8, 13, NULL);
	worksheet_freeze_panes(sheet, HEADER_ROW + 1, 1);

	lxw_worksheet *months = workbook_add_worksheet(book, "Heures par mois");

	xlsx_title(months, &styles, title, subtitle, "Heures créditées par fiche et par mois.");
	worksheet_write_string(months, HEADER_ROW, 0, "Fiche", styles.header);
	worksheet_write_string(months, HEADER_ROW, 1, "Mois", styles.header);
	worksheet_write_string(months, HEADER_ROW, 2, "Heures du mois", styles.header);
	worksheet_write_string(months, HEADER_ROW, 3, "Heures cumulées", styles.header);
	double cumulated = 0;

	for (int i = 0; i < report->nmonths; i++)
	{
		const ProgressMonth *month = &report->months[i];
		lxw_row_t row = (lxw_row_t) (HEADER_ROW + 1 + i);
		char label[32];

		if (i == 0 || report->months[i - 1].fiche_id != month->fiche_id)
			cumulated = 0;
		cumulated += month->hours;
		format_fr_month(month->month, label, sizeof(label));
		worksheet_write_string(months, row, 0, month->fiche, styles.text);
		worksheet_write_string(months, row, 1, label, styles.text);
		xlsx_number(months, row, 2, month->hours, styles.hours, 2);
		xlsx_number(months, row, 3, cumulated, styles.hours, 2);
	}
	worksheet_set_column(months, 0, 0, 10, NULL);
	worksheet_set_column(months, 1, 1, 18, NULL);
	worksheet_set_column(months, 2, 3, 16, NULL);
	worksheet_freeze_panes(months, HEADER_ROW + 1, 0);

	xlsx_sources_sheet(book, &styles, title, subtitle, sources);
	return xlsx_close(book, path);
}

/* A number of hours: no decimals shown when integral. */
static void
xlsx_write_hours(lxw_worksheet *sheet, lxw_row_t row, lxw_col_t col, const XlsxStyles *styles,
				 double value)
{
	xlsx_number(sheet, row, col, value,
						   fabs(value - round(value)) < 1e-9 ? styles->hours : styles->hours_decimal, 2);
}

static void
xlsx_write_masked(lxw_worksheet *sheet, lxw_row_t row, lxw_col_t col, const XlsxStyles *styles,
				  bool secret, int threshold)
{
	char masked[16];

	if (secret)
		snprintf(masked, sizeof(masked), "secret");
	else
		snprintf(masked, sizeof(masked), "< %d", threshold);
	worksheet_write_string(sheet, row, col, masked, styles->masked);
}

bool
observatoire_write_xlsx(const ObservatoireReport *report, const ReportSources *sources, const char *path)
{
	static const char *const figure_headers[] = {"Indicateur", "Valeur", "Unité"};
	static const char *const share_headers[] = {
		"Répartition", "Catégorie", "Heures", "Part des heures", "Participants"
	};
	char title[256], subtitle[256], note[256], scope[192], extracted[16];
	lxw_workbook *book;
	XlsxStyles styles;

	observatoire_scope_text(report, scope, sizeof(scope));
	format_fr_date(sources->extracted, extracted, sizeof(extracted));
	snprintf(title, sizeof(title), "Observatoire des clauses sociales %d — %s", report->year, scope);
	snprintf(subtitle, sizeof(subtitle), "Année %d — extraction du %s", report->year, extracted);
	snprintf(note, sizeof(note),
			 "Effectifs de 1 à %d personnes masqués (< %d). Heures = travaillées + formation.",
			 report->threshold - 1, report->threshold);

	book = xlsx_open(path, title, "Chiffres de l'enquête annuelle de l'observatoire des clauses sociales");
	if (book == NULL)
		return false;
	xlsx_styles(book, &styles);

	lxw_worksheet *sheet = workbook_add_worksheet(book, "Chiffres clés");

	xlsx_title(sheet, &styles, title, subtitle, note);
	for (int c = 0; c < 3; c++)
		worksheet_write_string(sheet, HEADER_ROW, (lxw_col_t) c, figure_headers[c], styles.header);
	for (int i = 0; i < report->nfigures; i++)
	{
		const ObsFigure *figure = &report->figures[i];
		lxw_row_t row = (lxw_row_t) (HEADER_ROW + 1 + i);

		worksheet_write_string(sheet, row, 0, figure->label, styles.text);
		if (figure->masked)
			xlsx_write_masked(sheet, row, 1, &styles, figure->secret, report->threshold);
		else if (figure->is_null)
			worksheet_write_string(sheet, row, 1, "non déclaré", styles.masked);
		else if (strcmp(figure->unit, "etp") == 0)
			xlsx_number(sheet, row, 1, figure->value, styles.etp, 2);
		else if (strcmp(figure->unit, "heures") == 0)
			xlsx_write_hours(sheet, row, 1, &styles, figure->value);
		else
			xlsx_number(sheet, row, 1, figure->value, styles.count, 0);
		worksheet_write_string(sheet, row, 2, xlsx_unit_label(figure->unit), styles.text);
	}
	worksheet_set_column(sheet, 0, 0, 52, NULL);
	worksheet_set_column(sheet, 1, 1, 14, NULL);
	worksheet_set_column(sheet, 2, 2, 12, NULL);
	worksheet_freeze_panes(sheet, HEADER_ROW + 1, 0);

	lxw_worksheet *shares = workbook_add_worksheet(book, "Répartitions");

	xlsx_title(shares, &styles, title, subtitle,
			   "Une personne qui a plusieurs critères, contrats, modalités ou secteurs compte dans chacun.");
	for (int c = 0; c < 5; c++)
		worksheet_write_string(shares, HEADER_ROW, (lxw_col_t) c, share_headers[c], styles.header);
	for (int i = 0; i < report->nshares; i++)
	{
		const ObsShare *share = &report->shares[i];
		lxw_row_t row = (lxw_row_t) (HEADER_ROW + 1 + i);

		worksheet_write_string(shares, row, 0, share->dimension_label, styles.text);
		worksheet_write_string(shares, row, 1, share->label, styles.text);
		if (share->hours_secret)
		{
			xlsx_write_masked(shares, row, 2, &styles, true, report->threshold);
			xlsx_write_masked(shares, row, 3, &styles, true, report->threshold);
		}
		else
		{
			xlsx_write_hours(shares, row, 2, &styles, share->hours);
			if (share->share_null)
				worksheet_write_blank(shares, row, 3, styles.text);
			else
				xlsx_number(shares, row, 3, share->share, styles.percent, 4);
		}
		if (share->masked)
			xlsx_write_masked(shares, row, 4, &styles, share->secret, report->threshold);
		else
			xlsx_number(shares, row, 4, share->participants, styles.count, 0);
	}
	worksheet_set_column(shares, 0, 0, 36, NULL);
	worksheet_set_column(shares, 1, 1, 52, NULL);
	worksheet_set_column(shares, 2, 4, 14, NULL);
	worksheet_freeze_panes(shares, HEADER_ROW + 1, 0);
	worksheet_autofilter(shares, HEADER_ROW, 0, (lxw_row_t) (HEADER_ROW + report->nshares), 4);

	xlsx_sources_sheet(book, &styles, title, subtitle, sources);
	return xlsx_close(book, path);
}

/* A cell of the monthly sheet: numbers as numbers, AAAA-MM-JJ as dates, text otherwise. */
static void
suivi_xlsx_cell(lxw_worksheet *sheet, lxw_row_t row, lxw_col_t col, const XlsxStyles *styles,
				const char *value, bool numeric)
{
	int year = 0, month = 0, day = 0;

	if (value[0] == '\0')
		worksheet_write_blank(sheet, row, col, styles->text);
	else if (numeric)
		xlsx_write_hours(sheet, row, col, styles, strtod(value, NULL));
	else if (strlen(value) == 10 && sscanf(value, "%4d-%2d-%2d", &year, &month, &day) == 3)
	{
		lxw_datetime date = {year, month, day, 0, 0, 0};

		worksheet_write_datetime(sheet, row, col, &date, styles->date);
	}
	else
		worksheet_write_string(sheet, row, col, value, styles->text);
}

bool
suivi_write_xlsx(const SuiviReport *report, const ReportSources *sources, const char *path)
{
	static const char *const sheet_names[SUIVI_SECTIONS] = {
		"Échéances", "Marchés muets", "Non éligibles", "Non comptabilisées", "Lignes du mois",
		"Hors contrat", "Contrats sans heures"
	};
	char title[256], subtitle[256], month[32], extracted[16];
	lxw_workbook *book;
	XlsxStyles styles;

	format_fr_month(report->month, month, sizeof(month));
	format_fr_date(sources->extracted, extracted, sizeof(extracted));
	snprintf(title, sizeof(title), "Suivi mensuel du facilitateur — %s — %s", report->plie_nom, month);
	snprintf(subtitle, sizeof(subtitle), "Mois de %s — extraction du %s", month, extracted);

	book = xlsx_open(path, title, "Suivi mensuel des clauses sociales d'un PLIE");
	if (book == NULL)
		return false;
	xlsx_styles(book, &styles);
	for (int s = 0; s < report->nsections; s++)
	{
		const SuiviSection *section = &report->sections[s];
		lxw_worksheet *sheet = workbook_add_worksheet(book, sheet_names[s]);

		xlsx_title(sheet, &styles, title, subtitle, section->title);
		for (int c = 0; c < section->ncolumns; c++)
		{
			worksheet_write_string(sheet, HEADER_ROW, (lxw_col_t) c, section->headers[c], styles.header);
			worksheet_set_column(sheet, (lxw_col_t) c, (lxw_col_t) c,
								 section->numeric[c] ? 12 : (c == 1 ? 34 : 18), NULL);
		}
		for (int r = 0; r < section->rows; r++)
			for (int c = 0; c < section->ncolumns; c++)
				suivi_xlsx_cell(sheet, (lxw_row_t) (HEADER_ROW + 1 + r), (lxw_col_t) c, &styles,
								section->cells[r * section->ncolumns + c], section->numeric[c]);
		if (section->rows == 0)
			worksheet_write_string(sheet, HEADER_ROW + 1, 0, section->empty, styles.masked);
		worksheet_freeze_panes(sheet, HEADER_ROW + 1, 1);
	}
	if (report->nnotes > 0)
	{
		/* the notes of the text sheet: territory carried, hours no fiche takes */
		lxw_worksheet *sheet = workbook_add_worksheet(book, "Remarques");

		xlsx_title(sheet, &styles, title, subtitle, NULL);
		worksheet_write_string(sheet, HEADER_ROW, 0, "Remarque", styles.header);
		for (int n = 0; n < report->nnotes; n++)
			worksheet_write_string(sheet, (lxw_row_t) (HEADER_ROW + 1 + n), 0, report->notes[n], styles.text);
		worksheet_set_column(sheet, 0, 0, 110, NULL);
	}
	xlsx_sources_sheet(book, &styles, title, subtitle, sources);
	return xlsx_close(book, path);
}

/* Digits with at most one decimal point, no leading zero: a figure, not an id or a SIRET. */
static bool
xlsx_plain_number(const char *value)
{
	size_t digits = strspn(value, "0123456789");

	if (digits == 0 || digits > 9 || (value[0] == '0' && digits > 1))
		return false;
	if (value[digits] == '.')
		return value[digits + 1] != '\0' && strspn(value + digits + 1, "0123456789") == strlen(value + digits + 1);
	return value[digits] == '\0';
}

bool
tables_write_xlsx(const ReportTable *const *tables, const char *const *sheet_names, int count,
				  const char *title, const char *subtitle, const char *subject,
				  const ReportSources *sources, const char *path)
{
	lxw_workbook *book = xlsx_open(path, title, subject);
	XlsxStyles styles;

	if (book == NULL)
		return false;
	xlsx_styles(book, &styles);
	for (int t = 0; t < count; t++)
	{
		const ReportTable *table = tables[t];
		lxw_worksheet *sheet = workbook_add_worksheet(book, sheet_names[t]);

		xlsx_title(sheet, &styles, title, subtitle, table->title);
		for (int c = 0; c < table->ncolumns; c++)
		{
			worksheet_write_string(sheet, HEADER_ROW, (lxw_col_t) c, table->headers[c], styles.header);
			worksheet_set_column(sheet, (lxw_col_t) c, (lxw_col_t) c, table->numeric[c] ? 12 : 24, NULL);
		}
		for (int r = 0; r < table->rows; r++)
			for (int c = 0; c < table->ncolumns; c++)
			{
				const char *value = table->cells[r * table->ncolumns + c];

				suivi_xlsx_cell(sheet, (lxw_row_t) (HEADER_ROW + 1 + r), (lxw_col_t) c, &styles, value,
								table->numeric[c] || (table->mixed && xlsx_plain_number(value)));
			}
		if (table->rows == 0)
			worksheet_write_string(sheet, HEADER_ROW + 1, 0, table->empty, styles.masked);
		worksheet_freeze_panes(sheet, HEADER_ROW + 1, 1);
	}
	if (sources)
		xlsx_sources_sheet(book, &styles, title, subtitle, sources);
	return xlsx_close(book, path);
}
