/*
 * clause profile draft: the first rows of a sender's file become a proposed profile.
 * The header is the first row nearly as wide as the widest; its columns are matched to
 * the canonical fields by the names senders give them, and the contract values seen are
 * mapped to the canonical ones. What cannot be guessed is said, never invented.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "importers/csv_reader.h"
#include "importers/normalize.h"
#include "importers/profile_draft.h"
#include "importers/xlsx_reader.h"
#include "src/lib/log.h"

#define DRAFT_ROWS 40			/* rows read to find the header and the values */
#define DRAFT_FIELDS 64

/* The names senders give each field, normalised (lower case, no accents or punctuation). */
typedef struct Synonyms
{
	const char *field;
	const char *const names[16];
} Synonyms;

/* Order matters: "heures de formation" is training before it is hours. */
static const Synonyms SYNONYMS[] = {
	{"heures_formation", {"heures formation", "heures de formation", "dont formation", "formation",
	"nb heures formation", "h formation", NULL}},
	{"heures", {"heures payees", "nb d heures", "nb heures", "nombre d heures", "nombre heures",
	"heures travaillees", "heures realisees", "heures", "heures effectuees", "total heures",
	"heures insertion", "heures d insertion", "h travaillees", NULL}},
	{"marche_id", {"ref marche", "reference marche", "ref du marche", "marche", "n marche",
	"no marche", "code marche", "chantier", "marche id", "id marche", NULL}},
	{"employeur_siret", {"n siret", "no siret", "siret", "siret employeur", "siret entreprise",
	"employeur siret", NULL}},
	{"mois", {"mois", "periode", "mois de", "mois concerne", "semaine du", "semaine", "date",
	"date de la semaine", "debut de semaine", NULL}},
	{"participant_id", {"n participant", "no participant", "participant", "id participant",
	"participant id", "identifiant participant", "n plie", NULL}},
	{"nom", {"nom", "nom du salarie", "interimaire", "nom salarie", "nom de famille", NULL}},
	{"prenom", {"prenom", "prenom du salarie", "prenom salarie", NULL}},
	{"date_naissance", {"ne e le", "ne le", "nee le", "date de naissance", "naissance",
	"date naissance", "ddn", NULL}},
	{"type_contrat", {"contrat", "type de contrat", "type contrat", "nature du contrat", NULL}},
	{"modalite", {"modalite", "modalite d emploi", NULL}},
};

#define NSYNONYMS ((int) (sizeof(SYNONYMS) / sizeof(SYNONYMS[0])))

/* Contract words senders use and the canonical value each means. */
static const struct
{
	const char *word;			/* normalised, matched at the start */
	const char *value;
} CONTRACTS[] = {
	{"interim", "ctt"}, {"ctt", "ctt"}, {"mission", "ctt"}, {"cddi", "cddi"},
	{"cdd insertion", "cddi"}, {"cdd d insertion", "cddi"}, {"cdi", "cdi"}, {"cdd", "cdd"},
	{"apprenti", "apprentissage"}, {"contrat d apprentissage", "apprentissage"},
	{"contrat de professionnalisation", "professionnalisation"},
	{"professionnalisation", "professionnalisation"}, {"contrat pro", "professionnalisation"},
};

typedef struct DraftRows
{
	int count;
	int line[DRAFT_ROWS];
	int nfields[DRAFT_ROWS];
	char *fields[DRAFT_ROWS][DRAFT_FIELDS];
} DraftRows;

static bool
draft_keep_row(void *context, const CsvRecord *record)
{
	DraftRows *rows = context;
	int r = rows->count;

	if (record->error)
		return true;
	rows->line[r] = record->line;
	rows->nfields[r] = record->nfields < DRAFT_FIELDS ? record->nfields : DRAFT_FIELDS;
	for (int i = 0; i < rows->nfields[r]; i++)
		rows->fields[r][i] = strdup(record->fields[i]);
	rows->count++;
	return rows->count < DRAFT_ROWS;
}

static void
draft_rows_free(DraftRows *rows)
{
	for (int r = 0; r < rows->count; r++)
		for (int i = 0; i < rows->nfields[r]; i++)
			free(rows->fields[r][i]);
}

static int
filled(const DraftRows *rows, int r)
{
	int n = 0;

	for (int i = 0; i < rows->nfields[r]; i++)
		n += rows->fields[r][i] && *rows->fields[r][i] != '\0';
	return n;
}

