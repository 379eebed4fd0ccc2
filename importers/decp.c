/*
 * DECP import: the scanner of json_scan.c walks the outer levels of the file and cuts
 * each marché out of the stream by brace depth; cJSON parses that marché alone; the marchés
 * with a social consideration are COPYed into a stage and merged by decp_fusionner() (SQL).
 */
#include <ctype.h>
#include <libgen.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "checksum.h"
#include "copy_format.h"
#include "decode.h"
#include "decp.h"
#include "json_scan.h"
#include "log.h"
#include "strbuf.h"
#include "validate.h"

#define DECP_MAX_RECORD (8 * 1024 * 1024)	/* bytes of one marché: the memory bound */
#define DECP_MAX_TITULAIRES 50
#define DECP_CONTENT_MAX 2000	/* bytes of a rejected marché kept in rejet.contenu */
#define DECP_FLUSH_SIZE (256 * 1024)
#define DECP_NAME_SIZE 512
#define DECP_OBJET_SIZE 4096

typedef enum
{
	ROLE_ROOT,
	ROLE_MARCHES,				/* value of "marches" */
	ROLE_MARCHE,				/* value of "marche": marchés, as an array or one object */
	ROLE_CONCESSIONS			/* value of "contrat-concession" */
} DecpRole;

typedef struct DecpTitulaire
{
	char siret[15];
	char nom[DECP_NAME_SIZE];	/* "" when not given */
} DecpTitulaire;

/* One marché as read, its texts valid while its cJSON tree lives. */
typedef struct DecpRecord
{
	char id[128];
	char uid[256];
	char acheteur_id[128];
	char acheteur_nom[DECP_NAME_SIZE];
	const char *acheteur_type;	/* inferred when certain, else NULL */
	char objet[DECP_OBJET_SIZE];
	char date_debut[11];
	int duree_mois;				/* 0 when unknown */
	char montant[32];			/* "" when unknown */
	char lieu_code[32];
	const char *lieu_type;
	bool clause, critere, reserve;
	int ntitulaires;
	DecpTitulaire titulaires[DECP_MAX_TITULAIRES];
} DecpRecord;

typedef struct DecpImport
{
	Db *db;
	JsonScan scan;				/* its file is opened and closed here */
	const char *name;			/* file name for messages */
	int max_reported;
	char error[256];			/* structural error: the file is refused */
	bool found;					/* a "marches" container was seen */
	StrBuf record;				/* the marché being cut out */
	StrBuf copy;				/* stage rows not yet sent */
	DecpRecord rec;
	long long read;				/* marchés (and concessions) seen: the current one's ordinal */
	long record_line;			/* line where the current marché starts */
	long long rejected;
	long long reported;			/* messages printed */
	DecpCounts counts;
} DecpImport;

/* ---- walking the outer levels --------------------------------------------- */

static bool
scan_fail(DecpImport *imp, const char *what)
{
	if (imp->error[0] == '\0')
		snprintf(imp->error, sizeof(imp->error), "JSON mal formé ligne %ld : %s", imp->scan.line,
				 what);
	return false;
}

/*
 * Reads the value whose first byte is next, into out when not NULL (its first
 * DECP_MAX_RECORD bytes): a string, a container, or a bare word (number, true, false,
 * null).
 */
static bool
scan_value(DecpImport *imp, StrBuf *out, bool *too_big)
{
	JsonValueInfo info;
	int c = json_scan_peek(&imp->scan);

	if (c != '{' && c != '[' && c != '"')
	{
		bool any = json_scan_word(&imp->scan, out, DECP_MAX_RECORD, &info);

		*too_big = info.too_big;
		if (info.no_memory)
			return false;
		return any || out == NULL ? true : scan_fail(imp, "valeur attendue");
	}

	bool whole = json_scan_value(&imp->scan, out, DECP_MAX_RECORD, JSON_SCAN_ANY_DEPTH, &info);

	*too_big = info.too_big;
	if (info.no_memory)
		return false;
	return whole ? true : scan_fail(imp, "fin de fichier au milieu d'une valeur (fichier tronqué ?)");
}

/* Reads an object key, its ':' and the spaces after; keys with escapes match nothing. */
static bool
scan_key(DecpImport *imp, char *key, size_t size)
{
	switch (json_scan_key(&imp->scan, key, size, NULL))
	{
		case JSON_KEY_OK:
			return true;
		case JSON_KEY_MISSING:
			return scan_fail(imp, "nom de champ attendu");
		case JSON_KEY_TRUNCATED:
			return scan_fail(imp, "fin de fichier dans un nom de champ");
		case JSON_KEY_NO_COLON:
			return scan_fail(imp, "« : » attendu après un nom de champ");
	}
	return false;
}

static bool decp_process_record(DecpImport *imp, long line, bool too_big);
static bool decp_reject(DecpImport *imp, long long ordinal, long line, const char *column,
						const char *reason, const char *content);

