/*
 * Reading one DECP marché (decp_record.h): its fields from the parsed cJSON object, in the
 * 2019, 2022 and flattened forms, its social considerations, titulaires and buyer type.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "importers/decp_record.h"
#include "importers/validate.h"

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

void
decp_record_clean_text(const char *in, char *out, size_t size)
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
		decp_record_clean_text(item->valuestring, out, size);
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
		decp_record_clean_text(item->valuestring, unknown, unknown_size);
}

/* Adds the titulaires found under item: objects with an id, at any array or wrapper level. */
static void
decp_collect_titulaires(DecpRecord *rec, DecpCounts *counts, const cJSON *item, int depth,
						char *err)
{
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
			counts->titulaires_skipped++;
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
			decp_collect_titulaires(rec, counts, child, depth + 1, err);
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

bool
decp_record_read(const cJSON *root, DecpRecord *rec, DecpCounts *counts, const char **column,
				 char *err, char *note, bool *skip)
{
	char text[128], unknown[128] = "", folded[128];
	bool concession = false;
	const cJSON *social = cJSON_GetObjectItemCaseSensitive(root, "considerationsSociales");

	memset(rec, 0, sizeof(*rec));
	note[0] = '\0';
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
		counts->ignored_concessions++;
		return *skip = true;
	}
	if (!rec->clause && !rec->critere && !rec->reserve)
	{
		if (unknown[0] == '\0')
		{
			counts->ignored_no_social++;
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

	decp_collect_titulaires(rec, counts, cJSON_GetObjectItemCaseSensitive(root, "titulaires"), 0, note);
	*column = "titulaires";
	if (rec->ntitulaires == 0)
		return snprintf(err, VALIDATE_ERR_SIZE, "aucun titulaire identifié par un SIRET valide%s%s",
						note[0] ? " : " : "", note), false;
	if (rec->duree_mois == 0)
		counts->without_duration++;
	return true;
}
