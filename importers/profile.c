/*
 * Loading of source profiles (profiles/NAME.json) with cJSON. Every key is checked,
 * so that a typo in a profile is an error naming the key, not a silent default.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "importers/closest.h"
#include "importers/decode.h"
#include "importers/normalize.h"
#include "importers/profile.h"
#include "src/lib/log.h"

static const char *const TOP_KEYS[] = {
	"nom", "description", "nature", "format", "feuille", "fichiers", "tableau", "encodage", "separateur",
	"lignes_titre", "ignorer_si", "separateur_milliers", "colonnes", "participant_par_nom",
	"cumul_mensuel", NULL
};

static char *
read_whole_file(const char *path)
{
	FILE *file = fopen(path, "rb");

	if (file == NULL)
	{
		log_error("profil %s : ouverture impossible : %s", path, log_strerror(errno));
		return NULL;
	}

	StrBuf text = {0};
	char chunk[8192];
	size_t n;

	while ((n = fread(chunk, 1, sizeof(chunk), file)) > 0)
		if (!strbuf_append(&text, chunk, n) || text.len > 1024 * 1024)
		{
			log_error("profil %s : fichier trop grand", path);
			strbuf_free(&text);
			fclose(file);
			return NULL;
		}
	fclose(file);
	if (text.data == NULL)
		strbuf_puts(&text, "");
	return text.data;
}

static char *
normalized_copy(const char *text)
{
	StrBuf out = {0};

	if (!normalize_name(text, &out) || (out.data == NULL && !strbuf_puts(&out, "")))
	{
		strbuf_free(&out);
		return NULL;
	}
	return out.data;
}

/* Every problem of a profile is reported, then loading fails: one pass shows them all. */
static bool
profile_error(const Profile *profile, const char *key, const char *what)
{
	log_error("profil %s : « %s » %s", profile->path, key, what);
	return false;
}

/* The keys allowed at one place, "a, b, c", for messages. */
static void
key_list(const char *const *keys, char *out, size_t size)
{
	size_t used = 0;

	out[0] = '\0';
	for (int i = 0; keys[i] && used < size; i++)
		used += (size_t) snprintf(out + used, size - used, "%s%s", i ? ", " : "", keys[i]);
}

/* Reports each member of object not in keys, naming the valid ones; false when any. */
static bool
check_keys(const Profile *profile, const char *where, const cJSON *object,
		   const char *const *keys)
{
	const cJSON *member;
	char valid[512];
	bool ok = true;

	key_list(keys, valid, sizeof(valid));
	cJSON_ArrayForEach(member, object)
	{
		bool known = false;

		for (int i = 0; keys[i]; i++)
			known = known || strcmp(member->string, keys[i]) == 0;
		if (!known)
		{
			char near[96] = "";

			/* a typo: the valid key one or two letters away */
			for (int i = 0; keys[i] && !near[0]; i++)
				if (closest_distance(member->string, keys[i], 2) <= 2)
					snprintf(near, sizeof(near), " (vouliez-vous dire « %s » ?)", keys[i]);
			log_error("profil %s : « %s%s%s » : clé inconnue%s ; clés possibles %s%s : %s",
					  profile->path, where ? where : "", where ? "." : "", member->string, near,
					  where ? "dans " : "à la racine", where ? where : "", valid);
			ok = false;
		}
	}
	return ok;
}

static bool
string_member(const Profile *profile, const cJSON *object, const char *key, char **out,
			  bool required)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(object, key);

	*out = NULL;
	if (item == NULL)
		return required ? profile_error(profile, key, "manque") : true;
	if (!cJSON_IsString(item))
		return profile_error(profile, key, "doit être un texte");
	*out = strdup(item->valuestring);
	return *out != NULL;
}

