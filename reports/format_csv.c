/*
 * CSV writers of the tableau d'impact, the fiches' progress, the observatoire and the
 * facilitateur's monthly sheet. Masked counts are
 * written "< 3" (text); percentages as numbers of percent ("73,3") with unit "%".
 */
#include <stdlib.h>
#include <string.h>

#include "reports/format_csv.h"
#include "src/lib/format.h"

void
csv_write_bom(FILE *out)
{
	fputs("\xEF\xBB\xBF", out);
}

/* Writes one cell as is, quoted when it holds a separator, a quote or a line break. */
static void
csv_write_raw(FILE *out, const char *value, bool first)
{
	if (!first)
		fputc(';', out);
	if (strpbrk(value, ";\"\n\r") == NULL)
	{
		fputs(value, out);
		return;
	}
	fputc('"', out);
	for (const char *p = value; *p; p++)
	{
		if (*p == '"')
			fputc('"', out);
		fputc(*p, out);
	}
	fputc('"', out);
}

bool
csv_text_needs_neutralising(const char *value)
{
	return value[0] != '\0' && strchr("=+-@\t\r", value[0]) != NULL;
}

/*
 * A text cell: one that starts with = + - @, a tab or a carriage return would be read
 * by a spreadsheet as a formula (an opération named =HYPERLINK(…) runs in Excel), so it
 * gets a leading apostrophe, which spreadsheets take as "this is text".
 */
void
csv_write_field(FILE *out, const char *value, bool first)
{
	if (!csv_text_needs_neutralising(value))
	{
		csv_write_raw(out, value, first);
		return;
	}

	size_t length = strlen(value);
	char *text = malloc(length + 2);

	if (text == NULL)
	{
		/* out of memory: drop the cell's content rather than write a formula */
		csv_write_raw(out, "'", first);
		return;
	}
	text[0] = '\'';
	memcpy(text + 1, value, length + 1);
	csv_write_raw(out, text, first);
	free(text);
}

void
csv_write_number(FILE *out, double value, int max_decimals, bool first)
{
	char number[64];

	format_csv_number_max(value, max_decimals, number, sizeof(number));
	csv_write_raw(out, number, first);
}

void
csv_write_numeric_text(FILE *out, const char *value, bool first)
{
	char *end = NULL;

	if (value[0] == '\0' || strlen(value) >= 64)
	{
		csv_write_field(out, value, first);
		return;
	}
	(void) strtod(value, &end);
	if (end == NULL || *end != '\0' || strpbrk(value, "eEnNiI") != NULL)
	{
		/* not a plain decimal number as PostgreSQL prints it: text */
		csv_write_field(out, value, first);
		return;
	}

	char number[64];

	snprintf(number, sizeof(number), "%s", value);
	char *point = strchr(number, '.');

	if (point)
		*point = ',';
	csv_write_raw(out, number, first);
}

void
csv_end_row(FILE *out)
{
	fputs("\r\n", out);
}

static void
csv_write_header(FILE *out, const char *const *headers)
{
	for (int i = 0; headers[i]; i++)
		csv_write_field(out, headers[i], i == 0);
	csv_end_row(out);
}

bool
impact_write_csv(const ImpactReport *report, FILE *out)
{
	static const char *const headers[] = {
		"niveau", "identifiant", "libellé", "rubrique", "clé", "indicateur", "valeur", "unité", NULL
	};

	csv_write_bom(out);
	csv_write_header(out, headers);
	for (int g = 0; g < report->count; g++)
	{
		const ImpactGroup *group = &report->groups[g];

		for (int i = 0; i < group->count; i++)
		{
			const ImpactValue *value = &group->values[i];
			bool ratio = strcmp(value->unit, "ratio") == 0;

			csv_write_field(out, group->level, true);
			csv_write_field(out, group->id, false);
			csv_write_field(out, group->label, false);
			csv_write_field(out, value->rubrique, false);
			csv_write_field(out, value->key, false);
			csv_write_field(out, value->label, false);
			if (value->masked)
			{
				char masked[16];

				impact_masked_text(report, value, masked, sizeof(masked));
				csv_write_field(out, masked, false);
			}
			else if (value->is_null)
				csv_write_field(out, "", false);
			else if (ratio)
				csv_write_number(out, value->value * 100.0, 1, false);
			else
				csv_write_number(out, value->value, 2, false);
			csv_write_field(out, ratio ? "%" : value->unit, false);
			csv_end_row(out);
		}
	}
	return !ferror(out);
}

