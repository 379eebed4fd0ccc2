/*
 * Facilitateur's monthly sheet: four tables read from sql/views/30_suivi.sql, written
 * as aligned text or JSON. Figures are formatted the French way in text only.
 */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "reports/sources.h"
#include "reports/suivi.h"
#include "reports/table.h"
#include "src/lib/format.h"
#include "src/lib/log.h"

static const char *const ECHEANCES_COLUMNS[] = {
	"marche_id", "intitule", "operation", "attributaire", "date_fin", "jours_restants",
	"heures_prevues", "heures_realisees", "heures_dues"
};
static const char *const ECHEANCES_HEADERS[] = {
	"Marché", "Intitulé", "Opération", "Attributaire", "Fin", "Jours", "Prévues", "Réalisées", "Dues"
};
static const bool ECHEANCES_NUMERIC[] = {false, false, false, false, false, true, true, true, true};

static const char *const SILENCIEUX_COLUMNS[] = {
	"marche_id", "intitule", "operation", "attributaire", "date_debut", "date_fin", "dernier_mois"
};
static const char *const SILENCIEUX_HEADERS[] = {
	"Marché", "Intitulé", "Opération", "Attributaire", "Début", "Fin", "Dernier mois déclaré"
};
static const bool SILENCIEUX_NUMERIC[] = {false, false, false, false, false, false, false};

static const char *const ELIGIBLES_COLUMNS[] = {
	"participant", "premier_mois", "dernier_mois", "lignes", "heures", "date_eligibilite", "criteres"
};
static const char *const ELIGIBLES_HEADERS[] = {
	"Participant", "Premier mois", "Dernier mois", "Lignes", "Heures", "Éligible le", "Critères"
};
static const bool ELIGIBLES_NUMERIC[] = {false, false, false, true, true, false, false};

static const char *const MOTIFS_COLUMNS[] = {
	"motif", "lignes_mois", "heures_mois", "lignes_annee", "heures_annee"
};
static const char *const MOTIFS_HEADERS[] = {
	"Motif", "Lignes du mois", "Heures du mois", "Lignes depuis janvier", "Heures depuis janvier"
};
static const bool MOTIFS_NUMERIC[] = {false, true, true, true, true};

static const char *const LIGNES_COLUMNS[] = {
	"participant", "marche_id", "employeur", "heures", "motif", "fichier", "ligne"
};
static const char *const LIGNES_HEADERS[] = {
	"Participant", "Marché", "Employeur", "Heures", "Motif", "Fichier", "Ligne"
};
static const bool LIGNES_NUMERIC[] = {false, false, false, true, false, false, false};

static const char *const HORS_CONTRAT_COLUMNS[] = {
	"participant_id", "employeur", "marche_id", "mois", "heures", "fichier", "ligne"
};
static const char *const HORS_CONTRAT_HEADERS[] = {
	"Participant", "Employeur", "Marché", "Mois", "Heures", "Fichier", "Ligne"
};
static const bool HORS_CONTRAT_NUMERIC[] = {false, false, false, false, true, false, true};

static const char *const SANS_HEURES_COLUMNS[] = {
	"participant_id", "employeur", "marche_id", "type_contrat", "date_debut", "fin", "fichier", "ligne"
};
static const char *const SANS_HEURES_HEADERS[] = {
	"Participant", "Employeur", "Marché", "Type", "Début", "Fin", "Fichier", "Ligne"
};
static const bool SANS_HEURES_NUMERIC[] = {false, false, false, false, false, false, false, true};

