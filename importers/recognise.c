/*
 * Which sender sent this file? Each candidate (a profile, or a canonical kind) reads the
 * file's header its own way (title lines, encoding, sheet, JSON array) and says whether
 * every column it maps is there. One candidate: recognised. None or several: the file
 * stays in the box and the reason says what was missing or who else matched.
 */
#include <dirent.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "importers/csv_reader.h"
#include "importers/json_reader.h"
#include "importers/normalize.h"
#include "importers/recognise.h"
#include "importers/validate.h"
#include "importers/xlsx_reader.h"
#include "src/lib/log.h"

#define MAX_CANDIDATES 64

/* ---- the profiles ---- */

static int
compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *) a, *(char *const *) b);
}

/* Loads the profiles of one folder, in name order; a missing folder holds none. */
static bool
load_folder(SenderProfiles *set, const char *dir, bool must_exist)
{
	DIR *folder = opendir(dir);
	struct dirent *entry;
	char **names = NULL;
	int count = 0;

	if (folder == NULL)
	{
		if (must_exist)
			log_error("%s : dossier de profils illisible", dir);
		return !must_exist;
	}
	while ((entry = readdir(folder)) != NULL)
	{
		size_t len = strlen(entry->d_name);

		if (entry->d_name[0] == '.' || len < 6 || strcmp(entry->d_name + len - 5, ".json") != 0)
			continue;

		char **grown = realloc(names, sizeof(char *) * (size_t) (count + 1));

		if (grown == NULL)
			break;
		names = grown;
		if ((names[count] = strdup(entry->d_name)) != NULL)
			count++;
	}
	closedir(folder);
	if (count > 1)				/* qsort of a NULL array is undefined, even empty */
		qsort(names, (size_t) count, sizeof(char *), compare_names);
	for (int i = 0; i < count; i++)
	{
		char path[PATH_MAX];
		Profile *grown = realloc(set->profiles, sizeof(Profile) * (size_t) (set->count + 1));

		if (grown != NULL)
		{
			set->profiles = grown;
			memset(&set->profiles[set->count], 0, sizeof(Profile));
			if (str_format(path, sizeof(path), "%s/%s", dir, names[i]) &&
				profile_load(path, "", &set->profiles[set->count]))
				set->count++;
			else
			{
				profile_free(&set->profiles[set->count]);
				set->invalid++;
			}
		}
		free(names[i]);
	}
	free(names);
	return true;
}

bool
recognise_load_profiles(SenderProfiles *set, const char *home, const char *extra_dir)
{
	char dir[PATH_MAX];

	return str_format(dir, sizeof(dir), "%s/profiles", home) && load_folder(set, dir, false) &&
		(extra_dir == NULL || load_folder(set, extra_dir, true));
}

void
recognise_free_profiles(SenderProfiles *set)
{
	for (int i = 0; i < set->count; i++)
		profile_free(&set->profiles[i]);
	free(set->profiles);
	memset(set, 0, sizeof(*set));
}

/* ---- reading a header ---- */

typedef struct HeaderProbe
{
	int title_lines;
	bool got;
	bool error;					/* JSON: the first line could not be read */
	int nfields;
	StrBuf names;				/* normalised names, each followed by NUL */
	StrBuf raw;					/* the names as written, "a ; b" (for messages) */
} HeaderProbe;

static bool
probe_on_record(void *context, const CsvRecord *record)
{
	HeaderProbe *probe = context;

	if (record->line <= probe->title_lines)
		return true;
	probe->got = true;
	probe->error = record->error != NULL;
	probe->nfields = record->nfields;
	for (int i = 0; i < record->nfields; i++)
	{
		normalize_name(record->fields[i], &probe->names);
		strbuf_putc(&probe->names, '\0');
		if (i < 12 && *record->fields[i])
			strbuf_printf(&probe->raw, "%s« %.40s »", probe->raw.len ? ", " : "", record->fields[i]);
	}
	return false;				/* the header is all we need */
}

/* JSON: the header is the layout; the first line object, read or not, is what tells. */
static bool
probe_on_json(void *context, const CsvRecord *record)
{
	HeaderProbe *probe = context;

	if (probe->title_lines-- > 0)
		return true;
	probe->got = true;
	probe->error = record->error != NULL;
	return false;
}