/* The header: the first row with at least 60 % of the widest row's cells filled. */
static int
draft_find_header(const DraftRows *rows)
{
	int widest = 0;

	for (int r = 0; r < rows->count; r++)
		if (filled(rows, r) > widest)
			widest = filled(rows, r);
	for (int r = 0; r < rows->count; r++)
		if (filled(rows, r) * 10 >= widest * 6 && filled(rows, r) >= 2)
			return r;
	return -1;
}

static char *
normalized(const char *text)
{
	StrBuf out = {0};

	normalize_name(text, &out);
	if (out.data == NULL)
		strbuf_puts(&out, "");
	/* "Réf. marché" and "N° SIRET": the punctuation left by normalize_name goes too */
	for (char *p = out.data; p && *p; p++)
	{
		if (*p == '.' || *p == '(' || *p == ')' || *p == ':' || *p == '/' || *p == '#')
			*p = ' ';
		/* the degree and ordinal signs of "N°", "Nº" */
		if ((unsigned char) p[0] == 0xC2 && ((unsigned char) p[1] == 0xB0 || (unsigned char) p[1] == 0xBA))
			p[0] = p[1] = ' ';
	}

	char *w = out.data;

	for (const char *p = out.data; p && *p; p++)
		if (!(*p == ' ' && (w == out.data || w[-1] == ' ')))
			*w++ = *p;
	while (w > out.data && w[-1] == ' ')
		w--;
	if (w)
		*w = '\0';
	return out.data;
}

/* The column of the header that a field's synonyms name, first exact, -1 when none. */
static int
draft_match(char *const *names, int n, const Synonyms *synonyms, const bool *taken)
{
	for (int s = 0; synonyms->names[s]; s++)
		for (int i = 0; i < n; i++)
			if (!taken[i] && strcmp(names[i], synonyms->names[s]) == 0)
				return i;
	return -1;
}

static bool
looks_like_week(const char *name)
{
	return strstr(name, "semaine") != NULL || strcmp(name, "date") == 0 || strstr(name, "debut") != NULL;
}

/* The value map of the contract column, from the values seen under the header. */
static cJSON *
draft_contracts(const DraftRows *rows, int header, int column, StrBuf *notes, bool *interim)
{
	cJSON *values = cJSON_CreateObject();

	for (int r = header + 1; r < rows->count; r++)
	{
		const char *raw = column < rows->nfields[r] ? rows->fields[r][column] : NULL;

		if (raw == NULL || *raw == '\0' || cJSON_GetObjectItemCaseSensitive(values, raw))
			continue;

		char *word = normalized(raw);
		const char *value = NULL;

		for (size_t c = 0; value == NULL && c < sizeof(CONTRACTS) / sizeof(CONTRACTS[0]); c++)
			if (strncmp(word, CONTRACTS[c].word, strlen(CONTRACTS[c].word)) == 0)
				value = CONTRACTS[c].value;
		if (strcmp(word, "total") == 0 || strncmp(word, "total ", 6) == 0)
			value = NULL;
		else if (value == NULL)
		{
			value = "autre";
			strbuf_printf(notes, "type_contrat : « %s » mis à « autre » : à vérifier\n", raw);
		}
		*interim = *interim || strcmp(value, "ctt") == 0;
		cJSON_AddStringToObject(values, raw, value);
		free(word);
	}
	return values;
}

/* The column whose rows start with "total", for ignorer_si. */
static int
draft_total_column(const DraftRows *rows, int header)
{
	for (int r = header + 1; r < rows->count; r++)
		for (int i = 0; i < rows->nfields[r]; i++)
		{
			char *word = normalized(rows->fields[r][i] ? rows->fields[r][i] : "");
			bool total = strncmp(word, "total", 5) == 0;

			free(word);
			if (total)
				return i;
			if (rows->fields[r][i] && *rows->fields[r][i])
				break;			/* only the first filled cell of a row says total */
		}
	return -1;
}

static void
add_column(cJSON *columns, const char *field, const char *header_name)
{
	cJSON_AddStringToObject(columns, field, header_name);
}

