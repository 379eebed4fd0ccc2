/*
 * Listing an inbox folder. manifest.json lists [{"fichier": …, "nature": …, "profil": …}];
 * names NATURE[--PROFIL][_libre].(csv|xlsx|json), e.g. heures--etti-idees-bordeaux_2022-01.csv,
 * say their kind and profile; any other file is recognised by its header (recognise.c).
 * Both explicit ways override recognition. What is left over is said, not ignored.
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <cjson/cJSON.h>

#include "importers/inbox.h"
#include "importers/kinds.h"
#include "importers/recognise.h"
#include "src/lib/log.h"
#include "src/lib/safe_file.h"
#include "src/lib/strbuf.h"

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

	/* reject files are written in traites/: one in the box is a correction sent back */
	return name[0] == '.' || strcmp(name, "manifest.json") == 0 ||
		(strncmp(name, "compte-rendu", 12) == 0 && len > 4 && strcmp(name + len - 4, ".txt") == 0);
}

bool
inbox_parse_name(const char *name, char *kind, size_t kind_size, char *profile,
				 size_t profile_size)
{
	const char *dot = strrchr(name, '.');

	if (dot == NULL || (strcasecmp(dot, ".csv") != 0 && strcasecmp(dot, ".json") != 0 &&
						strcasecmp(dot, ".xlsx") != 0))
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
	snprintf(file->label, sizeof(file->label), "%s", profile ? profile : "");
	file->order = kind_order(kind);
	return true;
}

/* A file that stays in the box (or was processed before), with the reason. */
static bool
inbox_leave(Inbox *inbox, const char *name, bool already_done, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static bool
inbox_leave(Inbox *inbox, const char *name, bool already_done, const char *fmt, ...)
{
	InboxLeft *left = realloc(inbox->left, sizeof(InboxLeft) * (size_t) (inbox->nleft + 1));
	va_list args;

	if (left == NULL)
	{
		log_error("mémoire insuffisante");
		return false;
	}
	inbox->left = left;
	left = &inbox->left[inbox->nleft++];
	memset(left, 0, sizeof(*left));
	snprintf(left->name, sizeof(left->name), "%s", name);
	left->already_done = already_done;
	va_start(args, fmt);
	vsnprintf(left->reason, sizeof(left->reason), fmt, args);
	va_end(args);
	if (!already_done)
		inbox->skipped++;
	return true;
}

/* Whether the manifest already placed, left or refused this name. */
static bool
inbox_listed(const Inbox *inbox, const char *name)
{
	for (int i = 0; i < inbox->count; i++)
		if (strcmp(inbox->files[i].name, name) == 0)
			return true;
	for (int i = 0; i < inbox->nleft; i++)
		if (strcmp(inbox->left[i].name, name) == 0)
			return true;
	for (int i = 0; i < inbox->nrefused; i++)
		if (strcmp(inbox->refused[i].name, name) == 0)
			return true;
	return false;
}

/* A manifest entry whose file is not in the box: processed before, or never dropped. */
static bool
inbox_manifest_absent(const char *dir, Inbox *inbox, const char *name)
{
	char done[PATH_MAX];
	struct stat st;

	if (str_format(done, sizeof(done), "%s/traites/%s", dir, name) && lstat(done, &st) == 0)
		return inbox_leave(inbox, name, true, "déjà traité : il est dans traites/");
	log_warn("%s : listé par manifest.json mais absent de la boîte", name);
	return inbox_leave(inbox, name, false, "listé par manifest.json mais absent de la boîte");
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
		char file_path[PATH_MAX];
		struct stat st;

		if (str_format(file_path, sizeof(file_path), "%s/%s", dir, name->valuestring) &&
			lstat(file_path, &st) != 0 && errno == ENOENT)
			ok = inbox_manifest_absent(dir, inbox, name->valuestring);
		else
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

/* A file of the box that no manifest entry names: by its name, else by its header. */
static bool
inbox_place(const char *dir, const SenderProfiles *profiles, Inbox *inbox, const char *name)
{
	char kind[32], profile[128];

	if (inbox_parse_name(name, kind, sizeof(kind), profile, sizeof(profile)))
	{
		if (profile[0] && !inbox_profile_name_ok(profile))
			return inbox_refuse(inbox, name, "le profil du nom n'est pas un nom de profiles/ : refusé");
		return inbox_add(inbox, dir, name, kind, profile);
	}
	if (profiles == NULL)
	{
		log_warn("%s : nom non conforme, fichier laissé dans la boîte "
				 "(attendu NATURE[--PROFIL][_libre].csv ou .json)", name);
		return inbox_leave(inbox, name, false, "nom non conforme (attendu NATURE[--PROFIL][_libre].csv)");
	}

	char path[PATH_MAX];
	SenderGuess guess;

	if (!str_format(path, sizeof(path), "%s/%s", dir, name))
		return false;
	if (!recognise_file(profiles, path, name, &guess))
	{
		log_warn("%s : laissé dans la boîte : %s", name, guess.reason);
		return inbox_leave(inbox, name, false, "%s", guess.reason);
	}
	if (!inbox_add(inbox, dir, name, guess.kind, guess.profile))
		return false;

	InboxFile *file = &inbox->files[inbox->count - 1];

	/* the path of a profile clause itself listed (profiles/, --profils), not a sender's */
	snprintf(file->label, sizeof(file->label), "%s", guess.label);
	file->recognised = true;
	return true;
}

bool
inbox_scan(const char *dir, const SenderProfiles *profiles, Inbox *inbox)
{
	char manifest[PATH_MAX];
	struct stat st;
	DIR *folder;
	struct dirent *entry;
	bool ok = true;

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

	folder = opendir(dir);
	if (folder == NULL)
	{
		log_error("%s : ouverture du dossier impossible : %s", dir, log_strerror(errno));
		return false;
	}
	while (ok && (entry = readdir(folder)) != NULL)
	{
		bool usable = false;

		if (inbox_is_own_file(entry->d_name) || inbox_listed(inbox, entry->d_name))
			continue;
		ok = inbox_check_entry(inbox, dir, entry->d_name, &usable);
		if (ok && usable)
			ok = inbox_place(dir, profiles, inbox, entry->d_name);
	}
	closedir(folder);
	if (inbox->count > 1)		/* qsort of a NULL array is undefined, even empty */
		qsort(inbox->files, (size_t) inbox->count, sizeof(InboxFile), inbox_compare);
	return ok;
}

void
inbox_free(Inbox *inbox)
{
	free(inbox->files);
	free(inbox->refused);
	free(inbox->left);
	memset(inbox, 0, sizeof(*inbox));
}