static void
probe_free(HeaderProbe *probe)
{
	strbuf_free(&probe->names);
	strbuf_free(&probe->raw);
}

/* Reads the header row that comes after title_lines, as the profile (or NULL) reads it. */
static void
probe_header(const char *path, const char *name, SourceMagic magic, const Profile *profile,
			 HeaderProbe *probe)
{
	probe->title_lines = profile ? profile->title_lines : 0;
	if (magic == SOURCE_ZIP)
	{
		xlsx_reader_run(path, name, profile ? profile->sheet : NULL, probe_on_record, probe);
		return;
	}

	CsvReader reader = {0};

	if (csv_reader_open(&reader, path, profile ? profile->delimiter : 0,
						profile && profile->encoding_forced ? &profile->encoding : NULL))
		csv_reader_run(&reader, probe_on_record, probe);
	csv_reader_close(&reader);
}

static bool
probe_has(const HeaderProbe *probe, const char *column)
{
	StrBuf wanted = {0};
	bool found = false;

	normalize_name(column, &wanted);
	for (size_t at = 0; !found && at < probe->names.len; at += strlen(probe->names.data + at) + 1)
		found = strcmp(probe->names.data + at, wanted.data ? wanted.data : "") == 0;
	strbuf_free(&wanted);
	return found;
}

/* ---- matching ---- */

typedef struct Candidate
{
	const Profile *profile;		/* NULL: canonical */
	const KindSpec *kind;
} Candidate;

typedef struct Nearest
{
	int found;					/* columns found of the best miss */
	char label[128];
	char missing[512];
} Nearest;

/* Does the header hold the mapping's column? Appends it to missing when not. */
static bool
mapping_present(const FieldMapping *mapping, const HeaderProbe *probe, StrBuf *missing,
				int *found)
{
	if (!mapping->used || mapping->constant)
		return true;
	if (mapping->position > 0 ? mapping->position <= probe->nfields : probe_has(probe, mapping->column))
	{
		(*found)++;
		return true;
	}
	if (mapping->column)
		strbuf_printf(missing, "%s« %s »", missing->len ? ", " : "", mapping->column);
	else
		strbuf_printf(missing, "%scolonne n° %d", missing->len ? ", " : "", mapping->position);
	return false;
}

static bool
profile_matches(const Profile *profile, const HeaderProbe *probe, Nearest *nearest)
{
	StrBuf missing = {0};
	int found = 0;
	bool all = true;

	for (int i = 0; i < profile->kind->ncolumns; i++)
		all = mapping_present(&profile->fields[i], probe, &missing, &found) && all;
	for (int i = 0; profile->find_participant && i < 3; i++)
		all = mapping_present(&profile->person[i], probe, &missing, &found) && all;
	if (profile->skip_prefix)
		all = mapping_present(&profile->skip_column, probe, &missing, &found) && all;
	if (!all && found > nearest->found)
	{
		nearest->found = found;
		snprintf(nearest->label, sizeof(nearest->label), "%s", profile->name);
		snprintf(nearest->missing, sizeof(nearest->missing), "%s", missing.data ? missing.data : "");
	}
	strbuf_free(&missing);
	return all && found > 0;
}

/* A canonical header: every required column, under its exact name. */
static bool
kind_matches(const KindSpec *kind, const HeaderProbe *probe)
{
	int known = 0;

	for (int i = 0; i < kind->ncolumns; i++)
	{
		bool present = probe_has(probe, kind->columns[i].name);

		if (kind->columns[i].required && !present)
			return false;
		known += present;
	}
	/* a header with columns of no kind is some sender's own layout, not canonical */
	return known == probe->nfields;
}

static bool
is_json_text(const char *path)
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

/* Keeps the candidates whose profile's "fichiers" pattern matches the name, when any does. */
static int
break_tie(Candidate *candidates, int count, const char *name)
{
	int kept = 0;

	for (int i = 0; i < count; i++)
	{
		const Profile *p = candidates[i].profile;

		if (p && p->file_pattern && fnmatch(p->file_pattern, name, FNM_CASEFOLD) == 0)
			candidates[kept++] = candidates[i];
	}
	return kept > 0 ? kept : count;
}