/* Builds the colonnes and participant_par_nom of the draft. */
static void
draft_columns(cJSON *root, const DraftRows *rows, int header, StrBuf *notes)
{
	int n = rows->nfields[header];
	char *names[DRAFT_FIELDS];
	bool taken[DRAFT_FIELDS] = {false};
	int found[NSYNONYMS];
	cJSON *columns = cJSON_CreateObject();
	bool interim = false;

	for (int i = 0; i < n; i++)
		names[i] = normalized(rows->fields[header][i] ? rows->fields[header][i] : "");
	for (int s = 0; s < NSYNONYMS; s++)
	{
		found[s] = draft_match(names, n, &SYNONYMS[s], taken);
		if (found[s] >= 0)
			taken[found[s]] = true;
	}

	/* the canonical order: participant, employer, marché, month, hours… */
	static const char *const ORDER[] = {"participant_id", "employeur_siret", "marche_id", "mois",
	"heures", "heures_formation", "type_contrat", "modalite", NULL};

	for (int o = 0; ORDER[o]; o++)
	{
		int s = 0;

		while (strcmp(SYNONYMS[s].field, ORDER[o]) != 0)
			s++;

		int c = found[s];
		const char *header_name = c >= 0 ? rows->fields[header][c] : NULL;

		if (strcmp(ORDER[o], "participant_id") == 0 && c < 0)
			continue;			/* found by name instead, below */
		if (c < 0 && strcmp(ORDER[o], "heures_formation") == 0)
			continue;			/* optional */
		if (c < 0 && strcmp(ORDER[o], "employeur_siret") == 0)
		{
			cJSON *siret = cJSON_CreateObject();

			cJSON_AddStringToObject(siret, "constante", "SIRET DE L'EMPLOYEUR");
			cJSON_AddItemToObject(columns, ORDER[o], siret);
			strbuf_puts(notes, "employeur_siret : pas de colonne SIRET ; mettez le SIRET (14 chiffres) "
						"de l'employeur dans « constante »\n");
			continue;
		}
		if (c < 0 && strcmp(ORDER[o], "modalite") == 0)
			continue;			/* after the contracts: an ETTI puts at disposal */
		if (c < 0)
		{
			strbuf_printf(notes, "%s : aucune colonne reconnue ; indiquez le nom de sa colonne\n", ORDER[o]);
			add_column(columns, ORDER[o], "NOM DE LA COLONNE");
			continue;
		}
		if (strcmp(ORDER[o], "mois") == 0 && looks_like_week(names[c]))
		{
			cJSON *month = cJSON_CreateObject();

			cJSON_AddStringToObject(month, "colonne", header_name);
			cJSON_AddBoolToObject(month, "mois_de_la_date", true);
			cJSON_AddItemToObject(columns, "mois", month);
			cJSON_AddBoolToObject(root, "cumul_mensuel", true);
			strbuf_printf(notes, "mois : pris de la date « %s », lignes d'un même mois cumulées "
						  "(cumul_mensuel)\n", header_name);
			continue;
		}
		if (strcmp(ORDER[o], "type_contrat") == 0)
		{
			cJSON *contract = cJSON_CreateObject();

			cJSON_AddStringToObject(contract, "colonne", header_name);
			cJSON_AddItemToObject(contract, "valeurs", draft_contracts(rows, header, c, notes, &interim));
			cJSON_AddItemToObject(columns, "type_contrat", contract);
			continue;
		}
		add_column(columns, ORDER[o], header_name);
	}
	if (found[10] < 0)
	{
		cJSON *modalite = cJSON_CreateObject();

		cJSON_AddStringToObject(modalite, "constante", interim ? "mise_a_disposition" : "embauche_directe");
		cJSON_AddItemToObject(columns, "modalite", modalite);
		strbuf_printf(notes, "modalite : « %s » pour toutes les lignes : à vérifier\n",
					  interim ? "mise_a_disposition" : "embauche_directe");
	}
	cJSON_AddItemToObject(root, "colonnes", columns);

	/* no participant id: found by name and birth date */
	if (found[5] < 0)
	{
		cJSON *person = cJSON_CreateObject();
		static const char *const PERSON[] = {"nom", "prenom", "date_naissance"};

		for (int p = 0; p < 3; p++)
		{
			int c = found[6 + p];

			cJSON_AddStringToObject(person, PERSON[p], c >= 0 ? rows->fields[header][c] : "NOM DE LA COLONNE");
			if (c < 0)
				strbuf_printf(notes, "participant_par_nom.%s : aucune colonne reconnue\n", PERSON[p]);
		}
		cJSON_AddItemToObject(root, "participant_par_nom", person);
		strbuf_puts(notes, "participants : pas d'identifiant, retrouvés par nom, prénom et date de naissance\n");
	}
	for (int i = 0; i < n; i++)
	{
		if (!taken[i] && *names[i])
			strbuf_printf(notes, "colonne « %s » non utilisée\n", rows->fields[header][i]);
		free(names[i]);
	}
}