/* One element of a container of marchés (or of concessions). */
static bool
walk_element(DecpImport *imp, DecpRole role)
{
	bool too_big = false;
	long line = imp->scan.line;

	if (role == ROLE_CONCESSIONS)
	{
		imp->read++;
		imp->counts.ignored_concessions++;
		return scan_value(imp, NULL, &too_big);
	}
	if (json_scan_peek(&imp->scan) != '{')
	{
		if (!scan_value(imp, &imp->record, &too_big))
			return false;
		imp->read++;
		return decp_reject(imp, imp->read, line, NULL, "cet élément n'est pas un objet JSON (un marché attendu)",
						   imp->record.data);
	}
	return scan_value(imp, &imp->record, &too_big) && decp_process_record(imp, line, too_big);
}

/* Walks the value whose first byte is next, in the role its key gives it. */
static bool
walk_value(DecpImport *imp, DecpRole role)
{
	JsonScan *scan = &imp->scan;
	int c = json_scan_space(scan);
	bool too_big;

	if (role != ROLE_ROOT && role != ROLE_CONCESSIONS)
		imp->found = true;
	if (c == '[')
	{
		json_scan_get(scan);
		if (json_scan_space(scan) == ']')
			return json_scan_get(scan), true;
		for (;;)
		{
			if (!walk_element(imp, role == ROLE_CONCESSIONS ? role : ROLE_MARCHE))
				return false;
			c = json_scan_space(scan);
			json_scan_get(scan);
			if (c == ']')
				return true;
			if (c != ',')
				return scan_fail(imp, "« , » ou « ] » attendu entre deux marchés");
			json_scan_space(scan);
		}
	}
	if (c == '{' && (role == ROLE_MARCHE || role == ROLE_CONCESSIONS))
		return walk_element(imp, role);	/* a single marché, not in an array */
	if (c == '{')
	{
		char key[64];

		json_scan_get(scan);
		if (json_scan_space(scan) == '}')
			return json_scan_get(scan), true;
		for (;;)
		{
			if (!scan_key(imp, key, sizeof(key)))
				return false;
			if (role == ROLE_ROOT && strcmp(key, "marches") == 0)
			{
				if (!walk_value(imp, ROLE_MARCHES))
					return false;
			}
			else if (role == ROLE_MARCHES && strcmp(key, "marche") == 0)
			{
				if (!walk_value(imp, ROLE_MARCHE))
					return false;
			}
			else if (role == ROLE_MARCHES && strcmp(key, "contrat-concession") == 0)
			{
				if (!walk_value(imp, ROLE_CONCESSIONS))
					return false;
			}
			else if (!scan_value(imp, NULL, &too_big))
				return false;
			c = json_scan_space(scan);
			json_scan_get(scan);
			if (c == '}')
				return true;
			if (c != ',')
				return scan_fail(imp, "« , » ou « } » attendu entre deux champs");
			json_scan_space(scan);
		}
	}
	if (role == ROLE_ROOT)
		return scan_fail(imp, c == EOF ? "fichier vide" : "le fichier doit commencer par { ou [");
	if (c == 'n')				/* "marches": null */
		return scan_value(imp, NULL, &too_big);
	return scan_fail(imp, "tableau ou objet de marchés attendu");
}

/* ---- reading one marché ---------------------------------------------------- */

/*
 * Folds text for comparisons: ASCII lower case, French accents dropped, typographic
 * apostrophes as ', runs of spaces (and no-break spaces) as one space, trimmed.
 */
static void
decp_fold(const char *in, char *out, size_t size)
{
	size_t n = 0;
	const unsigned char *p = (const unsigned char *) in;

	while (*p && n + 3 < size)
	{
		int c = *p++;

		if (c == 0xC3 && *p)
		{
			int d = (*p++ | 0x20) + 0x40;	/* as Latin-1, upper case to lower */

			c = (d >= 0xE0 && d <= 0xE5) ? 'a' : d == 0xE7 ? 'c' : (d >= 0xE8 && d <= 0xEB) ? 'e' :
				(d >= 0xEC && d <= 0xEF) ? 'i' : (d >= 0xF2 && d <= 0xF6) ? 'o' :
				(d >= 0xF9 && d <= 0xFC) ? 'u' : '?';
		}
		else if (c == 0xC5 && (*p == 0x93 || *p == 0x92))
		{
			p++;
			out[n++] = 'o';
			c = 'e';
		}
		else if (c == 0xE2 && p[0] == 0x80 && (p[1] == 0x98 || p[1] == 0x99))
		{
			p += 2;
			c = '\'';
		}
		else if (c == 0xC2 && *p == 0xA0)
		{
			p++;
			c = ' ';
		}
		if (c == '\t' || c == '\n' || c == '\r')
			c = ' ';
		if (c == ' ' && (n == 0 || out[n - 1] == ' '))
			continue;
		out[n++] = (char) tolower(c);
	}
	while (n > 0 && out[n - 1] == ' ')
		n--;
	out[n] = '\0';
}

/* Length of text[0..n) without a multi-byte sequence cut by its end. */
static size_t
decp_utf8_cut(const char *text, size_t n)
{
	size_t start = n;

	while (start > 0 && ((unsigned char) text[start - 1] & 0xC0) == 0x80 && n - start < 3)
		start--;
	if (start == 0)
		return n;

	unsigned char lead = (unsigned char) text[start - 1];
	size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;

	return need > n - start + 1 ? start - 1 : n;
}

