/*
 * Tableau d'impact: loads the rows of sql impact() into groups of indicators and writes
 * them as text (terminal) or JSON. CSV, xlsx and HTML live in format_*.c.
 */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "reports/impact.h"
#include "src/lib/format.h"
#include "src/lib/log.h"

typedef struct LoadContext
{
	ImpactReport *report;
	bool failed;
} LoadContext;

static ImpactGroup *
impact_add_group(ImpactReport *report)
{
	if (report->count == report->capacity)
	{
		int capacity = report->capacity ? report->capacity * 2 : 16;
		ImpactGroup *groups = realloc(report->groups, sizeof(*groups) * (size_t) capacity);

		if (groups == NULL)
			return NULL;
		report->groups = groups;
		report->capacity = capacity;
	}

	ImpactGroup *group = &report->groups[report->count++];

	memset(group, 0, sizeof(*group));
	return group;
}

static ImpactValue *
impact_add_value(ImpactGroup *group)
{
	if (group->count == group->capacity)
	{
		int capacity = group->capacity ? group->capacity * 2 : 64;
		ImpactValue *values = realloc(group->values, sizeof(*values) * (size_t) capacity);

		if (values == NULL)
			return NULL;
		group->values = values;
		group->capacity = capacity;
	}

	ImpactValue *value = &group->values[group->count++];

	memset(value, 0, sizeof(*value));
	return value;
}

/* Columns: niveau, groupe_id, groupe_libelle, groupe_detail, rubrique, cle, libelle,
 * unite, valeur, masque, secret. */
static bool
impact_row(void *context, const DbRow *row)
{
	LoadContext *load = context;
	ImpactReport *report = load->report;
	ImpactGroup *group = report->count ? &report->groups[report->count - 1] : NULL;

	if (group == NULL || strcmp(group->level, db_row_value(row, 0)) != 0 ||
		strcmp(group->id, db_row_value(row, 1)) != 0)
	{
		group = impact_add_group(report);
		if (group == NULL)
			goto oom;
		snprintf(group->level, sizeof(group->level), "%s", db_row_value(row, 0));
		snprintf(group->id, sizeof(group->id), "%s", db_row_value(row, 1));
		snprintf(group->label, sizeof(group->label), "%s", db_row_value(row, 2));
		snprintf(group->detail, sizeof(group->detail), "%s", db_row_value(row, 3));
	}

	ImpactValue *value = impact_add_value(group);

	if (value == NULL)
		goto oom;
	snprintf(value->rubrique, sizeof(value->rubrique), "%s", db_row_value(row, 4));
	snprintf(value->key, sizeof(value->key), "%s", db_row_value(row, 5));
	snprintf(value->label, sizeof(value->label), "%s", db_row_value(row, 6));
	snprintf(value->unit, sizeof(value->unit), "%s", db_row_value(row, 7));
	value->is_null = db_row_isnull(row, 8);
	value->value = value->is_null ? 0 : strtod(db_row_value(row, 8), NULL);
	value->masked = db_row_value(row, 9)[0] == 't';
	value->secret = db_row_value(row, 10)[0] == 't';
	if (value->masked)
		value->is_null = false;

	if (strcmp(value->rubrique, "mois") == 0 && strcmp(group->level, "total") == 0)
	{
		const char *month = value->label;

		if (report->first_month[0] == '\0' || strcmp(month, report->first_month) < 0)
			snprintf(report->first_month, sizeof(report->first_month), "%.7s", month);
		if (strcmp(month, report->last_month) > 0)
			snprintf(report->last_month, sizeof(report->last_month), "%.7s", month);
	}
	return true;

oom:
	log_error("mémoire insuffisante");
	load->failed = true;
	return false;
}