static bool
parse_values(const Profile *profile, const char *key, const cJSON *values, FieldMapping *mapping)
{
	const cJSON *member;
	char where[160];
	bool ok = true;

	snprintf(where, sizeof(where), "%s.valeurs", key);
	if (!cJSON_IsObject(values))
		return profile_error(profile, where, "doit être un objet {\"valeur envoyée\": \"valeur canonique\"}");

	int count = cJSON_GetArraySize(values);

	mapping->value_from = calloc((size_t) count + 1, sizeof(char *));
	mapping->value_to = calloc((size_t) count + 1, sizeof(char *));
	if (mapping->value_from == NULL || mapping->value_to == NULL)
		return false;
	cJSON_ArrayForEach(member, values)
	{
		if (!cJSON_IsString(member))
		{
			ok = profile_error(profile, where, ": chaque valeur doit être un texte") && ok;
			continue;
		}
		mapping->value_from[mapping->nvalues] = normalized_copy(member->string);
		mapping->value_to[mapping->nvalues] = strdup(member->valuestring);
		mapping->nvalues++;
	}
	return ok;
}

/*
 * A field mapping: "Column name", or {"colonne"|"position"|"constante", "valeurs",
 * "mois_de_la_date", "duree_jours"}; duree_jours (date_debut only) gives date_fin as
 * the start plus that many days less one: a week is 7.
 */
static bool
parse_mapping(const Profile *profile, const char *key, const cJSON *item, FieldMapping *mapping)
{
	static const char *const MAPPING_KEYS[] = {"colonne", "position", "constante", "valeurs",
	"mois_de_la_date", "duree_jours", NULL};

	mapping->used = true;
	mapping->index = -1;
	if (cJSON_IsString(item))
	{
		mapping->column = strdup(item->valuestring);
		return mapping->column != NULL;
	}
	if (!cJSON_IsObject(item))
		return profile_error(profile, key, "doit être un nom de colonne (\"Heures payées\") ou un "
							 "objet ({\"colonne\": …} ou {\"constante\": …})");

	bool ok = check_keys(profile, key, item, MAPPING_KEYS);
	const cJSON *column = cJSON_GetObjectItemCaseSensitive(item, "colonne");
	const cJSON *position = cJSON_GetObjectItemCaseSensitive(item, "position");
	const cJSON *constant = cJSON_GetObjectItemCaseSensitive(item, "constante");
	const cJSON *values = cJSON_GetObjectItemCaseSensitive(item, "valeurs");
	const cJSON *month = cJSON_GetObjectItemCaseSensitive(item, "mois_de_la_date");
	int sources = (column != NULL) + (position != NULL) + (constant != NULL);

	if (sources != 1)
		ok = profile_error(profile, key, "doit avoir une et une seule source : colonne, position ou constante") && ok;
	if (column && !cJSON_IsString(column))
		ok = profile_error(profile, key, ": colonne doit être un texte") && ok;
	if (position && (!cJSON_IsNumber(position) || position->valueint < 1 || position->valueint > 10000))
		ok = profile_error(profile, key, ": position doit être un numéro de colonne (1, 2…)") && ok;
	if (constant && !cJSON_IsString(constant))
		ok = profile_error(profile, key, ": constante doit être un texte") && ok;
	if (month && !cJSON_IsBool(month))
		ok = profile_error(profile, key, ": mois_de_la_date doit valoir true ou false") && ok;

	const cJSON *length = cJSON_GetObjectItemCaseSensitive(item, "duree_jours");

	size_t key_length = strlen(key);

	/* key: "date_debut", or its path "colonnes.date_debut" */
	if (length && ((key_length < 10 || strcmp(key + key_length - 10, "date_debut") != 0) ||
				   !cJSON_IsNumber(length) ||
				   length->valuedouble < 1 || length->valuedouble > 31 ||
				   length->valuedouble != (double) length->valueint))
		ok = profile_error(profile, key, ": duree_jours ne vaut que pour date_debut, "
						   "un nombre de jours de 1 à 31 (7 pour une semaine)") && ok;
	if (!ok)
		return false;
	mapping->length_days = length ? length->valueint : 0;

	mapping->column = column ? strdup(column->valuestring) : NULL;
	mapping->position = position ? position->valueint : 0;
	mapping->constant = constant ? strdup(constant->valuestring) : NULL;
	mapping->month_from_date = month && cJSON_IsTrue(month);
	return values == NULL || parse_values(profile, key, values, mapping);
}