/* Copies text with control characters as spaces, runs of spaces as one, trimmed, cut
 * on a UTF-8 boundary when too long. */
static void
decp_clean(const char *in, char *out, size_t size)
{
	size_t n = 0;

	for (const unsigned char *p = (const unsigned char *) in; *p && n + 1 < size; p++)
	{
		int c = *p < 0x20 ? ' ' : *p;

		if (c == ' ' && (n == 0 || out[n - 1] == ' '))
			continue;
		out[n++] = (char) c;
	}
	n = decp_utf8_cut(out, n);
	while (n > 0 && out[n - 1] == ' ')
		n--;
	out[n] = '\0';
}

/* A field of obj, or of the flattened "parent.field" form some consolidated files use. */
static const cJSON *
decp_field(const cJSON *obj, const char *parent, const char *name)
{
	const cJSON *p = parent ? cJSON_GetObjectItemCaseSensitive(obj, parent) : obj;
	const cJSON *item = cJSON_IsObject(p) ? cJSON_GetObjectItemCaseSensitive(p, name) : NULL;

	if (item == NULL && parent)
	{
		char flat[128];

		snprintf(flat, sizeof(flat), "%s.%s", parent, name);
		item = cJSON_GetObjectItemCaseSensitive(obj, flat);
	}
	return item;
}

/* The text of a string or number (integers without decimals), cleaned; false when neither. */
static bool
decp_text(const cJSON *item, char *out, size_t size)
{
	out[0] = '\0';
	if (cJSON_IsString(item) && item->valuestring)
		decp_clean(item->valuestring, out, size);
	else if (cJSON_IsNumber(item) && isfinite(item->valuedouble))
	{
		if (item->valuedouble == floor(item->valuedouble) && fabs(item->valuedouble) < 1e15)
			snprintf(out, size, "%.0f", item->valuedouble);
		else
			snprintf(out, size, "%.15g", item->valuedouble);
	}
	return out[0] != '\0';
}

/* "Clause sociale" and the other values, in every nesting seen (see README-decp.md). */
static void
decp_collect_social(DecpRecord *rec, const cJSON *item, int depth, bool *concession,
					char *unknown, size_t unknown_size)
{
	char folded[128];

	if (depth > 5 || item == NULL)
		return;
	if (cJSON_IsArray(item) || cJSON_IsObject(item))
	{
		for (const cJSON *child = item->child; child; child = child->next)
			decp_collect_social(rec, child, depth + 1, concession, unknown, unknown_size);
		return;
	}
	if (!cJSON_IsString(item) || item->valuestring == NULL)
		return;
	decp_fold(item->valuestring, folded, sizeof(folded));
	if (strcmp(folded, "clause sociale") == 0)
		rec->clause = true;
	else if (strcmp(folded, "critere social") == 0)
		rec->critere = true;
	else if (strcmp(folded, "marche reserve") == 0)
		rec->reserve = true;
	else if (strcmp(folded, "concession reservee") == 0)
		*concession = true;
	else if (folded[0] && strcmp(folded, "pas de consideration sociale") != 0 &&
			 strcmp(folded, "nc") != 0 && strcmp(folded, "non communique") != 0 &&
			 strcmp(folded, "non renseigne") != 0 && unknown[0] == '\0')
		decp_clean(item->valuestring, unknown, unknown_size);
}

/* Adds the titulaires found under item: objects with an id, at any array or wrapper level. */
static void
decp_collect_titulaires(DecpImport *imp, const cJSON *item, int depth, char *err)
{
	DecpRecord *rec = &imp->rec;

	if (depth > 5 || item == NULL)
		return;
	/* a titulaire has an id; other objects are wrappers: {"titulaire": {...}} */
	if (cJSON_IsObject(item) &&
		(cJSON_HasObjectItem(item, "id") || cJSON_HasObjectItem(item, "typeIdentifiant")))
	{
		char type[64], id[64], folded[64], siret[15], why[VALIDATE_ERR_SIZE];

		decp_text(cJSON_GetObjectItemCaseSensitive(item, "typeIdentifiant"), type, sizeof(type));
		decp_text(cJSON_GetObjectItemCaseSensitive(item, "id"), id, sizeof(id));
		decp_fold(type, folded, sizeof(folded));
		if ((folded[0] && strcmp(folded, "siret") != 0) || !validate_siret(id, siret, why))
		{
			imp->counts.titulaires_skipped++;
			if (err[0] == '\0')
				snprintf(err, VALIDATE_ERR_SIZE, "titulaire « %.40s » (%.20s) non retenu : %.120s", id,
						 type[0] ? type : "sans typeIdentifiant",
						 folded[0] && strcmp(folded, "siret") != 0 ? "seuls les SIRET sont suivis" : why);
			return;
		}
		for (int i = 0; i < rec->ntitulaires; i++)
			if (strcmp(rec->titulaires[i].siret, siret) == 0)
				return;
		if (rec->ntitulaires >= DECP_MAX_TITULAIRES)
			return;
		DecpTitulaire *t = &rec->titulaires[rec->ntitulaires++];

		memcpy(t->siret, siret, sizeof(t->siret));
		decp_text(cJSON_GetObjectItemCaseSensitive(item, "denominationSociale"), t->nom, sizeof(t->nom));
		return;
	}
	if (cJSON_IsArray(item) || cJSON_IsObject(item))
		for (const cJSON *child = item->child; child; child = child->next)
			decp_collect_titulaires(imp, child, depth + 1, err);
}

