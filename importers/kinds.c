/*
 * Column specifications of the canonical file kinds (the kinds table of the README),
 * and the validation of one field or one row against them.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "importers/kinds.h"
#include "src/lib/format.h"

static const char *const DONNEUR_TYPES[] = {
	"etat", "region", "departement", "commune", "epci", "bailleur",
	"etablissement_public", "prive", NULL
};
static const char *const SECTEURS[] = {
	"btp", "proprete", "espaces_verts", "restauration", "services", "industrie", "autre", NULL
};
static const char *const FORMES[] = {
	"execution", "reserve_siae", "reserve_ea_esat", "insertion", "critere", NULL
};
static const char *const ENTREPRISE_TYPES[] = {
	"entreprise", "etti", "ai", "ei", "aci", "geiq", "ett", "ea", "esat", "regie", NULL
};
static const char *const PARTENAIRE_TYPES[] = {"donneur", "siae", "autre", NULL};
static const char *const CONTRATS[] = {
	"cdi", "cdd", "cddi", "ctt", "apprentissage", "professionnalisation", "autre", NULL
};
static const char *const MODALITES[] = {
	"embauche_directe", "mise_a_disposition", "sous_traitance", "co_traitance", "formation", NULL
};
static const char *const MOTIFS_FIN[] = {
	"terme", "embauche_cdi", "embauche_cdd", "formation", "demission", "licenciement",
	"rupture_periode_essai", "autre", NULL
};

static const ColumnSpec DONNEUR_COLUMNS[] = {
	{"id", COLUMN_ID, true, NULL, NULL},
	{"nom", COLUMN_TEXT, true, NULL, NULL},
	{"type", COLUMN_ENUM, true, DONNEUR_TYPES, NULL},
};

static const ColumnSpec OPERATION_COLUMNS[] = {
	{"id", COLUMN_ID, true, NULL, NULL},
	{"donneur_id", COLUMN_ID, true, NULL, NULL},
	{"nom", COLUMN_TEXT, true, NULL, NULL},
	{"commune_insee", COLUMN_INSEE, true, NULL, NULL},
	{"secteur", COLUMN_ENUM, true, SECTEURS, NULL},
	{"fiche", COLUMN_ID, false, NULL, NULL},
};

static const ColumnSpec MARCHE_COLUMNS[] = {
	{"id", COLUMN_ID, true, NULL, NULL},
	{"operation_id", COLUMN_ID, true, NULL, NULL},
	{"lot", COLUMN_TEXT, false, NULL, NULL},
	{"intitule", COLUMN_TEXT, true, NULL, NULL},
	{"attributaire_siret", COLUMN_SIRET, true, NULL, NULL},
	{"forme", COLUMN_ENUM, true, FORMES, NULL},
	{"date_debut", COLUMN_DATE, true, NULL, NULL},
	{"date_fin", COLUMN_DATE, true, NULL, NULL},
	{"montant_ht", COLUMN_AMOUNT, false, NULL, NULL},
	{"heures_prevues", COLUMN_AMOUNT, false, NULL, NULL},
};

static const ColumnSpec ENTREPRISE_COLUMNS[] = {
	{"siret", COLUMN_SIRET, true, NULL, NULL},
	{"raison_sociale", COLUMN_TEXT, true, NULL, NULL},
	{"type", COLUMN_ENUM, true, ENTREPRISE_TYPES, NULL},
};

static const ColumnSpec PARTICIPANT_COLUMNS[] = {
	{"id", COLUMN_ID, true, NULL, NULL},
	{"nom", COLUMN_TEXT, true, NULL, NULL},
	{"prenom", COLUMN_TEXT, true, NULL, NULL},
	{"date_naissance", COLUMN_DATE, true, NULL, NULL},
	{"sexe", COLUMN_SEX, true, NULL, NULL},
	{"commune_insee", COLUMN_INSEE, false, NULL, NULL},
	{"qpv", COLUMN_YES_NO, false, NULL, "false"},
	{"criteres", COLUMN_CRITERIA, false, NULL, "{}"},
	{"date_eligibilite", COLUMN_DATE, false, NULL, NULL},
};

static const ColumnSpec CONVENTION_COLUMNS[] = {
	{"id", COLUMN_ID, true, NULL, NULL},
	{"plie", COLUMN_ID, true, NULL, NULL},	/* a known PLIE: sql/merge/conventions.sql */
	{"partenaire_type", COLUMN_ENUM, true, PARTENAIRE_TYPES, NULL},
	{"partenaire_id", COLUMN_ID, true, NULL, NULL},
	{"date_debut", COLUMN_DATE, true, NULL, NULL},
	{"date_fin", COLUMN_DATE, true, NULL, NULL},
};

static const char *const INDICATEURS[] = {
	"heures", "marches", "operations", "chantiers", "conventions", "marches_reserves",
	"operations_hors_btp", NULL
};