bool
impact_load(Db *db, const ImpactOptions *options, ImpactReport *report, bool *unknown)
{
	const char *params[] = {options->donneur, options->operation, options->from, options->to};
	char exists[8] = "";
	bool isnull = false;

	*unknown = false;
	snprintf(report->donneur, sizeof(report->donneur), "%s", options->donneur);
	snprintf(report->operation, sizeof(report->operation), "%s",
			 options->operation ? options->operation : "");
	snprintf(report->from, sizeof(report->from), "%s", options->from ? options->from : "");
	snprintf(report->to, sizeof(report->to), "%s", options->to ? options->to : "");

	if (!report_settings_load(db, REPORT_SETTINGS_SQL "(SELECT nom FROM donneur WHERE id = $1)",
							  options->donneur, &report->threshold, &report->hours_per_etp,
							  report->donneur_nom, sizeof(report->donneur_nom)))
		return false;
	if (report->donneur_nom[0] == '\0')
	{
		log_error("donneur d'ordre inconnu « %s » (voir clause import donneurs)", options->donneur);
		*unknown = true;
		return false;
	}
	if (options->operation)
	{
		if (!db_query_value(db, "SELECT count(*) FROM operation WHERE id = $2 AND donneur_id = $1",
							2, params, exists, sizeof(exists), &isnull))
			return false;
		if (strcmp(exists, "0") == 0)
		{
			log_error("l'opération « %s » n'existe pas ou n'est pas du donneur d'ordre « %s »",
					  options->operation, options->donneur);
			*unknown = true;
			return false;
		}
	}

	LoadContext load = {report, false};
	/* a donneur's role may not call impact(): its own figures come from mon_impact() */
	bool ok = options->own
		? db_query(db,
				   "SELECT niveau, groupe_id, groupe_libelle, coalesce(groupe_detail, ''), rubrique, cle, "
				   "libelle, unite, valeur, masque, secret "
				   "FROM mon_impact($1, ($2 || '-01')::date, ($3 || '-01')::date)",
				   3, params + 1, impact_row, &load, NULL)
		: db_query(db,
				   "SELECT niveau, groupe_id, groupe_libelle, coalesce(groupe_detail, ''), rubrique, cle, "
				   "libelle, unite, valeur, masque, secret "
				   "FROM impact($1, $2, ($3 || '-01')::date, ($4 || '-01')::date)",
				   4, params, impact_row, &load, NULL);

	return ok && !load.failed;
}

void
impact_free(ImpactReport *report)
{
	for (int i = 0; i < report->count; i++)
		free(report->groups[i].values);
	free(report->groups);
	memset(report, 0, sizeof(*report));
}

const ImpactValue *
impact_value(const ImpactGroup *group, const char *key)
{
	for (int i = 0; i < group->count; i++)
		if (strcmp(group->values[i].key, key) == 0)
			return &group->values[i];
	return NULL;
}

void
impact_masked_text(const ImpactReport *report, const ImpactValue *value, char *out, size_t outsize)
{
	if (value->secret)
		snprintf(out, outsize, "secret");
	else
		snprintf(out, outsize, "< %d", report->threshold);
}

void
impact_value_text(const ImpactReport *report, const ImpactValue *value, char *out, size_t outsize)
{
	if (value->masked)
		impact_masked_text(report, value, out, outsize);
	else if (value->is_null)
		snprintf(out, outsize, "—");
	else if (strcmp(value->unit, "ratio") == 0)
		format_fr_percent(value->value, out, outsize);
	else if (strcmp(value->unit, "etp") == 0)
		format_fr_number(value->value, 2, out, outsize);
	else
		format_fr_number_max(value->value, 2, out, outsize);
}

const char *
impact_level_title(const char *level)
{
	if (strcmp(level, "total") == 0)
		return "Total";
	if (strcmp(level, "operation") == 0)
		return "Opération";
	if (strcmp(level, "marche") == 0)
		return "Marché";
	if (strcmp(level, "entreprise") == 0)
		return "Entreprise attributaire";
	return level;
}

const char *
impact_level_plural(const char *level)
{
	if (strcmp(level, "total") == 0)
		return "Synthèse";
	if (strcmp(level, "operation") == 0)
		return "Opérations";
	if (strcmp(level, "marche") == 0)
		return "Marchés";
	if (strcmp(level, "entreprise") == 0)
		return "Entreprises";
	return level;
}