/* The type of a buyer, from its name, only for names that leave no doubt. */
static const char *
decp_buyer_type(const char *nom)
{
	static const struct
	{
		const char *prefix;
		const char *type;
	} rules[] = {
		{"commune de ", "commune"}, {"commune d'", "commune"}, {"commune du ", "commune"},
		{"ville de ", "commune"}, {"ville d'", "commune"}, {"mairie de ", "commune"}, {"mairie d'", "commune"},
		{"region ", "region"}, {"conseil regional ", "region"},
		{"departement de ", "departement"}, {"departement du ", "departement"},
		{"departement des ", "departement"}, {"departement d'", "departement"},
		{"conseil departemental ", "departement"}, {"conseil general ", "departement"},
		{"communaute de communes ", "epci"}, {"communaute d'agglomeration ", "epci"},
		{"communaute urbaine ", "epci"}, {"metropole de ", "epci"}, {"metropole d'", "epci"},
		{"ministere ", "etat"}, {"prefecture ", "etat"},
		{"office public de l'habitat", "bailleur"},
	};
	char folded[DECP_NAME_SIZE];
	size_t len;

	decp_fold(nom, folded, sizeof(folded));
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		if (strncmp(folded, rules[i].prefix, strlen(rules[i].prefix)) == 0)
			return rules[i].type;
	len = strlen(folded);
	if (len > 10 && strcmp(folded + len - 10, " metropole") == 0)
		return "epci";			/* Bordeaux Métropole */
	return NULL;
}

static const char *
decp_place_type(const char *type_code)
{
	static const char *const types[][2] = {
		{"code commune", "code_commune"}, {"code postal", "code_postal"},
		{"code arrondissement", "code_arrondissement"}, {"code canton", "code_canton"},
		{"code departement", "code_departement"}, {"code region", "code_region"},
		{"code pays", "code_pays"},
	};
	char folded[64];

	decp_fold(type_code, folded, sizeof(folded));
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(folded, types[i][0]) == 0)
			return types[i][1];
	return "autre";
}

/* dateNotification: AAAA-MM-JJ, optionally followed by a time zone or a time. */
static bool
decp_date(const char *text, char *out, char *err)
{
	char day[11];

	if (strlen(text) < 10 || text[4] != '-' || text[7] != '-' ||
		(text[10] && !strchr("+-ZT ", text[10])))
	{
		snprintf(err, VALIDATE_ERR_SIZE, "dateNotification invalide « %.40s » (AAAA-MM-JJ attendu)", text);
		return false;
	}
	memcpy(day, text, 10);
	day[10] = '\0';
	return validate_date(day, out, err);
}

/*
 * Reads a parsed marché into imp->rec. Returns false with column and err set when the
 * marché must be rejected; *skip says it is to be ignored (counted) instead.
 */