/* One row per indicator of a fiche (DOMAIN.md, "Years"); the fiche columns repeat. */
static const ColumnSpec FICHE_COLUMNS[] = {
	{"plie", COLUMN_ID, true, NULL, NULL},
	{"code", COLUMN_ID, true, NULL, NULL},
	{"titre", COLUMN_TEXT, true, NULL, NULL},
	{"date_debut", COLUMN_DATE, true, NULL, NULL},
	{"date_fin", COLUMN_DATE, true, NULL, NULL},
	{"clause_insertion", COLUMN_YES_NO, true, NULL, NULL},
	{"indicateur", COLUMN_ENUM, false, INDICATEURS, NULL},
	{"libelle", COLUMN_TEXT, true, NULL, NULL},
	{"cible", COLUMN_AMOUNT, true, NULL, NULL},
	{"par_etp", COLUMN_YES_NO, false, NULL, "false"},
	{"unite", COLUMN_TEXT, false, NULL, NULL},
	{"a_minima", COLUMN_YES_NO, false, NULL, "false"},
};

/* The communes of a PLIE's territory from a year on. */
static const ColumnSpec TERRITOIRE_COLUMNS[] = {
	{"plie", COLUMN_ID, true, NULL, NULL},
	{"annee", COLUMN_ID, true, NULL, NULL},
	{"code_insee", COLUMN_INSEE, true, NULL, NULL},
	{"commune", COLUMN_TEXT, true, NULL, NULL},
	{"plie_nom", COLUMN_TEXT, false, NULL, NULL},
	{"confirme", COLUMN_YES_NO, false, NULL, "true"},
};

static const ColumnSpec HEURES_COLUMNS[] = {
	{"participant_id", COLUMN_ID, true, NULL, NULL},
	{"employeur_siret", COLUMN_SIRET, true, NULL, NULL},
	{"marche_id", COLUMN_ID, true, NULL, NULL},
	{"mois", COLUMN_MONTH, true, NULL, NULL},
	{"heures", COLUMN_HOURS, true, NULL, NULL},
	{"heures_formation", COLUMN_HOURS, false, NULL, "0"},
	{"type_contrat", COLUMN_ENUM, true, CONTRATS, NULL},
	{"modalite", COLUMN_ENUM, true, MODALITES, NULL},
	/* the period of the line within its month (rule 1); absent, the month */
	{"date_debut", COLUMN_DATE, false, NULL, NULL},
	{"date_fin", COLUMN_DATE, false, NULL, NULL},
};

/* Identity: participant, employer, type, start date (DOMAIN.md "Contracts"). */
static const ColumnSpec CONTRAT_COLUMNS[] = {
	{"participant_id", COLUMN_ID, true, NULL, NULL},
	{"employeur_siret", COLUMN_SIRET, true, NULL, NULL},
	{"marche_id", COLUMN_ID, true, NULL, NULL},
	{"type_contrat", COLUMN_ENUM, true, CONTRATS, NULL},
	{"date_debut", COLUMN_DATE, true, NULL, NULL},
	{"date_fin_prevue", COLUMN_DATE, false, NULL, NULL},
	{"date_fin", COLUMN_DATE, false, NULL, NULL},
	{"heures_hebdo", COLUMN_HOURS, false, NULL, NULL},
	{"metier", COLUMN_TEXT, false, NULL, NULL},
	{"motif_fin", COLUMN_ENUM, false, MOTIFS_FIN, NULL},
};

/* date_fin before date_debut cannot be true (columns given by index). */
static bool
check_period(char *const *values, int debut, int fin, int *column, char *err)
{
	if (values[debut] && values[fin] && strcmp(values[fin], values[debut]) < 0)
	{
		*column = fin;
		snprintf(err, VALIDATE_ERR_SIZE, "date de fin %s antérieure à la date de début %s",
				 values[fin], values[debut]);
		return false;
	}
	return true;
}

static bool
check_marche_row(char *const *values, int *column, char *err)
{
	return check_period(values, 6, 7, column, err);
}

/* An SIAE partner is named by its SIRET, which must be a real one. */
static bool
check_convention_row(char *const *values, int *column, char *err)
{
	if (strcmp(values[2], "siae") == 0)
	{
		char siret[15];

		if (!validate_siret(values[3], siret, err))
		{
			*column = 3;
			return false;
		}
	}
	return check_period(values, 4, 5, column, err);
}

static bool
check_fiche_row(char *const *values, int *column, char *err)
{
	return check_period(values, 3, 4, column, err);
}

