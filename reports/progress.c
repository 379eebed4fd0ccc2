/*
 * Fiche progress: target, realised, ratio, expected at the date (pro rata of the
 * period) and year-end projection, per fiche and indicator, as text or JSON.
 */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "reports/progress.h"
#include "reports/sources.h"
#include "src/lib/format.h"
#include "src/lib/log.h"

static const char *
indicator_short_label(const char *key)
{
	static const struct
	{
		const char *key;
		const char *label;
	} labels[] = {
		{"heures", "Heures d'insertion"},
		{"marches", "Marchés suivis"},
		{"operations", "Opérations"},
		{"chantiers", "Chantiers suivis"},
		{"conventions", "Conventions en cours"},
		{"marches_reserves", "Marchés réservés ou d'insertion"},
		{"operations_hors_btp", "Opérations hors BTP"},
	};

	for (size_t i = 0; i < sizeof(labels) / sizeof(labels[0]); i++)
		if (strcmp(labels[i].key, key) == 0)
			return labels[i].label;
	return key;
}

static double
number_or_zero(const DbRow *row, int column)
{
	return db_row_isnull(row, column) ? 0 : strtod(db_row_value(row, column), NULL);
}

static bool
progress_row(void *context, const DbRow *row)
{
	ProgressReport *report = context;

	if (report->count == report->capacity)
	{
		int capacity = report->capacity ? report->capacity * 2 : 32;
		ProgressIndicator *items = realloc(report->items, sizeof(*items) * (size_t) capacity);

		if (items == NULL)
		{
			log_error("mémoire insuffisante");
			return false;
		}
		report->items = items;
		report->capacity = capacity;
	}

	ProgressIndicator *item = &report->items[report->count++];

	memset(item, 0, sizeof(*item));
	snprintf(item->fiche, sizeof(item->fiche), "%s", db_row_value(row, 0));
	snprintf(item->plie, sizeof(item->plie), "%s", db_row_value(row, 1));
	snprintf(item->titre, sizeof(item->titre), "%s", db_row_value(row, 2));
	snprintf(item->key, sizeof(item->key), "%s", db_row_value(row, 4));
	snprintf(item->label, sizeof(item->label), "%s", db_row_value(row, 5));
	snprintf(item->unit, sizeof(item->unit), "%s", db_row_value(row, 6));
	item->target_raw = number_or_zero(row, 7);
	item->per_etp = db_row_value(row, 8)[0] == 't';
	item->etp = number_or_zero(row, 9);
	item->etp_declared = db_row_value(row, 10)[0] == 't';
	item->target = number_or_zero(row, 11);
	item->tracked = db_row_value(row, 12)[0] == 't';
	item->realised = number_or_zero(row, 13);
	item->expected = number_or_zero(row, 14);
	item->has_projection = !db_row_isnull(row, 15);
	item->projection = number_or_zero(row, 15);
	item->ratio = number_or_zero(row, 16);
	snprintf(item->period_start, sizeof(item->period_start), "%s", db_row_value(row, 17));
	snprintf(item->period_end, sizeof(item->period_end), "%s", db_row_value(row, 18));
	snprintf(item->as_of, sizeof(item->as_of), "%s", db_row_value(row, 19));
	item->fiche_id = (int) strtol(db_row_value(row, 20), NULL, 10);
	return true;
}

static bool
progress_month_row(void *context, const DbRow *row)
{
	ProgressReport *report = context;

	if (report->nmonths == report->months_capacity)
	{
		int capacity = report->months_capacity ? report->months_capacity * 2 : 64;
		ProgressMonth *months = realloc(report->months, sizeof(*months) * (size_t) capacity);

		if (months == NULL)
		{
			log_error("mémoire insuffisante");
			return false;
		}
		report->months = months;
		report->months_capacity = capacity;
	}

	ProgressMonth *month = &report->months[report->nmonths++];

	memset(month, 0, sizeof(*month));
	snprintf(month->fiche, sizeof(month->fiche), "%s", db_row_value(row, 0));
	snprintf(month->month, sizeof(month->month), "%s", db_row_value(row, 1));
	month->hours = number_or_zero(row, 2);
	month->fiche_id = (int) strtol(db_row_value(row, 3), NULL, 10);
	return true;
}