static bool
decp_read_record(DecpImport *imp, const cJSON *root, const char **column, char *err, bool *skip)
{
	DecpRecord *rec = &imp->rec;
	char text[128], unknown[128] = "", folded[128], titulaire_err[VALIDATE_ERR_SIZE] = "";
	bool concession = false;
	const cJSON *social = cJSON_GetObjectItemCaseSensitive(root, "considerationsSociales");

	memset(rec, 0, sizeof(*rec));
	*skip = false;
	decp_text(cJSON_GetObjectItemCaseSensitive(root, "_type"), text, sizeof(text));
	decp_fold(text, folded, sizeof(folded));
	if (strstr(folded, "concession") ||
		(cJSON_HasObjectItem(root, "autoriteConcedante") && !cJSON_HasObjectItem(root, "acheteur")))
		concession = true;
	if (social == NULL)
		social = cJSON_GetObjectItemCaseSensitive(root, "considerationSociale");
	if (social == NULL)
		social = cJSON_GetObjectItemCaseSensitive(root, "considerationsSociales.considerationSociale");
	decp_collect_social(rec, social, 0, &concession, unknown, sizeof(unknown));
	if (concession)
	{
		imp->counts.ignored_concessions++;
		return *skip = true;
	}
	if (!rec->clause && !rec->critere && !rec->reserve)
	{
		if (unknown[0] == '\0')
		{
			imp->counts.ignored_no_social++;
			return *skip = true;
		}
		*column = "considerationsSociales";
		snprintf(err, VALIDATE_ERR_SIZE, "considération sociale inconnue « %.60s » (attendu : Clause sociale, "
				 "Critère social, Marché réservé ou Pas de considération sociale)", unknown);
		return false;
	}

	*column = "id";
	if (!decp_text(cJSON_GetObjectItemCaseSensitive(root, "id"), rec->id, sizeof(rec->id)))
		return snprintf(err, VALIDATE_ERR_SIZE, "identifiant du marché (id) absent"), false;
	*column = "acheteur.id";
	if (!decp_text(decp_field(root, "acheteur", "id"), rec->acheteur_id, sizeof(rec->acheteur_id)))
		return snprintf(err, VALIDATE_ERR_SIZE, "identifiant de l'acheteur (acheteur.id) absent"), false;
	if (!validate_identifier(rec->acheteur_id, err))
		return false;
	*column = "uid";
	if (!decp_text(cJSON_GetObjectItemCaseSensitive(root, "uid"), rec->uid, sizeof(rec->uid)))
		snprintf(rec->uid, sizeof(rec->uid), "%s%s", rec->acheteur_id, rec->id);
	if (!validate_identifier(rec->uid, err))
		return false;
	decp_text(decp_field(root, "acheteur", "nom"), rec->acheteur_nom, sizeof(rec->acheteur_nom));
	rec->acheteur_type = rec->acheteur_nom[0] ? decp_buyer_type(rec->acheteur_nom) : NULL;

	*column = "objet";
	if (!decp_text(cJSON_GetObjectItemCaseSensitive(root, "objet"), rec->objet, sizeof(rec->objet)))
		return snprintf(err, VALIDATE_ERR_SIZE, "objet du marché absent"), false;
	*column = "dateNotification";
	if (!decp_text(cJSON_GetObjectItemCaseSensitive(root, "dateNotification"), text, sizeof(text)))
		return snprintf(err, VALIDATE_ERR_SIZE, "dateNotification absente"), false;
	if (!decp_date(text, rec->date_debut, err))
		return false;

	const cJSON *duree = cJSON_GetObjectItemCaseSensitive(root, "dureeMois");
	double months = cJSON_IsNumber(duree) ? duree->valuedouble :
		(cJSON_IsString(duree) && duree->valuestring ? strtod(duree->valuestring, NULL) : 0);

	if (isfinite(months) && months >= 1 && months <= 1200 && months == floor(months))
		rec->duree_mois = (int) months;

	const cJSON *montant = cJSON_GetObjectItemCaseSensitive(root, "montant");
	double value = -1;

	if (cJSON_IsNumber(montant))
		value = montant->valuedouble;
	else if (decp_text(montant, text, sizeof(text)))
	{
		char canonical[64], why[VALIDATE_ERR_SIZE];

		if (!validate_decimal(text, 6, 1e12, true, canonical, sizeof(canonical), &value, why))
			value = -1;
	}
	if (isfinite(value) && value >= 0 && value < 1e12)
		snprintf(rec->montant, sizeof(rec->montant), "%.2f", value);

	if (decp_text(decp_field(root, "lieuExecution", "code"), rec->lieu_code, 21))
	{
		decp_text(decp_field(root, "lieuExecution", "typeCode"), text, sizeof(text));
		rec->lieu_type = decp_place_type(text);
	}

	decp_collect_titulaires(imp, cJSON_GetObjectItemCaseSensitive(root, "titulaires"), 0, titulaire_err);
	*column = "titulaires";
	if (rec->ntitulaires == 0)
		return snprintf(err, VALIDATE_ERR_SIZE, "aucun titulaire identifié par un SIRET valide%s%s",
						titulaire_err[0] ? " : " : "", titulaire_err), false;
	if (rec->duree_mois == 0)
		imp->counts.without_duration++;
	if (titulaire_err[0] && imp->reported < imp->max_reported)
	{
		imp->reported++;
		log_warn("%s : marché n° %lld (ligne %ld) « %s » : %s", imp->name, imp->read, imp->record_line,
				 rec->id, titulaire_err);
	}
	return true;
}

/* ---- stage rows ---------------------------------------------------------- */

static bool
decp_flush(DecpImport *imp, bool force)
{
	if (imp->copy.len == 0 || (!force && imp->copy.len < DECP_FLUSH_SIZE))
		return true;

	bool ok = db_copy_put(imp->db, imp->copy.data, imp->copy.len);

	strbuf_reset(&imp->copy);
	return ok;
}

static bool
decp_put(StrBuf *row, const char *value)
{
	return copy_next_field(row) && (value && *value ? copy_append_text(row, value) : copy_append_null(row));
}

/* A PostgreSQL array literal element, quoted, or NULL for an empty text. */
static bool
decp_put_array_item(StrBuf *buf, const char *value, bool first)
{
	if (!first && !strbuf_putc(buf, ','))
		return false;
	if (*value == '\0')
		return strbuf_puts(buf, "NULL");
	if (!strbuf_putc(buf, '"'))
		return false;
	for (const char *p = value; *p; p++)
		if (((*p == '"' || *p == '\\') && !strbuf_putc(buf, '\\')) || !strbuf_putc(buf, *p))
			return false;
	return strbuf_putc(buf, '"');
}