static const struct
{
	const char *key;
	const char *title;
	const char *empty;
	const char *sql;
	int ncolumns;
	const char *const *columns;
	const char *const *headers;
	const bool *numeric;
} SECTIONS[SUIVI_SECTIONS] = {
	{"echeances", "Marchés finissant d'ici 3 mois avec des heures dues (les plus urgents d'abord)", "aucun",
		"SELECT marche_id, intitule, operation, attributaire, to_char(date_fin, 'YYYY-MM-DD'), jours_restants, "
		"heures_prevues, heures_realisees, heures_dues FROM suivi_echeances($1, $2::date)",
	9, ECHEANCES_COLUMNS, ECHEANCES_HEADERS, ECHEANCES_NUMERIC},
	{"silencieux", "Marchés actifs sans heures déclarées depuis 2 mois", "aucun",
		"SELECT marche_id, intitule, operation, attributaire, to_char(date_debut, 'YYYY-MM-DD'), "
		"to_char(date_fin, 'YYYY-MM-DD'), coalesce(to_char(dernier_mois, 'YYYY-MM'), '') "
		"FROM suivi_silencieux($1, $2::date)",
	7, SILENCIEUX_COLUMNS, SILENCIEUX_HEADERS, SILENCIEUX_NUMERIC},
	/* participants by name and id: the facilitateur calls them (never a donneur's report) */
	{"non_eligibles", "Participants avec des heures mais sans éligibilité validée", "aucun",
		"SELECT p.nom || ' ' || p.prenom || ' (' || s.participant_id || ')', to_char(s.premier_mois, 'YYYY-MM'), "
		"to_char(s.dernier_mois, 'YYYY-MM'), s.lignes, s.heures, "
		"coalesce(to_char(s.date_eligibilite, 'YYYY-MM-DD'), ''), criteres_texte(p.criteres) "
		"FROM suivi_non_eligibles($1, $2::date) s JOIN participant p ON p.id = s.participant_id "
		"ORDER BY s.heures DESC, s.participant_id",
	7, ELIGIBLES_COLUMNS, ELIGIBLES_HEADERS, ELIGIBLES_NUMERIC},
	{"non_comptabilisees", "Lignes non comptabilisées, par motif", "aucune",
		"SELECT motif_libelle(motif), lignes_mois, heures_mois, lignes_annee, heures_annee "
		"FROM suivi_non_comptabilisees($1, $2::date)",
	5, MOTIFS_COLUMNS, MOTIFS_HEADERS, MOTIFS_NUMERIC},
	{"lignes", "Lignes du mois non comptabilisées, motif en clair", "aucune",
		"SELECT participant, marche_id, employeur, heures, motif, fichier, ligne "
		"FROM suivi_lignes_non_comptabilisees($1, $2::date)",
	7, LIGNES_COLUMNS, LIGNES_HEADERS, LIGNES_NUMERIC},
	{"heures_hors_contrat", "Heures hors contrat connu (créditées, mais aucun contrat reçu ne couvre le mois)", "aucune",
		"SELECT participant_id, employeur, marche_id, to_char(mois, 'YYYY-MM'), heures, fichier, ligne "
		"FROM suivi_hors_contrat($1, $2::date)",
	7, HORS_CONTRAT_COLUMNS, HORS_CONTRAT_HEADERS, HORS_CONTRAT_NUMERIC},
	{"contrats_sans_heures", "Contrats sans heures (aucune heure créditée dans leurs mois)", "aucun",
		"SELECT participant_id, employeur, marche_id, type_contrat, to_char(date_debut, 'YYYY-MM-DD'), "
		"coalesce(to_char(fin, 'YYYY-MM-DD'), ''), fichier, ligne "
		"FROM suivi_contrats_sans_heures($1, $2::date)",
	8, SANS_HEURES_COLUMNS, SANS_HEURES_HEADERS, SANS_HEURES_NUMERIC},
};

static bool
suivi_row(void *context, const DbRow *row)
{
	SuiviSection *section = context;

	if (section->rows == section->capacity)
	{
		int capacity = section->capacity ? section->capacity * 2 : 16;
		char **cells = realloc(section->cells, sizeof(char *) * (size_t) capacity * (size_t) section->ncolumns);

		if (cells == NULL)
		{
			log_error("mémoire insuffisante");
			return false;
		}
		section->cells = cells;
		section->capacity = capacity;
	}
	for (int c = 0; c < section->ncolumns; c++)
	{
		char *copy = strdup(db_row_isnull(row, c) ? "" : db_row_value(row, c));

		if (copy == NULL)
		{
			log_error("mémoire insuffisante");
			for (int k = 0; k < c; k++)
				free(section->cells[section->rows * section->ncolumns + k]);
			return false;
		}
		section->cells[section->rows * section->ncolumns + c] = copy;
	}
	section->rows++;
	return true;
}

static bool
suivi_note_row(void *context, const DbRow *row)
{
	SuiviReport *report = context;

	if (report->nnotes < SUIVI_MAX_NOTES)
		snprintf(report->notes[report->nnotes++], sizeof(report->notes[0]), "%s", db_row_value(row, 0));
	return true;
}