const char *
impact_rubrique_title(const char *rubrique)
{
	static const struct
	{
		const char *key;
		const char *title;
	} titles[] = {
		{"heures", "Heures"},
		{"personnes", "Participants et contrats"},
		{"profil", "Profil des participants (âge à la première heure)"},
		{"criteres", "Critères d'éligibilité (participants)"},
		{"contrats", "Types de contrat (contrats, heures)"},
		{"contrats_duree", "Durée des contrats reçus (fin réelle, sinon prévue)"},
		{"contrats_fin", "Fin des contrats reçus"},
		{"modalites", "Modalités (heures)"},
		{"mois", "Heures par mois"},
	};

	for (size_t i = 0; i < sizeof(titles) / sizeof(titles[0]); i++)
		if (strcmp(titles[i].key, rubrique) == 0)
			return titles[i].title;
	return rubrique;
}

void
impact_period_text(const ImpactReport *report, char *out, size_t outsize)
{
	char from[32], to[32];
	const char *first = report->from[0] ? report->from : report->first_month;
	const char *last = report->to[0] ? report->to : report->last_month;

	if (first[0] == '\0' && last[0] == '\0')
	{
		snprintf(out, outsize, "toutes périodes (aucune heure créditée)");
		return;
	}
	format_fr_month(first[0] ? first : "…", from, sizeof(from));
	format_fr_month(last[0] ? last : "…", to, sizeof(to));
	/* a window compares its hours with the hours due in it, and says so */
	snprintf(out, outsize, "%s – %s%s", from, to,
			 report->from[0] || report->to[0]
			 ? " (heures prévues au prorata des jours de chaque marché dans la période)"
			 : " (toutes les heures connues)");
}

static const char *
unit_suffix(const char *unit)
{
	if (strcmp(unit, "heures") == 0)
		return "h";
	if (strcmp(unit, "etp") == 0)
		return "ETP";
	if (strcmp(unit, "contrats") == 0)
		return "contrats";
	if (strcmp(unit, "personnes") == 0)
		return "pers.";
	return "";
}

static void
impact_write_group_text(const ImpactReport *report, const ImpactGroup *group, FILE *out)
{
	const char *rubrique = "";

	fprintf(out, "\n== %s : %s", impact_level_title(group->level), group->label);
	if (strcmp(group->level, "total") != 0)
		fprintf(out, " [%s]", group->id);
	fprintf(out, " ==\n");
	if (group->detail[0])
		fprintf(out, "   %s\n", group->detail);

	for (int i = 0; i < group->count; i++)
	{
		const ImpactValue *value = &group->values[i];
		char text[64], label[160];

		if (strcmp(value->rubrique, rubrique) != 0)
		{
			rubrique = value->rubrique;
			fprintf(out, "  %s\n", impact_rubrique_title(rubrique));
		}
		impact_value_text(report, value, text, sizeof(text));
		if (strcmp(value->rubrique, "mois") == 0)
			format_fr_month(value->label, label, sizeof(label));
		else
			snprintf(label, sizeof(label), "%s", value->label);

		fputs("    ", out);
		format_write_padded(out, label, 54, false);
		format_write_padded(out, text, 10, true);
		if (unit_suffix(value->unit)[0])
			fprintf(out, " %s", unit_suffix(value->unit));

		/* contract types: the count of contracts, then their hours, on one line */
		if (strncmp(value->key, "contrats_", 9) == 0 && i + 1 < group->count &&
			strncmp(group->values[i + 1].key, "heures_", 7) == 0)
		{
			impact_value_text(report, &group->values[i + 1], text, sizeof(text));
			fputs("  ", out);
			format_write_padded(out, text, 10, true);
			fputs(" h", out);
			i++;
		}
		fputc('\n', out);
	}
}