static bool
parse_columns(Profile *profile, const cJSON *columns)
{
	const cJSON *member;
	const char *names[PROFILE_MAX_COLUMNS + 1];
	char valid[512];
	bool ok = true;

	if (columns == NULL)
		return profile_error(profile, "colonnes", "manque : {\"champ canonique\": \"colonne du fichier\", …}");
	if (!cJSON_IsObject(columns))
		return profile_error(profile, "colonnes", "doit être un objet {\"champ\": \"colonne\"}");
	for (int i = 0; i < profile->kind->ncolumns; i++)
		names[i] = profile->kind->columns[i].name;
	names[profile->kind->ncolumns] = NULL;
	key_list(names, valid, sizeof(valid));
	cJSON_ArrayForEach(member, columns)
	{
		int index = -1;

		for (int i = 0; i < profile->kind->ncolumns; i++)
			if (strcmp(profile->kind->columns[i].name, member->string) == 0)
				index = i;
		if (index < 0)
		{
			char near[96] = "";

			for (int i = 0; i < profile->kind->ncolumns && !near[0]; i++)
				if (closest_distance(member->string, names[i], 2) <= 2)
					snprintf(near, sizeof(near), " (vouliez-vous dire « %s » ?)", names[i]);
			log_error("profil %s : « colonnes.%s » : champ inconnu pour %s%s ; champs possibles : %s",
					  profile->path, member->string, profile->kind->name, near, valid);
			ok = false;
			continue;
		}
		if (profile->fields[index].used)
		{
			log_error("profil %s : « colonnes.%s » en double", profile->path, member->string);
			ok = false;
			continue;
		}
		char key[128];

		snprintf(key, sizeof(key), "colonnes.%s", member->string);
		ok = parse_mapping(profile, key, member, &profile->fields[index]) && ok;
	}
	return ok;
}

static bool
parse_person(Profile *profile, const cJSON *person)
{
	static const char *const KEYS[] = {"nom", "prenom", "date_naissance", NULL};
	bool ok;

	if (!cJSON_IsObject(person))
		return profile_error(profile, "participant_par_nom", "doit être un objet {\"nom\": …, \"prenom\": …, \"date_naissance\": …}");
	ok = check_keys(profile, "participant_par_nom", person, KEYS);
	for (int i = 0; i < 3; i++)
	{
		const cJSON *item = cJSON_GetObjectItemCaseSensitive(person, KEYS[i]);
		char key[64];

		snprintf(key, sizeof(key), "participant_par_nom.%s", KEYS[i]);
		if (item == NULL)
			ok = profile_error(profile, key, "manque (nom, prenom et date_naissance sont nécessaires)") && ok;
		else
			ok = parse_mapping(profile, key, item, &profile->person[i]) && ok;
	}
	profile->find_participant = ok;
	return ok;
}

static bool
parse_encoding(Profile *profile, const cJSON *root)
{
	char *text = NULL;
	bool ok = string_member(profile, root, "encodage", &text, false);

	if (text && strcmp(text, "auto") != 0)
	{
		profile->encoding_forced = true;
		if (strcmp(text, "windows-1252") == 0 || strcmp(text, "cp1252") == 0)
			profile->encoding = ENCODING_CP1252;
		else if (strcmp(text, "utf-8") == 0)
			profile->encoding = ENCODING_UTF8;
		else
			ok = profile_error(profile, "encodage", "doit valoir utf-8, windows-1252 ou auto");
	}
	free(text);
	return ok;
}

static bool
parse_format(Profile *profile, const cJSON *root)
{
	char *text = NULL;
	bool ok = string_member(profile, root, "format", &text, false);

	profile->json = text && strcmp(text, "json") == 0;
	profile->xlsx = text && strcmp(text, "xlsx") == 0;
	if (text && !profile->json && !profile->xlsx && strcmp(text, "csv") != 0)
		ok = profile_error(profile, "format", "doit valoir csv, xlsx ou json");
	free(text);
	return ok;
}

static bool
parse_delimiters(Profile *profile, const cJSON *root)
{
	char *text = NULL;
	bool ok = string_member(profile, root, "separateur", &text, false);

	if (text && strlen(text) != 1 && strcmp(text, "\\t") != 0)
		ok = profile_error(profile, "separateur", "doit être un seul caractère (\";\", \",\" ou \"\\t\")");
	else
		profile->delimiter = text ? (strcmp(text, "\\t") == 0 ? '\t' : text[0]) : 0;
	free(text);
	text = NULL;
	if (!string_member(profile, root, "separateur_milliers", &text, false))
		ok = false;
	profile->thousands = text ? text[0] : 0;
	free(text);
	return ok;
}