bool
suivi_load(Db *db, const char *plie, const char *month, SuiviReport *report, bool *unknown)
{
	char first_day[16], name[128] = "";
	bool isnull = false;

	*unknown = false;
	snprintf(report->plie, sizeof(report->plie), "%s", plie);
	snprintf(report->month, sizeof(report->month), "%s", month);
	snprintf(first_day, sizeof(first_day), "%s-01", month);

	const char *params[] = {plie, first_day};

	for (int s = 0; s < SUIVI_SECTIONS; s++)
	{
		SuiviSection *section = &report->sections[s];

		section->key = SECTIONS[s].key;
		section->title = SECTIONS[s].title;
		section->empty = SECTIONS[s].empty;
		section->ncolumns = SECTIONS[s].ncolumns;
		section->columns = SECTIONS[s].columns;
		section->headers = SECTIONS[s].headers;
		section->numeric = SECTIONS[s].numeric;
	}
	if (!db_query_value(db, "SELECT nom FROM plie WHERE code = $1", 1, params, name, sizeof(name), &isnull))
		return false;
	if (isnull || name[0] == '\0')
	{
		log_error("PLIE inconnu « %s » (voir clause fiche list ; un PLIE se crée par clause import territoires)", plie);
		*unknown = true;
		return false;
	}
	snprintf(report->plie_nom, sizeof(report->plie_nom), "%s", name);

	char any[8];

	/* without any contract sent, the sheet is what it was: no two empty sections */
	if (!db_query_value(db, "SELECT EXISTS (SELECT 1 FROM contrat)", 0, NULL, any, sizeof(any), NULL))
		return false;
	report->nsections = any[0] == 't' ? SUIVI_SECTIONS : SUIVI_SECTIONS - 2;
	for (int s = 0; s < report->nsections; s++)
		if (!db_query(db, SECTIONS[s].sql, 2, params, suivi_row, &report->sections[s], NULL))
			return false;
	return db_query(db,
					"SELECT 'Territoire ' || extract(year FROM $2::date) || ' non chargé (clause import "
					"territoires) : celui de ' || annee_territoire || ' s''applique.' "
					"FROM territoire_repli(extract(year FROM $2::date)::integer, $1)",
					2, params, suivi_note_row, report, NULL) &&
		db_query(db,
				 "SELECT 'Heures créditées sans fiche depuis janvier : ' "
				 "       || replace(trim_scale(heures)::text, '.', ',') || ' h, ' || lignes || ' ligne' "
				 "       || CASE WHEN lignes > 1 THEN 's' ELSE '' END || ' — ' || motif || '.' "
				 "FROM heures_sans_fiche(date_trunc('year', $2::date)::date, $2::date, $1)",
				 2, params, suivi_note_row, report, NULL);
}

void
suivi_free(SuiviReport *report)
{
	for (int s = 0; s < SUIVI_SECTIONS; s++)
	{
		SuiviSection *section = &report->sections[s];

		for (int i = 0; i < section->rows * section->ncolumns; i++)
			free(section->cells[i]);
		free(section->cells);
	}
	memset(report, 0, sizeof(*report));
}

/* Each table through the generic writer: long cells wrap, never cut. */
static bool
write_section_text(const SuiviSection *section, FILE *out)
{
	ReportTable table = {
		.title = section->title, .empty = section->empty, .ncolumns = section->ncolumns,
		.headers = section->headers, .numeric = section->numeric, .cells = section->cells,
		.rows = section->rows
	};

	return table_write_text(&table, out);
}

bool
suivi_write_text(const SuiviReport *report, FILE *out)
{
	char month[32];

	format_fr_month(report->month, month, sizeof(month));
	fprintf(out, "Suivi mensuel du facilitateur — %s — %s\n", report->plie_nom, month);
	fprintf(out, "Document du facilitateur : les participants y sont nommés, à ne pas transmettre aux "
			"donneurs d'ordre.\n");
	for (int n = 0; n < report->nnotes; n++)
		fprintf(out, "%s%s\n", n == 0 ? "\n" : "", report->notes[n]);
	for (int s = 0; s < report->nsections; s++)
		if (!write_section_text(&report->sections[s], out))
			return false;
	return !ferror(out);
}

bool
suivi_write_json(const SuiviReport *report, FILE *out)
{
	cJSON *root = cJSON_CreateObject();

	cJSON_AddStringToObject(root, "rapport", "suivi");
	cJSON_AddStringToObject(root, "plie", report->plie);
	cJSON_AddStringToObject(root, "mois", report->month);

	cJSON *notes = cJSON_AddArrayToObject(root, "remarques");

	for (int n = 0; n < report->nnotes; n++)
		cJSON_AddItemToArray(notes, cJSON_CreateString(report->notes[n]));
	for (int s = 0; s < report->nsections; s++)
	{
		const SuiviSection *section = &report->sections[s];
		cJSON *rows = cJSON_AddArrayToObject(root, section->key);

		for (int r = 0; r < section->rows; r++)
		{
			cJSON *item = cJSON_CreateObject();

			for (int c = 0; c < section->ncolumns; c++)
			{
				const char *value = section->cells[r * section->ncolumns + c];

				if (value[0] == '\0')
					cJSON_AddNullToObject(item, section->columns[c]);
				else if (section->numeric[c])
					cJSON_AddNumberToObject(item, section->columns[c], strtod(value, NULL));
				else
					cJSON_AddStringToObject(item, section->columns[c], value);
			}
			cJSON_AddItemToArray(rows, item);
		}
	}
	return report_json_write(root, out);
}