static bool
decp_emit(DecpImport *imp, long long ordinal)
{
	const DecpRecord *rec = &imp->rec;
	StrBuf array = {0};
	StrBuf *row = &imp->copy;
	char duree[16] = "";
	bool ok;

	if (rec->duree_mois > 0)
		snprintf(duree, sizeof(duree), "%d", rec->duree_mois);
	ok = copy_append_int(row, ordinal) && decp_put(row, NULL) && decp_put(row, NULL) &&
		decp_put(row, NULL) && decp_put(row, rec->uid) && decp_put(row, rec->acheteur_id) &&
		decp_put(row, rec->acheteur_nom) && decp_put(row, rec->acheteur_type) &&
		decp_put(row, rec->objet) &&
		decp_put(row, rec->reserve ? "reserve_siae" : rec->clause ? "execution" : "critere");

	ok = ok && strbuf_puts(&array, "{");
	if (rec->clause)
		ok = ok && decp_put_array_item(&array, "Clause sociale", array.len == 1);
	if (rec->critere)
		ok = ok && decp_put_array_item(&array, "Critère social", array.len == 1);
	if (rec->reserve)
		ok = ok && decp_put_array_item(&array, "Marché réservé", array.len == 1);
	ok = ok && strbuf_puts(&array, "}") && decp_put(row, array.data) &&
		decp_put(row, rec->date_debut) && decp_put(row, duree) && decp_put(row, rec->montant) &&
		decp_put(row, rec->lieu_code) && decp_put(row, rec->lieu_code[0] ? rec->lieu_type : NULL);

	for (int pass = 0; ok && pass < 2; pass++)
	{
		strbuf_reset(&array);
		ok = strbuf_puts(&array, "{");
		for (int i = 0; ok && i < rec->ntitulaires; i++)
			ok = decp_put_array_item(&array, pass == 0 ? rec->titulaires[i].siret : rec->titulaires[i].nom,
									 i == 0);
		ok = ok && strbuf_puts(&array, "}") && decp_put(row, array.data);
	}
	strbuf_free(&array);
	return ok && copy_end_row(row) && decp_flush(imp, false);
}

/* A stage row for a rejected marché, and its message (the first max_reported). */
static bool
decp_reject(DecpImport *imp, long long ordinal, long line, const char *column, const char *reason,
			const char *content)
{
	StrBuf *row = &imp->copy;
	StrBuf text = {0};
	size_t len = content ? strlen(content) : 0;
	size_t keep = len < DECP_CONTENT_MAX ? len : DECP_CONTENT_MAX;
	char why[VALIDATE_ERR_SIZE];
	bool ok;

	imp->rejected++;
	if (imp->reported < imp->max_reported)
	{
		imp->reported++;
		log_warn("%s : marché n° %lld (ligne %ld) rejeté%s%s : %s", imp->name, ordinal, line,
				 column ? ", champ " : "", column ? column : "", reason);
	}
	while (keep < len && keep > 0 && ((unsigned char) content[keep] & 0xC0) == 0x80)
		keep--;
	ok = strbuf_printf(&text, "[ligne %ld] ", line) && (keep == 0 || strbuf_append(&text, content, keep)) &&
		(keep == len || strbuf_puts(&text, "…"));
	/* invalid UTF-8 would make the server refuse the whole COPY */
	snprintf(why, sizeof(why), "%s", reason);
	decode_utf8_sanitize(why);
	if (ok)
		decode_utf8_sanitize(text.data);
	ok = ok && copy_append_int(row, ordinal) && decp_put(row, why) && decp_put(row, column) &&
		decp_put(row, text.data);
	for (int i = 0; ok && i < 14; i++)
		ok = copy_next_field(row) && copy_append_null(row);
	strbuf_free(&text);
	return ok && copy_end_row(row) && decp_flush(imp, false);
}

/* Handles the marché just cut out of the stream into imp->record. */
static bool
decp_process_record(DecpImport *imp, long line, bool too_big)
{
	const char *text = imp->record.data;
	size_t len = imp->record.len;
	long long ordinal = ++imp->read;
	char err[VALIDATE_ERR_SIZE];
	const char *column = NULL;
	bool skip = false;

	imp->record_line = line;

	if (too_big)
		return decp_reject(imp, ordinal, line, NULL, "marché trop volumineux (plus de 8 Mio)", text);

	size_t bad = decode_utf8_invalid_offset(text, len);

	if (bad < len || memchr(text, '\0', len))
	{
		snprintf(err, sizeof(err), "octet 0x%02X invalide en UTF-8 (le fichier doit être en UTF-8)",
				 bad < len ? (unsigned char) text[bad] : 0);
		return decp_reject(imp, ordinal, line, NULL, err, text);
	}

	cJSON *root = cJSON_ParseWithLength(text, len);

	if (root == NULL)
	{
		const char *where = cJSON_GetErrorPtr();
		long at = line;

		for (const char *p = text; where && p < where && p < text + len; p++)
			at += *p == '\n';
		snprintf(err, sizeof(err), "JSON invalide ligne %ld près de « %.30s »", at,
				 where && where >= text && where < text + len ? where : "");
		decp_clean(err, err, sizeof(err));
		return decp_reject(imp, ordinal, line, NULL, err, text);
	}

	bool ok;

	if (!cJSON_IsObject(root))
		ok = decp_reject(imp, ordinal, line, NULL, "cet élément n'est pas un objet JSON (un marché attendu)", text);
	else if (!decp_read_record(imp, root, &column, err, &skip))
		ok = decp_reject(imp, ordinal, line, column, err, text);
	else
		ok = skip || decp_emit(imp, ordinal);
	cJSON_Delete(root);
	return ok;
}