static bool
parse_skip(Profile *profile, const cJSON *item)
{
	static const char *const KEYS[] = {"colonne", "commence_par", NULL};
	const cJSON *column = cJSON_GetObjectItemCaseSensitive(item, "colonne");
	const cJSON *prefix = cJSON_GetObjectItemCaseSensitive(item, "commence_par");

	if (!cJSON_IsObject(item) || !cJSON_IsString(prefix) || column == NULL)
		return profile_error(profile, "ignorer_si", "doit être {\"colonne\": …, \"commence_par\": …}");
	if (!check_keys(profile, "ignorer_si", item, KEYS) ||
		!parse_mapping(profile, "ignorer_si.colonne", column, &profile->skip_column))
		return false;
	profile->skip_prefix = normalized_copy(prefix->valuestring);
	return true;
}

static bool
parse_options(Profile *profile, const cJSON *root)
{
	const cJSON *item;
	bool ok = parse_format(profile, root);

	ok = string_member(profile, root, "feuille", &profile->sheet, false) && ok;
	ok = string_member(profile, root, "fichiers", &profile->file_pattern, false) && ok;
	ok = string_member(profile, root, "tableau", &profile->json_array, false) && ok;
	ok = parse_encoding(profile, root) && ok;
	ok = parse_delimiters(profile, root) && ok;
	if ((item = cJSON_GetObjectItemCaseSensitive(root, "lignes_titre")) != NULL)
	{
		if (!cJSON_IsNumber(item) || item->valueint < 0 || item->valueint > 1000)
			ok = profile_error(profile, "lignes_titre", "doit être un nombre de lignes (0, 1, 2…)");
		else
			profile->title_lines = item->valueint;
	}
	if ((item = cJSON_GetObjectItemCaseSensitive(root, "cumul_mensuel")) != NULL)
	{
		if (!cJSON_IsBool(item))
			ok = profile_error(profile, "cumul_mensuel", "doit valoir true ou false");
		else
			profile->monthly_sum = cJSON_IsTrue(item);
	}
	if ((item = cJSON_GetObjectItemCaseSensitive(root, "ignorer_si")) != NULL)
		ok = parse_skip(profile, item) && ok;
	return ok;
}

/* The kind, for the checks of colonnes; false (reported) when missing or unknown. */
static bool
parse_kind(Profile *profile, const cJSON *root)
{
	char *kind = NULL;
	char message[256];

	if (!string_member(profile, root, "nature", &kind, true))
		return false;
	profile->kind = kind_find(kind);
	free(kind);
	if (profile->kind && profile->kind->ncolumns <= PROFILE_MAX_COLUMNS)
		return true;
	profile->kind = NULL;
	snprintf(message, sizeof(message), "inconnue ; natures possibles : %s", kind_names());
	return profile_error(profile, "nature", message);
}

/*
 * cumul_mensuel names weekly rows. When their month is taken from a date ("Semaine du")
 * and the profile gives no period, each row keeps its grain as the week from that date
 * (DOMAIN.md rule 1): a week sent back corrected then adds to its month, or corrects that
 * week only, where a sum by month would replace the whole month. Rows without such a date
 * are still summed by month.
 */
static bool
profile_weeks_as_periods(Profile *profile)
{
	FieldMapping *mois = &profile->fields[3];
	FieldMapping *debut = &profile->fields[8];

	if (!profile->monthly_sum || profile->kind->ncolumns < 10 || !mois->used ||
		!mois->month_from_date || mois->constant || debut->used)
		return true;
	debut->used = true;
	debut->index = -1;
	debut->position = mois->position;
	debut->length_days = 7;
	if (mois->column)
	{
		debut->column = strdup(mois->column);
		if (debut->column == NULL)
			return false;
	}
	return true;
}

