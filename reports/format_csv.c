/*
 * CSV writers of the tableau d'impact and of the fiches' progress. Masked counts are
 * written "< 3" (text); percentages as numbers of percent ("73,3") with unit "%".
 */
#include <string.h>

#include "format.h"
#include "format_csv.h"

void
csv_write_bom(FILE *out)
{
	fputs("\xEF\xBB\xBF", out);
}

void
csv_write_field(FILE *out, const char *value, bool first)
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

void
csv_write_number(FILE *out, double value, int max_decimals, bool first)
{
	char number[64];

	format_csv_number_max(value, max_decimals, number, sizeof(number));
	csv_write_field(out, number, first);
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

				snprintf(masked, sizeof(masked), "< %d", report->threshold);
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
	return !ferror(out);
}