/* A year from 2000 to 2100, as plie_commune.annee accepts. */
static bool
check_territoire_row(char *const *values, int *column, char *err)
{
	const char *year = values[1];
	char *end = NULL;
	long number = strtol(year, &end, 10);

	if (end == year || *end != '\0' || number < 2000 || number > 2100)
	{
		*column = 1;
		snprintf(err, VALIDATE_ERR_SIZE, "année invalide « %.20s » (attendu AAAA, de 2000 à 2100)", year);
		return false;
	}
	return true;
}

/*
 * A line's period (date_debut, date_fin: columns 8 and 9) starts in its month and ends at
 * the latest at the end of the next one (a week straddling two months); both or neither.
 */
static bool
check_heures_period(char *const *values, int *column, char *err)
{
	const char *debut = values[8];
	const char *fin = values[9];

	if (debut == NULL && fin == NULL)
		return true;
	if (debut == NULL || fin == NULL)
	{
		*column = debut == NULL ? 8 : 9;
		snprintf(err, VALIDATE_ERR_SIZE, "période incomplète : date_debut et date_fin vont ensemble");
		return false;
	}
	if (strncmp(debut, values[3], 7) != 0)
	{
		*column = 8;
		snprintf(err, VALIDATE_ERR_SIZE, "date de début %s hors du mois %.7s de la ligne", debut,
				 values[3]);
		return false;
	}
	if (!check_period(values, 8, 9, column, err))
		return false;

	int year = (int) strtol(values[3], NULL, 10);
	int month = (int) strtol(values[3] + 5, NULL, 10);
	char limit[16];

	/* the first day of the month after next, AAAA-MM-01 */
	month += 2;
	if (month > 12)
	{
		month -= 12;
		year++;
	}
	snprintf(limit, sizeof(limit), "%04d-%02d-01", (year % 10000 + 10000) % 10000, (month % 100 + 100) % 100);
	if (strcmp(fin, limit) >= 0)
	{
		*column = 9;
		snprintf(err, VALIDATE_ERR_SIZE,
				 "date de fin %s trop lointaine : une période finit au plus tard le mois suivant "
				 "son début", fin);
		return false;
	}
	return true;
}

/* The month of the import, as year * 12 + month - 1 (local time of the machine). */
static int
heures_import_month(void)
{
	time_t now = time(NULL);
	struct tm local;

	if (localtime_r(&now, &local) == NULL)
		return 0;
	return (local.tm_year + 1900) * 12 + local.tm_mon;
}

/*
 * Hours of a month later than the month of the import, or more hours than the month
 * has, cannot be true (DOMAIN.md rule 1).
 */
static bool
check_heures_row(char *const *values, int *column, char *err)
{
	int year = (int) strtol(values[3], NULL, 10);
	int month = (int) strtol(values[3] + 5, NULL, 10);
	int import_month = heures_import_month();

	if (year * 12 + month - 1 > import_month)
	{
		*column = 3;
		snprintf(err, VALIDATE_ERR_SIZE,
				 "mois %.7s postérieur au mois de l'import (%04d-%02d) : "
				 "des heures à venir ne peuvent pas être déclarées",
				 values[3], import_month / 12, import_month % 12 + 1);
		return false;
	}
	double total = validate_canonical_decimal(values[4]) + validate_canonical_decimal(values[5]);
	int max_hours = 24 * validate_days_in_month(year, month);

	if (!check_heures_period(values, column, err))
		return false;
	if (total > max_hours)
	{
		char shown[32];

		format_fr_number_max(total, 2, shown, sizeof(shown));
		*column = 4;
		snprintf(err, VALIDATE_ERR_SIZE,
				 "%s heures (travaillées + formation) dépassent les %d heures du mois",
				 shown, max_hours);
		return false;
	}
	return true;
}

/* A ROME code is a letter and four digits (F1703); anything else is the job in words. */
static void
normalize_rome_code(char *metier)
{
	if (metier == NULL || strlen(metier) != 5 || !isalpha((unsigned char) metier[0]))
		return;
	for (int i = 1; i < 5; i++)
		if (!isdigit((unsigned char) metier[i]))
			return;
	metier[0] = (char) toupper((unsigned char) metier[0]);
}

/*
 * Both ends no earlier than the start; weekly hours within the legal maximum of 48
 * (code du travail, L3121-20), beyond which a weekly figure cannot be true.
 */
static bool
check_contrat_row(char *const *values, int *column, char *err)
{
	if (!check_period(values, 4, 5, column, err) || !check_period(values, 4, 6, column, err))
		return false;
	if (values[7] && validate_canonical_decimal(values[7]) > 48)
	{
		char shown[32];

		format_fr_number_max(validate_canonical_decimal(values[7]), 2, shown, sizeof(shown));
		*column = 7;
		snprintf(err, VALIDATE_ERR_SIZE,
				 "%s heures par semaine dépassent la durée maximale de 48 heures", shown);
		return false;
	}
	if (values[7] && validate_canonical_decimal(values[7]) <= 0)
	{
		*column = 7;
		snprintf(err, VALIDATE_ERR_SIZE, "heures hebdomadaires nulles : laissez la case vide "
				 "si elles ne sont pas connues");
		return false;
	}
	normalize_rome_code(values[8]);
	return true;
}