/* ---- the batch ----------------------------------------------------------- */

static bool
decp_lot_callback(void *context, const DbRow *row)
{
	ImportResult *result = context;

	result->lot_id = strtoll(db_row_value(row, 0), NULL, 10);
	snprintf(result->previous_date, sizeof(result->previous_date), "%s", db_row_value(row, 1));
	return true;
}

/* Finds the batch of this checksum (IMPORT_ALREADY_DONE) or opens a new one. */
static ImportStatus
decp_open_batch(Db *db, const char *name, const char *sha, ImportResult *result)
{
	const char *params[] = {sha, "decp", name};
	char id[32];

	result->lot_id = 0;
	/* the same file imported twice at once: the second waits, then finds the first's batch */
	if (!db_query(db, "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", 1, params,
				  NULL, NULL, NULL) ||
		!db_query(db, "SELECT id, to_char(importe_le, 'DD/MM/YYYY HH24:MI') FROM lot_import "
				  "WHERE sha256 = $1 AND nature = $2", 2, params, decp_lot_callback, result, NULL))
		return IMPORT_DATABASE_ERROR;
	if (result->lot_id > 0)
		return IMPORT_ALREADY_DONE;
	if (!db_query_value(db, "INSERT INTO lot_import (nature, fichier, sha256) VALUES ($2, $3, $1) "
						"RETURNING id", 3, params, id, sizeof(id), NULL))
		return IMPORT_DATABASE_ERROR;
	result->lot_id = strtoll(id, NULL, 10);
	return IMPORT_LOADED;
}

static const char DECP_STAGE_SQL[] =
	"CREATE TEMP TABLE decp_stage ("
	" ligne integer PRIMARY KEY, motif text, colonne text, contenu text,"
	" decp_uid text, acheteur_id text, acheteur_nom text, acheteur_type text, objet text,"
	" forme text, considerations text[], date_debut date, duree_mois integer,"
	" montant numeric(14, 2), lieu_code text, lieu_type text, titulaires_siret char(14)[],"
	" titulaires_nom text[], remplace boolean NOT NULL DEFAULT false) ON COMMIT DROP";

static const char DECP_COPY_SQL[] =
	"COPY decp_stage (ligne, motif, colonne, contenu, decp_uid, acheteur_id, acheteur_nom,"
	" acheteur_type, objet, forme, considerations, date_debut, duree_mois, montant, lieu_code,"
	" lieu_type, titulaires_siret, titulaires_nom) FROM STDIN";

/* Streams the file's marchés into the stage; false on a structural error or a failure. */
static ImportStatus
decp_stream(DecpImport *imp, const char *path)
{
	unsigned char bom[3];

	FILE *file = fopen(path, "rb");

	if (file == NULL)
	{
		log_error("%s : ouverture impossible", imp->name);
		return IMPORT_FILE_REJECTED;
	}
	if (fread(bom, 1, 3, file) != 3 || bom[0] != 0xEF || bom[1] != 0xBB || bom[2] != 0xBF)
		rewind(file);
	json_scan_init(&imp->scan, file);
	if (!db_exec(imp->db, DECP_STAGE_SQL) || !db_copy_begin(imp->db, DECP_COPY_SQL))
		return IMPORT_DATABASE_ERROR;

	bool ok = walk_value(imp, ROLE_ROOT);

	if (ok && json_scan_space(&imp->scan) != EOF)
		ok = scan_fail(imp, "contenu après la fin du JSON");
	if (ok && ferror(file))
		ok = scan_fail(imp, "erreur de lecture");
	if (ok && !imp->found)
		ok = scan_fail(imp, "aucun champ « marches » (attendu : {\"marches\": [...]} ou "
					   "{\"marches\": {\"marche\": [...]}})");
	if (!ok && imp->error[0] == '\0')
		snprintf(imp->error, sizeof(imp->error), "import interrompu");
	if (ok && decp_flush(imp, true) && db_copy_end(imp->db))
		return IMPORT_LOADED;
	db_copy_abort(imp->db, "import interrompu");
	if (imp->error[0])
	{
		log_error("%s : %s ; fichier refusé", imp->name, imp->error);
		return IMPORT_FILE_REJECTED;
	}
	return IMPORT_DATABASE_ERROR;
}

typedef struct DecpMerged
{
	long long loaded, unchanged, rejected, duplicates;
} DecpMerged;