/*
 * The notes of the text report as rows of the same columns, without fiche: the hours no
 * fiche takes (clé heures_sans_fiche, the hours as réalisé) and the territories carried
 * from an earlier year (clé territoire_reporte).
 */
static void
progress_write_csv_notes(const ProgressReport *report, FILE *out)
{
	const char *as_of = report->count ? report->items[0].as_of : report->as_of;
	char label[512];

	for (int i = 0; i < report->nfallbacks; i++)
	{
		progress_fallback_label(report, &report->fallbacks[i], label, sizeof(label));
		csv_write_field(out, "", true);
		csv_write_field(out, report->fallbacks[i].plie, false);
		csv_write_field(out, "", false);
		csv_write_field(out, label, false);
		csv_write_field(out, "territoire_reporte", false);
		for (int k = 0; k < 6; k++)
			csv_write_field(out, "", false);
		csv_write_field(out, as_of, false);
		csv_end_row(out);
	}
	for (int i = 0; i < report->norphans; i++)
	{
		progress_orphan_label(&report->orphans[i], label, sizeof(label));
		csv_write_field(out, "", true);
		csv_write_field(out, report->orphans[i].plie, false);
		csv_write_field(out, "", false);
		csv_write_field(out, label, false);
		csv_write_field(out, "heures_sans_fiche", false);
		csv_write_field(out, "heures", false);
		csv_write_field(out, "", false);
		csv_write_number(out, report->orphans[i].hours, 2, false);
		for (int k = 0; k < 3; k++)
			csv_write_field(out, "", false);
		csv_write_field(out, as_of, false);
		csv_end_row(out);
	}
}

bool
progress_write_csv(const ProgressReport *report, FILE *out)
{
	static const char *const headers[] = {
		"fiche", "plie", "titre", "indicateur", "clé", "unité", "cible", "réalisé",
		"taux (%)", "attendu à la date", "projection fin de période", "date de calcul", NULL
	};

	csv_write_bom(out);
	csv_write_header(out, headers);
	for (int i = 0; i < report->count; i++)
	{
		const ProgressIndicator *item = &report->items[i];

		csv_write_field(out, item->fiche, true);
		csv_write_field(out, item->plie, false);
		csv_write_field(out, item->titre, false);
		csv_write_field(out, item->label, false);
		csv_write_field(out, item->key, false);
		csv_write_field(out, item->unit, false);
		csv_write_number(out, item->target, 2, false);
		if (item->tracked)
		{
			csv_write_number(out, item->realised, 2, false);
			csv_write_number(out, item->ratio * 100.0, 1, false);
			csv_write_number(out, item->expected, 2, false);
			if (item->has_projection)
				csv_write_number(out, item->projection, 2, false);
			else
				csv_write_field(out, "", false);
		}
		else
			for (int k = 0; k < 4; k++)
				csv_write_field(out, k == 0 ? "non suivi par clause" : "", false);
		csv_write_field(out, item->as_of, false);
		csv_end_row(out);
	}
	progress_write_csv_notes(report, out);
	return !ferror(out);
}

/* A count of people: the number, or "< N" when masked. */
static void
csv_write_people(FILE *out, double value, bool masked, bool secret, int threshold)
{
	char text[16];

	if (!masked)
	{
		csv_write_number(out, value, 2, false);
		return;
	}
	if (secret)
		snprintf(text, sizeof(text), "secret");
	else
		snprintf(text, sizeof(text), "< %d", threshold);
	csv_write_field(out, text, false);
}