static bool
draft_is_json(const char *path)
{
	FILE *file = fopen(path, "rb");
	int c;

	if (file == NULL)
		return false;
	while ((c = getc(file)) == ' ' || c == '\n' || c == '\r' || c == '\t' || c == 0xEF ||
		   c == 0xBB || c == 0xBF)
		;
	fclose(file);
	return c == '{' || c == '[';
}

bool
profile_draft(const char *path, const char *name, StrBuf *json, StrBuf *notes)
{
	DraftRows rows = {0};
	SourceMagic magic = source_magic(path);
	CsvReader reader = {0};
	bool ok;

	if (magic == SOURCE_OLE2)
	{
		log_error("%s : classeur Excel 97-2003 (.xls) : enregistrez-le au format .xlsx, puis "
				  "relancez sur le nouveau fichier", path);
		return false;
	}
	if (magic == SOURCE_TEXT && draft_is_json(path))
	{
		log_error("%s : fichier JSON : profile draft lit les CSV et les classeurs ; partez de "
				  "l'exemple JSON de profiles/README.md (\"tableau\", champs pointés)", path);
		return false;
	}
	if (magic == SOURCE_ZIP)
		ok = xlsx_reader_run(path, path, NULL, draft_keep_row, &rows) || rows.count == DRAFT_ROWS;
	else
	{
		ok = csv_reader_open(&reader, path, 0, NULL);
		ok = ok && (csv_reader_run(&reader, draft_keep_row, &rows) || rows.count == DRAFT_ROWS);
	}

	int header = ok ? draft_find_header(&rows) : -1;

	if (ok && header < 0)
	{
		log_error("%s : aucun en-tête trouvé dans les %d premières lignes", path, DRAFT_ROWS);
		ok = false;
	}
	if (ok)
	{
		cJSON *root = cJSON_CreateObject();
		char description[512];

		snprintf(description, sizeof(description), "Proposé par clause profile draft d'après « %s » : à relire", path);
		cJSON_AddStringToObject(root, "nom", name);
		cJSON_AddStringToObject(root, "description", description);
		cJSON_AddStringToObject(root, "nature", "heures");
		cJSON_AddStringToObject(root, "format", magic == SOURCE_ZIP ? "xlsx" : "csv");
		if (magic != SOURCE_ZIP)
		{
			char delimiter[3] = {reader.delimiter, '\0', '\0'};

			if (reader.delimiter == '\t')
				snprintf(delimiter, sizeof(delimiter), "\\t");
			cJSON_AddStringToObject(root, "encodage", reader.encoding == ENCODING_CP1252 ? "windows-1252" : "utf-8");
			cJSON_AddStringToObject(root, "separateur", delimiter);
		}
		if (rows.line[header] > 1)
		{
			cJSON_AddNumberToObject(root, "lignes_titre", rows.line[header] - 1);
			strbuf_printf(notes, "en-tête ligne %d : %d ligne%s de titre avant lui\n", rows.line[header],
						  rows.line[header] - 1, rows.line[header] > 2 ? "s" : "");
		}

		int total = draft_total_column(&rows, header);

		if (total >= 0 && total < rows.nfields[header])
		{
			cJSON *skip = cJSON_CreateObject();

			cJSON_AddStringToObject(skip, "colonne", rows.fields[header][total]);
			cJSON_AddStringToObject(skip, "commence_par", "total");
			cJSON_AddItemToObject(root, "ignorer_si", skip);
			strbuf_puts(notes, "lignes de total ignorées (ignorer_si)\n");
		}
		draft_columns(root, &rows, header, notes);

		char *text = cJSON_Print(root);

		ok = text != NULL && strbuf_puts(json, text) && strbuf_putc(json, '\n');
		free(text);
		cJSON_Delete(root);
	}
	if (magic != SOURCE_ZIP)
		csv_reader_close(&reader);
	draft_rows_free(&rows);
	return ok;
}