/* Grows an array of items of size bytes by one; NULL when out of memory. */
static void *
progress_grow(void **array, int *count, size_t size)
{
	char *grown = realloc(*array, size * (size_t) (*count + 1));

	if (grown == NULL)
	{
		log_error("mémoire insuffisante");
		return NULL;
	}
	*array = grown;
	memset(grown + size * (size_t) *count, 0, size);
	return grown + size * (size_t) (*count)++;
}

static bool
progress_orphan_row(void *context, const DbRow *row)
{
	ProgressReport *report = context;
	ProgressOrphan *orphan = progress_grow((void **) &report->orphans, &report->norphans,
										   sizeof(*orphan));

	if (orphan == NULL)
		return false;
	snprintf(orphan->plie, sizeof(orphan->plie), "%s", db_row_value(row, 0));
	snprintf(orphan->reason, sizeof(orphan->reason), "%s", db_row_value(row, 1));
	orphan->months = strtoll(db_row_value(row, 2), NULL, 10);
	orphan->lines = strtoll(db_row_value(row, 3), NULL, 10);
	orphan->hours = number_or_zero(row, 4);
	return true;
}

static bool
progress_fallback_row(void *context, const DbRow *row)
{
	ProgressReport *report = context;
	ProgressFallback *fallback = progress_grow((void **) &report->fallbacks, &report->nfallbacks,
											   sizeof(*fallback));

	if (fallback == NULL)
		return false;
	snprintf(fallback->plie, sizeof(fallback->plie), "%s", db_row_value(row, 0));
	fallback->territory_year = (int) strtol(db_row_value(row, 1), NULL, 10);
	return true;
}

bool
progress_load(Db *db, int year, const char *plie, const char *as_of,
			  ProgressReport *report)
{
	char year_text[16];

	snprintf(year_text, sizeof(year_text), "%d", year);
	report->year = year;
	snprintf(report->as_of, sizeof(report->as_of), "%s", as_of);

	const char *params[] = {year_text, as_of, plie};
	const char *year_plie[] = {year_text, plie};

	return db_query(db,
					"SELECT fiche, plie, titre, rang, coalesce(cle, ''), libelle, unite, cible, par_etp, etp, "
					"etp_declare, cible_effective, suivi, realise, attendu, projection, taux, "
					"date_debut, date_fin, date_calcul, fiche_id "
					"FROM progression_fiche($1::integer, $2::date) "
					"WHERE $3::text IS NULL OR plie = $3 "
					"ORDER BY plie, fiche, date_debut, rang",
					3, params, progress_row, report, NULL) &&
		db_query(db,
				 "SELECT h.fiche, to_char(h.mois, 'YYYY-MM'), h.heures_total, f.id "
				 "FROM v_fiche_heures_mois h JOIN fiche f ON f.id = h.fiche_id "
				 "WHERE f.date_debut <= make_date($1::integer, 12, 31) "
				 "  AND f.date_fin >= make_date($1::integer, 1, 1) AND f.clause_insertion "
				 "  AND h.mois <= least(greatest($2::date, f.date_debut - 1), f.date_fin) "
				 "  AND ($3::text IS NULL OR f.plie = $3) "
				 "ORDER BY f.plie, h.fiche, f.date_debut, h.mois",
				 3, params, progress_month_row, report, NULL) &&
		db_query(db,
				 "SELECT plie, motif, mois, lignes, heures "
				 "FROM heures_sans_fiche(make_date($1::integer, 1, 1), "
				 "                       least($2::date, make_date($1::integer, 12, 31)), $3)",
				 3, params, progress_orphan_row, report, NULL) &&
		db_query(db, "SELECT plie, annee_territoire FROM territoire_repli($1::integer, $2)",
				 2, year_plie, progress_fallback_row, report, NULL);
}

void
progress_free(ProgressReport *report)
{
	free(report->items);
	free(report->months);
	free(report->orphans);
	free(report->fallbacks);
	memset(report, 0, sizeof(*report));
}

void
progress_orphan_label(const ProgressOrphan *orphan, char *out, size_t size)
{
	snprintf(out, size, "Heures créditées sans fiche (%lld ligne%s sur %lld mois) — %s", orphan->lines,
			 fr_s(orphan->lines), orphan->months, orphan->reason);
}

void
progress_fallback_label(const ProgressReport *report, const ProgressFallback *fallback,
						char *out, size_t size)
{
	snprintf(out, size, "Territoire %d non chargé (clause import territoires) : celui de %d s'applique",
			 report->year, fallback->territory_year);
}