bool
observatoire_write_csv(const ObservatoireReport *report, FILE *out)
{
	static const char *const headers[] = {
		"année", "plie", "rubrique", "clé", "libellé", "mesure", "valeur", "unité", NULL
	};
	char year[16];

	snprintf(year, sizeof(year), "%d", report->year);
	csv_write_bom(out);
	csv_write_header(out, headers);
	for (int i = 0; i < report->nfigures; i++)
	{
		const ObsFigure *figure = &report->figures[i];

		csv_write_field(out, year, true);
		csv_write_field(out, report->plie, false);
		csv_write_field(out, "chiffres", false);
		csv_write_field(out, figure->key, false);
		csv_write_field(out, figure->label, false);
		csv_write_field(out, figure->key, false);
		if (figure->is_null)
			csv_write_field(out, "non déclaré", false);
		else
			csv_write_people(out, figure->value, figure->masked, figure->secret, report->threshold);
		csv_write_field(out, figure->unit, false);
		csv_end_row(out);
	}
	for (int i = 0; i < report->nshares; i++)
	{
		const ObsShare *share = &report->shares[i];

		for (int m = 0; m < 3; m++)
		{
			static const char *const measures[] = {"heures", "part_heures", "participants"};
			static const char *const units[] = {"heures", "%", "personnes"};

			csv_write_field(out, year, true);
			csv_write_field(out, report->plie, false);
			csv_write_field(out, share->dimension, false);
			csv_write_field(out, share->key, false);
			csv_write_field(out, share->label, false);
			csv_write_field(out, measures[m], false);
			if (m < 2 && share->hours_secret)
				csv_write_field(out, "secret", false);
			else if (m == 0)
				csv_write_number(out, share->hours, 2, false);
			else if (m == 1 && share->share_null)
				csv_write_field(out, "", false);
			else if (m == 1)
				csv_write_number(out, share->share * 100.0, 1, false);
			else
				csv_write_people(out, share->participants, share->masked, share->secret, report->threshold);
			csv_write_field(out, units[m], false);
			csv_end_row(out);
		}
	}
	return !ferror(out);
}

/* The columns of the four tables of the sheet, each once, in their first order. */
static int
suivi_union_columns(const SuiviReport *report, const char **names, const char **headers, int max)
{
	int count = 0;

	for (int s = 0; s < report->nsections; s++)
		for (int c = 0; c < report->sections[s].ncolumns; c++)
		{
			const char *name = report->sections[s].columns[c];
			bool seen = false;

			for (int k = 0; k < count && !seen; k++)
				seen = strcmp(names[k], name) == 0;
			if (!seen && count < max)
			{
				names[count] = name;
				headers[count++] = report->sections[s].headers[c];
			}
		}
	return count;
}

bool
suivi_write_csv(const SuiviReport *report, FILE *out)
{
	const char *names[SUIVI_SECTIONS * SUIVI_MAX_COLUMNS];
	const char *headers[SUIVI_SECTIONS * SUIVI_MAX_COLUMNS];
	int ncolumns = suivi_union_columns(report, names, headers, SUIVI_SECTIONS * SUIVI_MAX_COLUMNS);

	csv_write_bom(out);
	csv_write_field(out, "PLIE", true);
	csv_write_field(out, "Mois", false);
	csv_write_field(out, "Rubrique", false);
	for (int k = 0; k < ncolumns; k++)
		csv_write_field(out, headers[k], false);
	csv_end_row(out);
	for (int s = 0; s < report->nsections; s++)
	{
		const SuiviSection *section = &report->sections[s];

		for (int r = 0; r < section->rows; r++)
		{
			csv_write_field(out, report->plie, true);
			csv_write_field(out, report->month, false);
			csv_write_field(out, section->key, false);
			for (int k = 0; k < ncolumns; k++)
			{
				int c = 0;

				while (c < section->ncolumns && strcmp(section->columns[c], names[k]) != 0)
					c++;

				const char *value = c < section->ncolumns ? section->cells[r * section->ncolumns + c] : "";
				char text[32];

				if (value[0] && section->numeric[c])
					csv_write_number(out, strtod(value, NULL), 2, false);
				else if (strlen(value) == 10 && value[4] == '-' && value[7] == '-')
				{
					format_fr_date(value, text, sizeof(text));
					csv_write_field(out, text, false);
				}
				else
					csv_write_field(out, value, false);
			}
			csv_end_row(out);
		}
	}
	/* the notes of the text sheet (territory carried, hours no fiche takes), as rows of
	 * rubrique "remarque" with the note in the first column */
	for (int n = 0; n < report->nnotes; n++)
	{
		csv_write_field(out, report->plie, true);
		csv_write_field(out, report->month, false);
		csv_write_field(out, "remarque", false);
		for (int k = 0; k < ncolumns; k++)
			csv_write_field(out, k == 0 ? report->notes[n] : "", false);
		csv_end_row(out);
	}
	return !ferror(out);
}
