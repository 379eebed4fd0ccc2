/*
 * Listing an inbox folder. Names follow NATURE[--PROFIL][_libre].(csv|json), e.g.
 * heures--etti-idees-bordeaux_2022-01.csv; or manifest.json lists
 * [{"fichier": …, "nature": …, "profil": …}]. What is left over is said, not ignored.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <cjson/cJSON.h>

#include "inbox.h"
#include "kinds.h"
#include "log.h"
#include "safe_file.h"
#include "strbuf.h"

static const char *const KIND_ORDER[] = {
	"territoires", "fiches", "donneurs", "entreprises", "operations", "marches", "participants",
	"conventions", "contrats", "heures", NULL
};

static int
kind_order(const char *kind)
{
	for (int i = 0; KIND_ORDER[i]; i++)
		if (strcmp(KIND_ORDER[i], kind) == 0)
			return i;
	return -1;
}

/* Files clause writes itself, or that are not data. */
static bool
inbox_is_own_file(const char *name)
{
	size_t len = strlen(name);

	return name[0] == '.' || strcmp(name, "compte-rendu.txt") == 0 ||
		strcmp(name, "manifest.json") == 0 ||
		(len > 12 && strcmp(name + len - 12, ".rejets.csv") == 0);
}

bool
inbox_parse_name(const char *name, char *kind, size_t kind_size, char *profile,
				 size_t profile_size)
{
	const char *dot = strrchr(name, '.');

	if (dot == NULL || (strcasecmp(dot, ".csv") != 0 && strcasecmp(dot, ".json") != 0))
		return false;

	size_t kind_len = strcspn(name, "-_.");

	if (kind_len == 0 || kind_len >= kind_size)
		return false;
	memcpy(kind, name, kind_len);
	kind[kind_len] = '\0';
	if (kind_order(kind) < 0)
		return false;

	profile[0] = '\0';
	if (strncmp(name + kind_len, "--", 2) == 0)
	{
		const char *start = name + kind_len + 2;
		size_t len = strcspn(start, "_.");

		if (len == 0 || len >= profile_size)
			return false;
		memcpy(profile, start, len);
		profile[len] = '\0';
	}
	else if (name[kind_len] == '-')
		return false;
	return true;
}

static bool
inbox_add(Inbox *inbox, const char *dir, const char *name, const char *kind, const char *profile)
{
	InboxFile *files = realloc(inbox->files, sizeof(InboxFile) * (size_t) (inbox->count + 1));

	if (files == NULL)
	{
		log_error("mémoire insuffisante");
		return false;
	}
	inbox->files = files;

	InboxFile *file = &files[inbox->count++];

	memset(file, 0, sizeof(*file));
	snprintf(file->name, sizeof(file->name), "%s", name);
	snprintf(file->path, sizeof(file->path), "%s/%s", dir, name);
	snprintf(file->kind, sizeof(file->kind), "%s", kind);
	snprintf(file->profile, sizeof(file->profile), "%s", profile ? profile : "");
	file->order = kind_order(kind);
	return true;
}

bool
inbox_profile_name_ok(const char *profile)
{
	if (profile[0] == '\0' || profile[0] == '.' || strstr(profile, "..") != NULL)
		return false;
	for (const char *p = profile; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
			  *p == '-' || *p == '_' || *p == '.'))
			return false;
	return true;
}

/* Notes an entry refused for safety; it stays in the box, named in the compte-rendu. */
static bool
inbox_refuse(Inbox *inbox, const char *name, const char *reason)
{
	InboxRefusal *refused = realloc(inbox->refused, sizeof(InboxRefusal) * (size_t) (inbox->nrefused + 1));

	if (refused == NULL)
	{
		log_error("mémoire insuffisante");
		return false;
	}
	inbox->refused = refused;
	snprintf(refused[inbox->nrefused].name, sizeof(refused[0].name), "%s", name);
	refused[inbox->nrefused].reason = reason;
	inbox->nrefused++;
	log_warn("%s : %s", name, reason);
	return true;
}

/*
 * Checks an entry before it is listed: a link or anything but a regular file is
 * refused (lstat: a link in a shared box could point at any file root may read).
 * Sets *usable; false only when out of memory.
 */
static bool
inbox_check_entry(Inbox *inbox, const char *dir, const char *name, bool *usable)
{
	char path[PATH_MAX];
	struct stat st;

	*usable = false;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return true;			/* traites/ and other folders: not files of the month */

	const char *reason = safe_file_refusal(path);

	if (reason)
		return inbox_refuse(inbox, name, reason);
	*usable = true;
	return true;
}