static bool
profile_parse(Profile *profile, const cJSON *root)
{
	bool ok;

	if (!cJSON_IsObject(root))
		return profile_error(profile, "(racine)", "doit être un objet JSON { … }");
	ok = check_keys(profile, NULL, root, TOP_KEYS);
	ok = string_member(profile, root, "nom", &profile->name, true) && ok;
	ok = string_member(profile, root, "description", &profile->description, false) && ok;
	for (int i = 0; i < PROFILE_MAX_COLUMNS; i++)
		profile->fields[i].index = -1;
	ok = parse_options(profile, root) && ok;
	if (parse_kind(profile, root))
	{
		const cJSON *person = cJSON_GetObjectItemCaseSensitive(root, "participant_par_nom");

		ok = parse_columns(profile, cJSON_GetObjectItemCaseSensitive(root, "colonnes")) && ok;
		ok = (person == NULL || parse_person(profile, person)) && ok;
		if (profile->monthly_sum && strcmp(profile->kind->name, "heures") != 0)
			ok = profile_error(profile, "cumul_mensuel", "ne vaut que pour la nature heures");
		ok = ok && profile_weeks_as_periods(profile);
	}
	else
		ok = false;
	if (profile->json && profile->json_array == NULL)
		ok = profile_error(profile, "tableau", "manque : le nom du tableau des lignes dans le JSON "
						   "(\"heures\", ou \"salaries.affectations\" pour des tableaux imbriqués)");
	if (profile->sheet && !profile->xlsx)
		ok = profile_error(profile, "feuille", "ne vaut que pour \"format\": \"xlsx\"");
	return ok;
}

bool
profile_load(const char *name, const char *home, Profile *profile)
{
	char path[4096];

	if (strchr(name, '/') || (strlen(name) > 5 && strcmp(name + strlen(name) - 5, ".json") == 0))
		snprintf(path, sizeof(path), "%s", name);
	else
		snprintf(path, sizeof(path), "%s/profiles/%s.json", home, name);
	profile->path = strdup(path);

	char *text = read_whole_file(path);

	if (text == NULL)
		return false;

	cJSON *root = cJSON_Parse(text);

	if (root == NULL)
	{
		/* the error pointer points into text: report before freeing it */
		char near[32];

		snprintf(near, sizeof(near), "%.30s", cJSON_GetErrorPtr() ? cJSON_GetErrorPtr() : "?");
		decode_utf8_sanitize(near);
		log_error("profil %s : JSON mal formé près de « %s »", path, near);
		free(text);
		return false;
	}
	free(text);

	bool ok = profile_parse(profile, root);

	cJSON_Delete(root);
	return ok;
}

static void
mapping_free(FieldMapping *mapping)
{
	free(mapping->column);
	free(mapping->constant);
	for (int i = 0; i < mapping->nvalues; i++)
	{
		free(mapping->value_from[i]);
		free(mapping->value_to[i]);
	}
	free(mapping->value_from);
	free(mapping->value_to);
}

void
profile_free(Profile *profile)
{
	for (int i = 0; i < PROFILE_MAX_COLUMNS; i++)
		mapping_free(&profile->fields[i]);
	for (int i = 0; i < 3; i++)
		mapping_free(&profile->person[i]);
	mapping_free(&profile->skip_column);
	free(profile->skip_prefix);
	free(profile->path);
	free(profile->name);
	free(profile->description);
	free(profile->json_array);
	free(profile->sheet);
	free(profile->file_pattern);
	memset(profile, 0, sizeof(*profile));
}

static void
layout_add(JsonLayout *layout, const FieldMapping *mapping)
{
	if (!mapping->used || mapping->column == NULL || layout->nnames >= JSON_MAX_FIELDS)
		return;
	for (int i = 0; i < layout->nnames; i++)
		if (strcmp(layout->names[i], mapping->column) == 0)
			return;
	layout->names[layout->nnames++] = mapping->column;
}

void
profile_json_layout(const Profile *profile, JsonLayout *layout)
{
	layout->array_key = profile->json_array;
	layout->scoped = true;
	layout->seen = NULL;
	layout->nnames = 0;
	for (int i = 0; i < profile->kind->ncolumns; i++)
		layout_add(layout, &profile->fields[i]);
	for (int i = 0; i < 3; i++)
		layout_add(layout, &profile->person[i]);
	layout_add(layout, &profile->skip_column);
}
