/*
 * Observatoire: loads the cells of sql observatoire_cellules() (the key figures and the
 * breakdowns, masked together) and writes them as text (terminal) or JSON. CSV, xlsx and
 * HTML live in format_*.c.
 */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "reports/observatoire.h"
#include "src/lib/format.h"
#include "src/lib/log.h"

typedef struct ObsLoad
{
	ObservatoireReport *report;
	bool failed;
} ObsLoad;

/*
 * The columns of one cell, figure or breakdown (observatoire_load's query): genre, rang,
 * cle, libelle, unite, valeur, personnes, masque, secret, dimension, dimension_libelle,
 * heures, part_heures, participants, heures_secret.
 */
enum
{
	CELL_GENRE, CELL_RANG, CELL_CLE, CELL_LIBELLE, CELL_UNITE, CELL_VALEUR, CELL_PERSONNES,
	CELL_MASQUE, CELL_SECRET, CELL_DIMENSION, CELL_DIMENSION_LIBELLE, CELL_HEURES,
	CELL_PART_HEURES, CELL_PARTICIPANTS, CELL_HEURES_SECRET
};

static bool
observatoire_figure_row(void *context, const DbRow *row)
{
	ObsLoad *load = context;
	ObservatoireReport *report = load->report;

	if (report->nfigures == report->figures_capacity)
	{
		int capacity = report->figures_capacity ? report->figures_capacity * 2 : 16;
		ObsFigure *figures = realloc(report->figures, sizeof(*figures) * (size_t) capacity);

		if (figures == NULL)
		{
			log_error("mémoire insuffisante");
			load->failed = true;
			return false;
		}
		report->figures = figures;
		report->figures_capacity = capacity;
	}

	ObsFigure *figure = &report->figures[report->nfigures++];

	memset(figure, 0, sizeof(*figure));
	snprintf(figure->key, sizeof(figure->key), "%s", db_row_value(row, CELL_CLE));
	snprintf(figure->label, sizeof(figure->label), "%s", db_row_value(row, CELL_LIBELLE));
	snprintf(figure->unit, sizeof(figure->unit), "%s", db_row_value(row, CELL_UNITE));
	figure->masked = db_row_value(row, CELL_MASQUE)[0] == 't';
	figure->secret = db_row_value(row, CELL_SECRET)[0] == 't';
	figure->is_null = !figure->masked && db_row_isnull(row, CELL_VALEUR);
	figure->value = db_row_isnull(row, CELL_VALEUR) ? 0 : strtod(db_row_value(row, CELL_VALEUR), NULL);
	return true;
}

static bool
observatoire_share_row(void *context, const DbRow *row)
{
	ObsLoad *load = context;
	ObservatoireReport *report = load->report;

	if (report->nshares == report->shares_capacity)
	{
		int capacity = report->shares_capacity ? report->shares_capacity * 2 : 64;
		ObsShare *shares = realloc(report->shares, sizeof(*shares) * (size_t) capacity);

		if (shares == NULL)
		{
			log_error("mémoire insuffisante");
			load->failed = true;
			return false;
		}
		report->shares = shares;
		report->shares_capacity = capacity;
	}

	ObsShare *share = &report->shares[report->nshares++];

	memset(share, 0, sizeof(*share));
	snprintf(share->dimension, sizeof(share->dimension), "%s", db_row_value(row, CELL_DIMENSION));
	snprintf(share->dimension_label, sizeof(share->dimension_label), "%s",
			 db_row_value(row, CELL_DIMENSION_LIBELLE));
	snprintf(share->key, sizeof(share->key), "%s", db_row_value(row, CELL_CLE));
	snprintf(share->label, sizeof(share->label), "%s", db_row_value(row, CELL_LIBELLE));
	share->hours = db_row_isnull(row, CELL_HEURES) ? 0 : strtod(db_row_value(row, CELL_HEURES), NULL);
	share->share_null = db_row_isnull(row, CELL_PART_HEURES);
	share->share = share->share_null ? 0 : strtod(db_row_value(row, CELL_PART_HEURES), NULL);
	share->participants = db_row_isnull(row, CELL_PARTICIPANTS) ? 0
		: strtod(db_row_value(row, CELL_PARTICIPANTS), NULL);
	share->masked = db_row_value(row, CELL_MASQUE)[0] == 't';
	share->secret = db_row_value(row, CELL_SECRET)[0] == 't';
	share->hours_secret = db_row_value(row, CELL_HEURES_SECRET)[0] == 't';
	return true;
}

/* A cell goes to the key figures or to the breakdowns, by its genre. */
static bool
observatoire_cell_row(void *context, const DbRow *row)
{
	return strcmp(db_row_value(row, CELL_GENRE), "chiffre") == 0
		? observatoire_figure_row(context, row) : observatoire_share_row(context, row);
}