static void
add_canonical(Candidate *candidates, int *count, const HeaderProbe *probe)
{
	char names[256];
	char *save = NULL;

	snprintf(names, sizeof(names), "%s", kind_names());
	for (char *word = strtok_r(names, ", ", &save); word; word = strtok_r(NULL, ", ", &save))
	{
		const KindSpec *kind = kind_find(word);

		if (kind && *count < MAX_CANDIDATES && kind_matches(kind, probe))
			candidates[(*count)++] = (Candidate) {.kind = kind};
	}
}

static bool
recognise_choose(Candidate *candidates, int count, const char *name, const Nearest *nearest,
				 const HeaderProbe *canonical, SenderGuess *guess)
{
	if (count > 1)
		count = break_tie(candidates, count, name);
	if (count == 1)
	{
		const Candidate *c = &candidates[0];

		snprintf(guess->kind, sizeof(guess->kind), "%s", c->kind->name);
		snprintf(guess->profile, sizeof(guess->profile), "%s", c->profile ? c->profile->path : "");
		snprintf(guess->label, sizeof(guess->label), "%s", c->profile ? c->profile->name : "");
		return true;
	}

	StrBuf reason = {0};

	if (count > 1)
	{
		strbuf_puts(&reason, "reconnu par plusieurs profils (");
		for (int i = 0; i < count; i++)
			strbuf_printf(&reason, "%s%s", i ? ", " : "",
						  candidates[i].profile ? candidates[i].profile->name : candidates[i].kind->name);
		strbuf_puts(&reason, ") : ajoutez à l'un d'eux « fichiers » (un motif de nom) ou "
					"nommez le fichier NATURE--PROFIL_….csv");
	}
	else
	{
		strbuf_printf(&reason, "aucun profil ne reconnaît son en-tête (%s)",
					  canonical->raw.len ? canonical->raw.data : "vide");
		if (nearest->found > 0)
			strbuf_printf(&reason, " ; le plus proche, %s, y cherche aussi %s", nearest->label,
						  nearest->missing);
		strbuf_puts(&reason, " : écrivez son profil (clause profile draft) ou nommez le fichier "
					"NATURE--PROFIL_….csv");
	}
	snprintf(guess->reason, sizeof(guess->reason), "%s", reason.data);
	strbuf_free(&reason);
	return false;
}

bool
recognise_file(const SenderProfiles *set, const char *path, const char *name, SenderGuess *guess)
{
	SourceMagic magic = source_magic(path);
	bool json = magic == SOURCE_TEXT && is_json_text(path);
	Candidate candidates[MAX_CANDIDATES];
	int count = 0;
	Nearest nearest = {0};
	HeaderProbe canonical = {0};
	StrBuf quiet = {0};

	memset(guess, 0, sizeof(*guess));
	if (magic == SOURCE_OLE2)
	{
		snprintf(guess->reason, sizeof(guess->reason), "classeur Excel 97-2003 (.xls), que clause ne "
				 "lit pas : enregistrez-le au format .xlsx (ou CSV) depuis le tableur");
		return false;
	}
	/* readers complain about files that are not theirs: not the user's concern here */
	log_capture(&quiet, true);
	if (!json)
	{
		probe_header(path, name, magic, NULL, &canonical);
		add_canonical(candidates, &count, &canonical);
	}
	for (int i = 0; i < set->count && count < MAX_CANDIDATES; i++)
	{
		const Profile *profile = &set->profiles[i];
		HeaderProbe probe = {0};

		/* a profile reads one format: its CSV, its workbook or its JSON */
		if (profile->json != json || (!json && profile->xlsx != (magic == SOURCE_ZIP)))
			continue;
		if (json)
		{
			JsonLayout layout;

			profile_json_layout(profile, &layout);
			probe.title_lines = 1;	/* the layout's header record */
			json_reader_run(path, &layout, probe_on_json, &probe);
			if (probe.got && !probe.error)
				candidates[count++] = (Candidate) {.profile = profile, .kind = profile->kind};
		}
		else
		{
			probe_header(path, name, magic, profile, &probe);
			if (probe.got && profile_matches(profile, &probe, &nearest))
				candidates[count++] = (Candidate) {.profile = profile, .kind = profile->kind};
		}
		probe_free(&probe);
	}
	log_capture(NULL, false);
	strbuf_free(&quiet);

	bool ok = recognise_choose(candidates, count, name, &nearest, &canonical, guess);

	probe_free(&canonical);
	return ok;
}