static bool
decp_merged_callback(void *context, const DbRow *row)
{
	DecpMerged *merged = context;

	merged->loaded = strtoll(db_row_value(row, 0), NULL, 10);
	merged->unchanged = strtoll(db_row_value(row, 1), NULL, 10);
	merged->rejected = strtoll(db_row_value(row, 2), NULL, 10);
	merged->duplicates = strtoll(db_row_value(row, 3), NULL, 10);
	return true;
}

/* Merges the stage (sql/views/40_decp.sql) and records the batch's counts. */
static bool
decp_merge(DecpImport *imp, ImportResult *result)
{
	char lot[32], read[32], loaded[32], rejected[32], unchanged[32], ignored[32];
	DecpMerged merged = {0};

	snprintf(lot, sizeof(lot), "%lld", result->lot_id);
	if (!db_query(imp->db, "SELECT * FROM decp_fusionner($1)", 1, (const char *[]) {lot},
				  decp_merged_callback, &merged, NULL))
		return false;
	imp->counts.duplicates = merged.duplicates;
	result->rows_read = imp->read;
	result->rows_loaded = merged.loaded;
	result->rows_unchanged = merged.unchanged;
	result->rows_rejected = merged.rejected;

	snprintf(read, sizeof(read), "%lld", result->rows_read);
	snprintf(loaded, sizeof(loaded), "%lld", result->rows_loaded);
	snprintf(rejected, sizeof(rejected), "%lld", result->rows_rejected);
	snprintf(unchanged, sizeof(unchanged), "%lld", result->rows_unchanged);
	snprintf(ignored, sizeof(ignored), "%lld", imp->counts.ignored_no_social +
			 imp->counts.ignored_concessions + imp->counts.duplicates);

	const char *params[] = {lot, read, loaded, rejected, unchanged, ignored};

	return db_query(imp->db, "UPDATE lot_import SET lignes_lues = $2, lignes_chargees = $3, "
					"lignes_rejetees = $4, lignes_inchangees = $5, lignes_ignorees = $6 WHERE id = $1",
					6, params, NULL, NULL, NULL);
}

static void
decp_log_summary(const DecpImport *imp)
{
	const DecpCounts *c = &imp->counts;

	if (imp->rejected > imp->reported)
		log_warn("%s : … et %lld autres marchés rejetés (clause report rejets)", imp->name,
				 imp->rejected - imp->reported);
	log_info("%s : ignorés : %lld sans considération sociale, %lld contrats de concession, "
			 "%lld doublons (dernière occurrence retenue)", imp->name, c->ignored_no_social,
			 c->ignored_concessions, c->duplicates);
	if (c->titulaires_skipped > 0)
		log_notice("%s : %lld titulaires non identifiés par un SIRET valide, non retenus", imp->name,
				   c->titulaires_skipped);
	if (c->without_duration > 0)
		log_info("%s : %lld marchés sans dureeMois valide (date de fin = date de notification)",
				 imp->name, c->without_duration);
}

ImportStatus
import_decp_file(Db *db, const char *path, bool strict, int max_reported, ImportResult *result,
				 DecpCounts *counts)
{
	char *path_copy = strdup(path);
	char sha[CHECKSUM_HEX_SIZE];
	DecpImport *imp = calloc(1, sizeof(DecpImport));
	ImportStatus status;

	memset(result, 0, sizeof(*result));
	if (counts)
		memset(counts, 0, sizeof(*counts));
	if (path_copy == NULL || imp == NULL)
	{
		free(path_copy);
		free(imp);
		return IMPORT_INTERNAL_ERROR;
	}
	imp->db = db;
	imp->name = basename(path_copy);
	imp->max_reported = max_reported;

	if (!checksum_file_sha256(path, sha))
		status = IMPORT_FILE_REJECTED;
	else if (!db_begin(db))
		status = IMPORT_DATABASE_ERROR;
	else
	{
		status = decp_open_batch(db, imp->name, sha, result);
		if (status == IMPORT_LOADED)
			status = decp_stream(imp, path);
		if (status == IMPORT_LOADED && !decp_merge(imp, result))
			status = IMPORT_DATABASE_ERROR;
		if (status == IMPORT_LOADED)
			decp_log_summary(imp);
		if (status == IMPORT_LOADED && result->rows_rejected > 0)
		{
			if (strict)
				log_error("%s : %lld marchés rejetés et --strict : fichier refusé en entier, "
						  "rien n'a été chargé", imp->name, result->rows_rejected);
			status = strict ? IMPORT_FILE_REJECTED : IMPORT_ROWS_REJECTED;
		}

		bool keep = status == IMPORT_LOADED || status == IMPORT_ROWS_REJECTED;

		if (keep && !db_commit(db))
			status = IMPORT_DATABASE_ERROR;
		if (!keep || status == IMPORT_DATABASE_ERROR)
			db_rollback(db);
	}
	if (counts)
		*counts = imp->counts;
	if (imp->scan.file)
		fclose(imp->scan.file);
	strbuf_free(&imp->record);
	strbuf_free(&imp->copy);
	free(imp);
	free(path_copy);
	return status;
}