#define KIND(name, label, columns, check) \
	{ name, label, columns, (int) (sizeof(columns) / sizeof(columns[0])), "merge/" name ".sql", check, \
	  NULL, NULL }
/*
 * A kind whose monthly file repeats every row: the rows equal to the stored ones stay home.
 * Its writers wait for each other (a row left out because it equals the stored one must
 * still equal it at the commit); readers go on, and a timesheet import, which holds the
 * table in SHARE mode, is waited for as the merge's writes waited for it.
 */
#define KIND_DIGESTED(name, label, columns, check, table) \
	{ name, label, columns, (int) (sizeof(columns) / sizeof(columns[0])), "merge/" name ".sql", check, \
	  "LOCK TABLE " table " IN SHARE ROW EXCLUSIVE MODE", \
	  "SELECT id, encode(empreinte, 'hex') FROM " table " WHERE empreinte IS NOT NULL" }

static const KindSpec KINDS[] = {
	KIND("donneurs", "donneurs d'ordre", DONNEUR_COLUMNS, NULL),
	KIND("entreprises", "entreprises", ENTREPRISE_COLUMNS, NULL),
	KIND("operations", "opérations", OPERATION_COLUMNS, NULL),
	KIND_DIGESTED("marches", "marchés", MARCHE_COLUMNS, check_marche_row, "marche"),
	KIND_DIGESTED("participants", "participants", PARTICIPANT_COLUMNS, NULL, "participant"),
	KIND("conventions", "conventions", CONVENTION_COLUMNS, check_convention_row),
	KIND("contrats", "contrats de travail", CONTRAT_COLUMNS, check_contrat_row),
	KIND("fiches", "fiches opération", FICHE_COLUMNS, check_fiche_row),
	KIND("territoires", "territoires des PLIE", TERRITOIRE_COLUMNS, check_territoire_row),
	/* no stage, no merge script: importers/heures_load.c */
	{"heures", "heures", HEURES_COLUMNS, (int) (sizeof(HEURES_COLUMNS) / sizeof(HEURES_COLUMNS[0])),
	 NULL, check_heures_row, NULL, NULL},
};

const KindSpec *
kind_find(const char *name)
{
	for (size_t i = 0; i < sizeof(KINDS) / sizeof(KINDS[0]); i++)
		if (strcmp(KINDS[i].name, name) == 0)
			return &KINDS[i];
	return NULL;
}

const char *
kind_names(void)
{
	return "donneurs, entreprises, operations, marches, participants, conventions, heures, contrats, "
		"fiches, territoires";
}

bool
kind_validate_field(const ColumnSpec *column, char *raw, char *out,
					bool *is_null, char *err)
{
	char *value = validate_trim(raw);

	*is_null = false;
	out[0] = '\0';
	if (*value == '\0')
	{
		if (column->required)
		{
			snprintf(err, VALIDATE_ERR_SIZE, "valeur obligatoire manquante");
			return false;
		}
		if (column->when_empty)
			snprintf(out, KIND_VALUE_SIZE, "%s", column->when_empty);
		else
			*is_null = true;
		return true;
	}

	switch (column->type)
	{
		case COLUMN_ID:
			if (!validate_identifier(value, err))
				return false;
			validate_copy(out, KIND_VALUE_SIZE, value);
			return true;
		case COLUMN_TEXT:
			if (!validate_text(value, 500, err))
				return false;
			validate_copy(out, KIND_VALUE_SIZE, value);
			return true;
		case COLUMN_ENUM:
			return validate_enum(value, column->values, out, KIND_VALUE_SIZE, err);
		case COLUMN_DATE:
			return validate_date(value, out, err);
		case COLUMN_MONTH:
			return validate_month(value, out, err);
		case COLUMN_AMOUNT:
			return validate_decimal(value, 2, 1e12, true, out, KIND_VALUE_SIZE, NULL, err);
		case COLUMN_HOURS:
			return validate_decimal(value, 2, 744, false, out, KIND_VALUE_SIZE, NULL, err);
		case COLUMN_SIRET:
			return validate_siret(value, out, err);
		case COLUMN_INSEE:
			return validate_insee(value, out, err);
		case COLUMN_YES_NO:
			return validate_yes_no(value, out, err);
		case COLUMN_SEX:
			return validate_sex(value, out, err);
		case COLUMN_CRITERIA:
			return validate_criteria(value, out, KIND_VALUE_SIZE, err);
	}
	snprintf(err, VALIDATE_ERR_SIZE, "type de colonne inconnu");
	return false;
}