/* Hours no fiche takes and territories carried from an earlier year (DOMAIN.md, "Years"). */
static void
progress_write_text_notes(const ProgressReport *report, FILE *out)
{
	if (report->nfallbacks > 0)
		fprintf(out, "\nTerritoires %d non chargés (clause import territoires) : celui d'une année "
				"antérieure s'applique\n", report->year);
	for (int i = 0; i < report->nfallbacks; i++)
		fprintf(out, "  %s : territoire de %d\n", report->fallbacks[i].plie,
				report->fallbacks[i].territory_year);
	if (report->norphans > 0)
		fprintf(out, "\nHeures créditées sans fiche\n");
	for (int i = 0; i < report->norphans; i++)
	{
		const ProgressOrphan *orphan = &report->orphans[i];
		char hours[32];

		format_fr_number_trim(orphan->hours, 1, hours, sizeof(hours));
		fprintf(out, "  %s : %s h, %lld ligne%s sur %lld mois — %s\n", orphan->plie, hours,
				orphan->lines, fr_s(orphan->lines), orphan->months, orphan->reason);
	}
}

static void
print_fiche_heading(const ProgressIndicator *item, FILE *out)
{
	fprintf(out, "\n%s — %s — %s\n", item->fiche, item->plie, item->titre);
	fprintf(out, "  %-34s %12s %12s %8s %12s %12s\n", "Indicateur", "Cible", "Réalisé",
			"%", "Attendu", "Projection");
}

bool
progress_write_text(const ProgressReport *report, FILE *out)
{
	char as_of[16];

	/* the date the figures were computed at: the asked date, capped to the period */
	format_fr_date(report->count ? report->items[0].as_of : report->as_of, as_of, sizeof(as_of));
	fprintf(out, "Avancement des fiches opération %d, au %s\n", report->year, as_of);
	if (report->count == 0)
		fprintf(out, "\nAucune fiche clause pour cette année ou ce PLIE.\n");

	for (int i = 0; i < report->count; i++)
	{
		const ProgressIndicator *item = &report->items[i];
		bool first = i == 0 || report->items[i - 1].fiche_id != item->fiche_id;

		if (first)
			print_fiche_heading(item, out);

		char target[32], realised[32], ratio[32], expected[32], projection[32];

		format_fr_number_trim(item->target, 1, target, sizeof(target));
		if (!item->tracked)
		{
			/* long labels wrap under themselves: a cut label reads as another indicator */
			fputs("  ", out);
			const char *rest = format_write_wrapped_first(out, item->label, 34);

			fprintf(out, " %12s   non suivi par clause%s%s%s\n", target,
					item->unit[0] ? " (" : "", item->unit, item->unit[0] ? ")" : "");
			format_write_wrapped_rest(out, rest, 34, 2);
			continue;
		}
		format_fr_number_trim(item->realised, 1, realised, sizeof(realised));
		format_fr_percent(item->ratio, ratio, sizeof(ratio));
		format_fr_number_trim(item->expected, 1, expected, sizeof(expected));
		if (item->has_projection)
			format_fr_number_trim(item->projection, 1, projection, sizeof(projection));
		else
			snprintf(projection, sizeof(projection), "—");

		fputs("  ", out);
		const char *rest = format_write_wrapped_first(out, indicator_short_label(item->key), 34);

		fprintf(out, " %12s %12s %8s %12s %12s\n", target, realised, ratio, expected, projection);
		format_write_wrapped_rest(out, rest, 34, 2);
		if (item->per_etp)
		{
			char etp[32], raw[32];

			format_fr_number_trim(item->etp, 2, etp, sizeof(etp));
			format_fr_number_trim(item->target_raw, 1, raw, sizeof(raw));
			fprintf(out, "    (cible de %s par ETP × %s ETP%s)\n", raw, etp,
					item->etp_declared ? "" : " : ETP non déclaré, 1 par défaut — clause fiche etp");
		}
	}
	progress_write_text_notes(report, out);
	fprintf(out, "\nRéalisé : heures créditées (travaillées + formation) des mois commencés à la date ;\n"
			"comptes : actifs entre le début de la période et la date. Attendu : cible au prorata\n"
			"des jours écoulés. Projection : heures au rythme actuel jusqu'à la fin de la période ;\n"
			"comptes : actifs à un moment de la période, d'après les marchés connus.\n");
	return !ferror(out);
}