static int
inbox_compare(const void *a, const void *b)
{
	const InboxFile *x = a, *y = b;

	if (x->order != y->order)
		return x->order - y->order;
	return strcmp(x->name, y->name);
}

static bool
inbox_read_manifest(const char *dir, const char *path, Inbox *inbox)
{
	FILE *file = fopen(path, "rb");
	StrBuf text = {0};
	char chunk[4096];
	size_t n;

	if (file == NULL)
	{
		log_error("%s : ouverture impossible : %s", path, log_strerror(errno));
		return false;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), file)) > 0)
		strbuf_append(&text, chunk, n);
	fclose(file);

	cJSON *root = cJSON_ParseWithLength(text.data ? text.data : "", text.len);
	bool ok = cJSON_IsArray(root);

	strbuf_free(&text);
	if (!ok)
		log_error("%s : un tableau JSON [{\"fichier\", \"nature\", \"profil\"}] est attendu", path);

	const cJSON *entry;
	const cJSON *entries = ok ? root : NULL;
	int index = 0;

	cJSON_ArrayForEach(entry, entries)
	{
		const cJSON *name = cJSON_GetObjectItemCaseSensitive(entry, "fichier");
		const cJSON *kind = cJSON_GetObjectItemCaseSensitive(entry, "nature");
		const cJSON *profile = cJSON_GetObjectItemCaseSensitive(entry, "profil");

		index++;
		if (cJSON_IsString(profile) && !inbox_profile_name_ok(profile->valuestring))
		{
			ok = inbox_refuse(inbox, cJSON_IsString(name) ? name->valuestring : "manifest.json",
							  "« profil » doit être le nom d'un profil de profiles/, pas un chemin : refusé");
			if (!ok)
				break;
			continue;
		}
		if (!cJSON_IsString(name) || !cJSON_IsString(kind) || kind_order(kind->valuestring) < 0 ||
			strchr(name->valuestring, '/') || (profile && !cJSON_IsString(profile)))
		{
			log_warn("%s : entrée %d ignorée : « fichier » et « nature » (%s) attendus", path,
					 index, kind_names());
			inbox->skipped++;
			continue;
		}
		bool usable = false;

		ok = inbox_check_entry(inbox, dir, name->valuestring, &usable);
		if (ok && usable)
			ok = inbox_add(inbox, dir, name->valuestring, kind->valuestring,
						   profile ? profile->valuestring : NULL);
		if (!ok)
			break;
	}
	cJSON_Delete(root);
	return ok;
}

bool
inbox_scan(const char *dir, Inbox *inbox)
{
	char manifest[PATH_MAX];
	struct stat st;

	snprintf(manifest, sizeof(manifest), "%s/manifest.json", dir);
	if (lstat(manifest, &st) == 0)
	{
		const char *reason = safe_file_refusal(manifest);

		if (reason)
		{
			log_error("%s : %s", manifest, reason);
			return false;
		}
		if (!inbox_read_manifest(dir, manifest, inbox))
			return false;
	}
	else
	{
		DIR *folder = opendir(dir);
		struct dirent *entry;

		if (folder == NULL)
		{
			log_error("%s : ouverture du dossier impossible : %s", dir, log_strerror(errno));
			return false;
		}
		while ((entry = readdir(folder)) != NULL)
		{
			char kind[32], profile[128];
			bool usable = false;

			if (inbox_is_own_file(entry->d_name))
				continue;
			if (!inbox_check_entry(inbox, dir, entry->d_name, &usable))
			{
				closedir(folder);
				return false;
			}
			if (!usable)
				continue;
			if (inbox_parse_name(entry->d_name, kind, sizeof(kind), profile, sizeof(profile)) &&
				profile[0] && !inbox_profile_name_ok(profile))
			{
				if (!inbox_refuse(inbox, entry->d_name, "le profil du nom n'est pas un nom de profiles/ : refusé"))
				{
					closedir(folder);
					return false;
				}
				continue;
			}
			if (!inbox_parse_name(entry->d_name, kind, sizeof(kind), profile, sizeof(profile)))
			{
				log_warn("%s : nom non conforme, fichier laissé dans la boîte "
						 "(attendu NATURE[--PROFIL][_libre].csv ou .json)", entry->d_name);
				inbox->skipped++;
				continue;
			}
			if (!inbox_add(inbox, dir, entry->d_name, kind, profile))
			{
				closedir(folder);
				return false;
			}
		}
		closedir(folder);
	}
	qsort(inbox->files, (size_t) inbox->count, sizeof(InboxFile), inbox_compare);
	return true;
}

void
inbox_free(Inbox *inbox)
{
	free(inbox->files);
	free(inbox->refused);
	memset(inbox, 0, sizeof(*inbox));
}