bool
observatoire_load(Db *db, int year, const char *plie, ObservatoireReport *report, bool *unknown)
{
	char year_text[16];

	snprintf(year_text, sizeof(year_text), "%d", year);

	const char *params[] = {year_text, plie};

	*unknown = false;
	report->year = year;
	snprintf(report->plie, sizeof(report->plie), "%s", plie ? plie : "");
	if (!report_settings_load(db, REPORT_SETTINGS_SQL "(SELECT nom FROM plie WHERE code = $1)", plie,
							  &report->threshold, &report->hours_per_etp, report->plie_nom,
							  sizeof(report->plie_nom)))
		return false;
	if (plie && report->plie_nom[0] == '\0')
	{
		log_error("PLIE inconnu « %s » (voir clause fiche list ; un PLIE se crée par clause import territoires)", plie);
		*unknown = true;
		return false;
	}

	ObsLoad load = {report, false};

	/* one call: observatoire() and observatoire_repartition() would each mask everything */
	return db_query(db,
					"SELECT genre, rang, cle, libelle, unite, valeur, personnes, masque, secret, "
					"dimension, dimension_libelle, heures, part_heures, participants, heures_secret "
					"FROM observatoire_cellules($1::integer, $2) "
					"ORDER BY genre = 'repartition', dimension_rang NULLS FIRST, rang",
					2, params, observatoire_cell_row, &load, NULL) && !load.failed;
}

void
observatoire_free(ObservatoireReport *report)
{
	free(report->figures);
	free(report->shares);
	memset(report, 0, sizeof(*report));
}

const ObsFigure *
observatoire_figure(const ObservatoireReport *report, const char *key)
{
	for (int i = 0; i < report->nfigures; i++)
		if (strcmp(report->figures[i].key, key) == 0)
			return &report->figures[i];
	return NULL;
}

void
observatoire_masked_text(const ObservatoireReport *report, bool secret, char *out, size_t outsize)
{
	if (secret)
		snprintf(out, outsize, "secret");
	else
		snprintf(out, outsize, "< %d", report->threshold);
}

void
observatoire_figure_text(const ObservatoireReport *report, const ObsFigure *figure,
						 char *out, size_t outsize)
{
	if (figure->masked)
		observatoire_masked_text(report, figure->secret, out, outsize);
	else if (figure->is_null)
		snprintf(out, outsize, "non déclaré");
	else if (strcmp(figure->unit, "etp") == 0)
		format_fr_number(figure->value, 2, out, outsize);
	else
		format_fr_number_max(figure->value, 2, out, outsize);
}

void
observatoire_participants_text(const ObservatoireReport *report, const ObsShare *share,
							   char *out, size_t outsize)
{
	if (share->masked)
		observatoire_masked_text(report, share->secret, out, outsize);
	else
		format_fr_number_max(share->participants, 0, out, outsize);
}

void
observatoire_hours_text(const ObsShare *share, char *out, size_t outsize)
{
	if (share->hours_secret)
		snprintf(out, outsize, "secret");
	else
		format_fr_number_max(share->hours, 2, out, outsize);
}

void
observatoire_share_text(const ObsShare *share, char *out, size_t outsize)
{
	if (share->hours_secret)
		snprintf(out, outsize, "secret");
	else if (share->share_null)
		snprintf(out, outsize, "—");
	else
		format_fr_percent(share->share, out, outsize);
}

void
observatoire_scope_text(const ObservatoireReport *report, char *out, size_t outsize)
{
	if (report->plie[0])
		snprintf(out, outsize, "%s (%s)", report->plie_nom, report->plie);
	else
		snprintf(out, outsize, "tous les PLIE");
}

static const char *
figure_suffix(const ObsFigure *figure)
{
	if (figure->is_null)
		return "";
	if (strcmp(figure->unit, "heures") == 0)
		return " h";
	if (strcmp(figure->unit, "etp") == 0)
		return " ETP";
	if (strcmp(figure->unit, "personnes") == 0)
		return " pers.";
	return "";
}

/* Whether any cell is shown "secret" (the legend says why only then). */
static bool
observatoire_has_secret(const ObservatoireReport *report)
{
	for (int i = 0; i < report->nfigures; i++)
		if (report->figures[i].secret)
			return true;
	for (int i = 0; i < report->nshares; i++)
		if (report->shares[i].secret || report->shares[i].hours_secret)
			return true;
	return false;
}