bool
impact_write_text(const ImpactReport *report, FILE *out)
{
	char period[192], etp[32];

	impact_period_text(report, period, sizeof(period));
	format_fr_number_trim(report->hours_per_etp, 2, etp, sizeof(etp));
	fprintf(out, "Tableau d'impact des clauses sociales — %s (%s)\n", report->donneur_nom, report->donneur);
	if (report->operation[0])
		fprintf(out, "Opération : %s\n", report->operation);
	fprintf(out, "Période : %s\n", period);
	fprintf(out, "Heures réalisées : heures créditées (travaillées + formation) ; ETP = heures ÷ %s.\n", etp);
	fprintf(out, "Effectifs de 1 à %d personnes masqués (< %d) ; aucun participant n'est nommé.\n",
			report->threshold - 1, report->threshold);
	fprintf(out, "« secret » : masqué aussi, pour qu'aucun effectif masqué ne se déduise des autres.\n");
	if (report->count == 0)
		fprintf(out, "\nAucun marché de ce donneur d'ordre sur cette période.\n");

	for (int i = 0; i < report->count; i++)
	{
		const ImpactGroup *group = &report->groups[i];

		if (i == 0 || strcmp(report->groups[i - 1].level, group->level) != 0)
		{
			if (strcmp(group->level, "total") != 0)
				fprintf(out, "\n\n######## %s ########\n", impact_level_plural(group->level));
		}
		impact_write_group_text(report, group, out);
	}
	return !ferror(out);
}

static cJSON *
impact_group_json(const ImpactGroup *group)
{
	cJSON *object = cJSON_CreateObject();
	cJSON *values = cJSON_CreateArray();

	cJSON_AddStringToObject(object, "id", group->id);
	cJSON_AddStringToObject(object, "libelle", group->label);
	if (group->detail[0])
		cJSON_AddStringToObject(object, "detail", group->detail);
	cJSON_AddItemToObject(object, "indicateurs", values);
	for (int i = 0; i < group->count; i++)
	{
		const ImpactValue *value = &group->values[i];
		cJSON *item = cJSON_CreateObject();

		cJSON_AddStringToObject(item, "rubrique", value->rubrique);
		cJSON_AddStringToObject(item, "cle", value->key);
		cJSON_AddStringToObject(item, "libelle", value->label);
		cJSON_AddStringToObject(item, "unite", value->unit);
		if (value->masked || value->is_null)
			cJSON_AddNullToObject(item, "valeur");
		else
			cJSON_AddNumberToObject(item, "valeur", value->value);
		cJSON_AddBoolToObject(item, "masque", value->masked);
		if (value->secret)
			cJSON_AddBoolToObject(item, "secret", true);
		cJSON_AddItemToArray(values, item);
	}
	return object;
}

bool
impact_write_json(const ImpactReport *report, const ReportSources *sources, FILE *out)
{
	cJSON *root = cJSON_CreateObject();
	cJSON *donneur = cJSON_CreateObject();
	cJSON *period = cJSON_CreateObject();
	cJSON *sections = cJSON_CreateArray();
	cJSON *groups = NULL;

	cJSON_AddStringToObject(root, "rapport", "impact");
	cJSON_AddStringToObject(donneur, "id", report->donneur);
	cJSON_AddStringToObject(donneur, "nom", report->donneur_nom);
	cJSON_AddItemToObject(root, "donneur", donneur);
	if (report->operation[0])
		cJSON_AddStringToObject(root, "operation", report->operation);
	else
		cJSON_AddNullToObject(root, "operation");
	if (report->from[0])
		cJSON_AddStringToObject(period, "debut", report->from);
	else
		cJSON_AddNullToObject(period, "debut");
	if (report->to[0])
		cJSON_AddStringToObject(period, "fin", report->to);
	else
		cJSON_AddNullToObject(period, "fin");
	cJSON_AddItemToObject(root, "periode", period);
	cJSON_AddStringToObject(root, "extraction", sources ? sources->extracted : "");
	cJSON_AddNumberToObject(root, "seuil_masquage", report->threshold);
	cJSON_AddNumberToObject(root, "heures_par_etp", report->hours_per_etp);
	cJSON_AddItemToObject(root, "sections", sections);

	for (int i = 0; i < report->count; i++)
	{
		const ImpactGroup *group = &report->groups[i];

		if (i == 0 || strcmp(report->groups[i - 1].level, group->level) != 0)
		{
			cJSON *section = cJSON_CreateObject();

			cJSON_AddStringToObject(section, "niveau", group->level);
			groups = cJSON_AddArrayToObject(section, "groupes");
			cJSON_AddItemToArray(sections, section);
		}
		cJSON_AddItemToArray(groups, impact_group_json(group));
	}
	cJSON_AddItemToObject(root, "sources", sources_json(sources));
	return report_json_write(root, out);
}