static cJSON *
progress_fiche_json(const ProgressIndicator *item)
{
	cJSON *fiche = cJSON_CreateObject();

	cJSON_AddStringToObject(fiche, "code", item->fiche);
	cJSON_AddStringToObject(fiche, "plie", item->plie);
	cJSON_AddStringToObject(fiche, "titre", item->titre);
	cJSON_AddStringToObject(fiche, "debut", item->period_start);
	cJSON_AddStringToObject(fiche, "fin", item->period_end);
	cJSON_AddNumberToObject(fiche, "etp", item->etp);
	cJSON_AddBoolToObject(fiche, "etp_declare", item->etp_declared);
	cJSON_AddItemToObject(fiche, "indicators", cJSON_CreateArray());
	cJSON_AddItemToObject(fiche, "non_suivis", cJSON_CreateArray());
	return fiche;
}

static cJSON *
progress_indicator_json(const ProgressIndicator *item)
{
	cJSON *indicator = cJSON_CreateObject();

	if (!item->tracked)
	{
		cJSON_AddStringToObject(indicator, "label", item->label);
		cJSON_AddNumberToObject(indicator, "target", item->target);
		cJSON_AddStringToObject(indicator, "unit", item->unit);
		cJSON_AddStringToObject(indicator, "status", "non suivi par clause");
		return indicator;
	}
	cJSON_AddStringToObject(indicator, "key", item->key);
	cJSON_AddStringToObject(indicator, "label", item->label);
	cJSON_AddNumberToObject(indicator, "target", item->target);
	if (item->per_etp)
		cJSON_AddNumberToObject(indicator, "target_per_etp", item->target_raw);
	cJSON_AddNumberToObject(indicator, "realised", item->realised);
	cJSON_AddNumberToObject(indicator, "ratio", item->ratio);
	cJSON_AddNumberToObject(indicator, "expected", item->expected);
	if (item->has_projection)
		cJSON_AddNumberToObject(indicator, "projection", item->projection);
	else
		cJSON_AddNullToObject(indicator, "projection");
	return indicator;
}

static void
progress_json_notes(const ProgressReport *report, cJSON *root)
{
	cJSON *orphans = cJSON_CreateArray();
	cJSON *fallbacks = cJSON_CreateArray();

	for (int i = 0; i < report->norphans; i++)
	{
		cJSON *orphan = cJSON_CreateObject();

		cJSON_AddStringToObject(orphan, "plie", report->orphans[i].plie);
		cJSON_AddStringToObject(orphan, "motif", report->orphans[i].reason);
		cJSON_AddNumberToObject(orphan, "mois", (double) report->orphans[i].months);
		cJSON_AddNumberToObject(orphan, "lignes", (double) report->orphans[i].lines);
		cJSON_AddNumberToObject(orphan, "heures", report->orphans[i].hours);
		cJSON_AddItemToArray(orphans, orphan);
	}
	for (int i = 0; i < report->nfallbacks; i++)
	{
		cJSON *fallback = cJSON_CreateObject();

		cJSON_AddStringToObject(fallback, "plie", report->fallbacks[i].plie);
		cJSON_AddNumberToObject(fallback, "annee_territoire", report->fallbacks[i].territory_year);
		cJSON_AddItemToArray(fallbacks, fallback);
	}
	cJSON_AddItemToObject(root, "heures_sans_fiche", orphans);
	cJSON_AddItemToObject(root, "territoires_reportes", fallbacks);
}

bool
progress_write_json(const ProgressReport *report, FILE *out)
{
	cJSON *root = cJSON_CreateObject();
	cJSON *fiches = cJSON_CreateArray();
	cJSON *fiche = NULL;

	cJSON_AddNumberToObject(root, "year", report->year);
	cJSON_AddStringToObject(root, "as_of", report->count ? report->items[0].as_of : report->as_of);
	cJSON_AddItemToObject(root, "fiches", fiches);

	for (int i = 0; i < report->count; i++)
	{
		const ProgressIndicator *item = &report->items[i];

		if (i == 0 || report->items[i - 1].fiche_id != item->fiche_id)
		{
			fiche = progress_fiche_json(item);
			cJSON_AddItemToArray(fiches, fiche);
		}
		cJSON_AddItemToArray(cJSON_GetObjectItem(fiche, item->tracked ? "indicators" : "non_suivis"),
							 progress_indicator_json(item));
	}
	progress_json_notes(report, root);
	return report_json_write(root, out);
}