bool
observatoire_write_text(const ObservatoireReport *report, FILE *out)
{
	char scope[192], etp[32], text[64];

	observatoire_scope_text(report, scope, sizeof(scope));
	format_fr_number_trim(report->hours_per_etp, 2, etp, sizeof(etp));
	fprintf(out, "Observatoire des clauses sociales d'insertion — année %d — %s\n", report->year, scope);
	fprintf(out, "Chiffres de l'enquête annuelle de l'Alliance Villes Emploi.\n");
	fprintf(out, "Heures : heures créditées (travaillées + formation) des mois de l'année ; "
			"ETP = heures ÷ %s.\n", etp);
	fprintf(out, "Effectifs de 1 à %d personnes masqués (< %d) ; aucun participant n'est nommé.\n",
			report->threshold - 1, report->threshold);
	if (observatoire_has_secret(report))
		fprintf(out, "« secret » : masqué aussi, pour qu'aucun effectif masqué ne se déduise des autres.\n");

	fprintf(out, "\n== Chiffres clés ==\n");
	for (int i = 0; i < report->nfigures; i++)
	{
		const ObsFigure *figure = &report->figures[i];

		observatoire_figure_text(report, figure, text, sizeof(text));
		fputs("    ", out);
		format_write_padded(out, figure->label, 54, false);
		format_write_padded(out, text, 12, true);
		fprintf(out, "%s\n", figure_suffix(figure));
	}

	for (int i = 0; i < report->nshares; i++)
	{
		const ObsShare *share = &report->shares[i];
		char hours[32], part[32], people[32];

		if (i == 0 || strcmp(report->shares[i - 1].dimension, share->dimension) != 0)
		{
			fprintf(out, "\n== Répartition : %s ==\n    ", share->dimension_label);
			format_write_padded(out, "", 54, false);
			format_write_padded(out, "Heures", 10, true);
			format_write_padded(out, "Part", 9, true);
			format_write_padded(out, "Participants", 14, true);
			fputc('\n', out);
		}
		observatoire_hours_text(share, hours, sizeof(hours));
		observatoire_share_text(share, part, sizeof(part));
		observatoire_participants_text(report, share, people, sizeof(people));
		fputs("    ", out);
		format_write_padded(out, share->label, 54, false);
		format_write_padded(out, hours, 10, true);
		format_write_padded(out, part, 9, true);
		format_write_padded(out, people, 14, true);
		fputc('\n', out);
	}
	fprintf(out, "\nUne personne qui a plusieurs critères, types de contrat, modalités ou secteurs "
			"compte dans chacun.\n");
	return !ferror(out);
}

bool
observatoire_write_json(const ObservatoireReport *report, const ReportSources *sources, FILE *out)
{
	cJSON *root = cJSON_CreateObject();
	cJSON *figures, *breakdowns, *categories = NULL;

	cJSON_AddStringToObject(root, "rapport", "observatoire");
	cJSON_AddNumberToObject(root, "annee", report->year);
	if (report->plie[0])
	{
		cJSON *plie = cJSON_AddObjectToObject(root, "plie");

		cJSON_AddStringToObject(plie, "code", report->plie);
		cJSON_AddStringToObject(plie, "nom", report->plie_nom);
	}
	else
		cJSON_AddNullToObject(root, "plie");
	cJSON_AddStringToObject(root, "extraction", sources ? sources->extracted : "");
	cJSON_AddNumberToObject(root, "seuil_masquage", report->threshold);
	cJSON_AddNumberToObject(root, "heures_par_etp", report->hours_per_etp);

	figures = cJSON_AddArrayToObject(root, "chiffres");
	for (int i = 0; i < report->nfigures; i++)
	{
		const ObsFigure *figure = &report->figures[i];
		cJSON *item = cJSON_CreateObject();

		cJSON_AddStringToObject(item, "cle", figure->key);
		cJSON_AddStringToObject(item, "libelle", figure->label);
		cJSON_AddStringToObject(item, "unite", figure->unit);
		if (figure->masked || figure->is_null)
			cJSON_AddNullToObject(item, "valeur");
		else
			cJSON_AddNumberToObject(item, "valeur", figure->value);
		cJSON_AddBoolToObject(item, "masque", figure->masked);
		if (figure->secret)
			cJSON_AddBoolToObject(item, "secret", true);
		cJSON_AddItemToArray(figures, item);
	}

	breakdowns = cJSON_AddArrayToObject(root, "repartitions");
	for (int i = 0; i < report->nshares; i++)
	{
		const ObsShare *share = &report->shares[i];
		cJSON *item = cJSON_CreateObject();

		if (i == 0 || strcmp(report->shares[i - 1].dimension, share->dimension) != 0)
		{
			cJSON *dimension = cJSON_CreateObject();

			cJSON_AddStringToObject(dimension, "dimension", share->dimension);
			cJSON_AddStringToObject(dimension, "libelle", share->dimension_label);
			categories = cJSON_AddArrayToObject(dimension, "categories");
			cJSON_AddItemToArray(breakdowns, dimension);
		}
		cJSON_AddStringToObject(item, "cle", share->key);
		cJSON_AddStringToObject(item, "libelle", share->label);
		if (share->hours_secret)
			cJSON_AddNullToObject(item, "heures");
		else
			cJSON_AddNumberToObject(item, "heures", share->hours);
		if (share->share_null || share->hours_secret)
			cJSON_AddNullToObject(item, "part_heures");
		else
			cJSON_AddNumberToObject(item, "part_heures", share->share);
		if (share->masked)
			cJSON_AddNullToObject(item, "participants");
		else
			cJSON_AddNumberToObject(item, "participants", share->participants);
		cJSON_AddBoolToObject(item, "masque", share->masked);
		if (share->secret)
			cJSON_AddBoolToObject(item, "secret", true);
		if (share->hours_secret)
			cJSON_AddBoolToObject(item, "heures_secret", true);
		cJSON_AddItemToArray(categories, item);
	}
	cJSON_AddItemToObject(root, "sources", sources_json(sources));
	return report_json_write(root, out);
}
