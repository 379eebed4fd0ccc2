/*
 * Applying a profile to a sender's records: resolve its columns on the header,
 * skip title and total rows (counted, never silent), map values, find participants
 * by name, sum weekly rows into months, and hand canonical records to the importer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <strings.h>

#include "importers/json_reader.h"
#include "importers/normalize.h"
#include "importers/profile.h"
#include "importers/validate.h"
#include "src/lib/format.h"
#include "src/lib/log.h"

struct ProfileGroup
{
	int line;					/* of the first row */
	char *values[PROFILE_MAX_COLUMNS];
	double hours;
	double training;
	StrBuf lines;				/* "12, 15, 18" */
	char *content;				/* the first row as sent */
	char error[VALIDATE_ERR_SIZE];
	const char *error_column;
};

/* Finds a source column by its name, ignoring case, accents and spaces. */
static int
find_column(const CsvRecord *header, const char *name, StrBuf *scratch)
{
	StrBuf wanted = {0};
	int found = -1;

	if (!normalize_name(name, &wanted))
		return -1;
	for (int i = 0; i < header->nfields && found < 0; i++)
	{
		strbuf_reset(scratch);
		if (normalize_name(header->fields[i], scratch) &&
			strcmp(scratch->data ? scratch->data : "", wanted.data ? wanted.data : "") == 0)
			found = i;
	}
	strbuf_free(&wanted);
	return found;
}

static bool
resolve_mapping(ProfileMapper *mapper, const CsvRecord *header, FieldMapping *mapping,
				const char *field)
{
	if (!mapping->used || mapping->constant)
		return true;
	if (mapping->position > 0)
	{
		mapping->index = mapping->position - 1;
		if (mapping->index >= header->nfields)
		{
			log_error("profil %s : « %s » : position %d au-delà des %d colonnes de l'en-tête (ligne %d)",
					  mapper->profile->name, field, mapping->position, header->nfields, header->line);
			return false;
		}
		return true;
	}
	mapping->index = find_column(header, mapping->column, &mapper->scratch);
	if (mapping->index < 0)
	{
		log_error("profil %s : « %s » : colonne « %s » absente de l'en-tête (ligne %d)",
				  mapper->profile->name, field, mapping->column, header->line);
		return false;
	}
	return true;
}

/* The canonical column index of name in the profile's kind, -1 when it has none. */
static int
mapper_column(const ProfileMapper *mapper, const char *name)
{
	const KindSpec *kind = mapper->profile->kind;

	for (int i = 0; i < kind->ncolumns; i++)
		if (strcmp(kind->columns[i].name, name) == 0)
			return i;
	return -1;
}

/* When column is date_fin made from date_debut's duree_jours: date_debut's index; else -1. */
static int
mapper_derived_from(const ProfileMapper *mapper, int column)
{
	int debut = mapper_column(mapper, "date_debut");

	return column == mapper_column(mapper, "date_fin") && debut >= 0 &&
		mapper->profile->fields[debut].length_days > 0 ? debut : -1;
}

bool
profile_mapper_json_has_column(const ProfileMapper *mapper, int column, const bool *seen)
{
	const FieldMapping *field = &mapper->profile->fields[column];
	int debut = mapper_derived_from(mapper, column);

	if (debut >= 0)
		return profile_mapper_json_has_column(mapper, debut, seen);
	return field->used && (field->constant != NULL ||
						   (field->index >= 0 && field->index < JSON_MAX_FIELDS && seen[field->index]));
}

/* Resolves every mapping, then sends the canonical header on. */
static bool
mapper_header(ProfileMapper *mapper, const CsvRecord *header)
{
	Profile *profile = mapper->profile;
	const KindSpec *kind = profile->kind;

	if (header->error)
	{
		log_error("profil %s : en-tête illisible ligne %d : %s", profile->name, header->line, header->error);
		return false;
	}
	for (int i = 0; i < kind->ncolumns; i++)
		if (!resolve_mapping(mapper, header, &profile->fields[i], kind->columns[i].name))
			return false;
	for (int i = 0; i < 3; i++)
		if (profile->find_participant &&
			!resolve_mapping(mapper, header, &profile->person[i], "participant_par_nom"))
			return false;
	if (profile->skip_prefix && !resolve_mapping(mapper, header, &profile->skip_column, "ignorer_si"))
		return false;

	char *names[PROFILE_MAX_COLUMNS];
	size_t lengths[PROFILE_MAX_COLUMNS];

	/* an optional column the profile does not map is absent from the file: stored values stay
	 * (date_fin given by date_debut's duree_jours is mapped) */
	for (int i = 0; i < kind->ncolumns; i++)
	{
		bool derived = mapper_derived_from(mapper, i) >= 0;
		bool absent = !kind->columns[i].required && !profile->fields[i].used && !derived;

		names[i] = (char *) (absent ? "" : kind->columns[i].name);
		lengths[i] = strlen(names[i]);
	}

	CsvRecord canonical = {.line = header->line, .nfields = kind->ncolumns,
	.fields = names, .lengths = lengths};

	return mapper->next(mapper->next_context, &canonical);
}

/* The raw value of a mapping in a row ("" when the row is short). */
static const char *
mapping_raw(const FieldMapping *mapping, const CsvRecord *record)
{
	if (mapping->constant)
		return mapping->constant;
	if (mapping->index >= 0 && mapping->index < record->nfields)
		return record->fields[mapping->index];
	return "";
}

/* The canonical value of a mapping: value map, month of a date, thousands stripped. */
static bool
mapping_value(ProfileMapper *mapper, const FieldMapping *mapping, const CsvRecord *record,
			  bool numeric, char *out, char *err)
{
	snprintf(out, KIND_VALUE_SIZE, "%s", mapping_raw(mapping, record));
	validate_trim(out);

	if (mapping->nvalues > 0 && *out)
	{
		strbuf_reset(&mapper->scratch);
		if (!normalize_name(out, &mapper->scratch))
			return false;
		for (int i = 0; i < mapping->nvalues; i++)
			if (strcmp(mapper->scratch.data ? mapper->scratch.data : "", mapping->value_from[i]) == 0)
			{
				snprintf(out, KIND_VALUE_SIZE, "%s", mapping->value_to[i]);
				break;
			}
	}
	if (mapping->month_from_date && *out)
	{
		char date[11];

		if (!validate_date(out, date, err))
			return false;
		snprintf(out, KIND_VALUE_SIZE, "%.7s", date);
	}
	if (numeric && mapper->profile->thousands)
	{
		char *w = out;

		for (const char *r = out; *r; r++)
			if (*r != mapper->profile->thousands)
				*w++ = *r;
		*w = '\0';
	}
	return true;
}

static bool
is_numeric_column(const char *name)
{
	return strcmp(name, "heures") == 0 || strcmp(name, "heures_formation") == 0 ||
		strcmp(name, "montant_ht") == 0 || strcmp(name, "heures_prevues") == 0;
}

/* The row as the sender wrote it, for the reject report. */
static const char *
mapper_content(ProfileMapper *mapper, const CsvRecord *record)
{
	strbuf_reset(&mapper->content);
	for (int i = 0; i < record->nfields; i++)
	{
		if (i > 0)
			strbuf_putc(&mapper->content, mapper->delimiter ? mapper->delimiter : ';');
		strbuf_puts(&mapper->content, record->fields[i]);
	}
	return mapper->content.data ? mapper->content.data : "";
}

static bool
mapper_reject(ProfileMapper *mapper, const CsvRecord *record, const char *column, const char *reason)
{
	char *empty[1] = {""};
	size_t zero[1] = {0};
	CsvRecord rejected = {.line = record->line, .nfields = 0, .fields = empty, .lengths = zero,
		.error = reason, .error_column = column, .content = mapper_content(mapper, record)};

	return mapper->next(mapper->next_context, &rejected);
}

/* Is this a total row (or another row the profile says to skip)? */
static bool
mapper_skips(ProfileMapper *mapper, const CsvRecord *record)
{
	Profile *profile = mapper->profile;

	if (profile->skip_prefix == NULL)
		return false;
	strbuf_reset(&mapper->scratch);
	if (!normalize_name(mapping_raw(&profile->skip_column, record), &mapper->scratch))
		return false;
	return strncmp(mapper->scratch.data ? mapper->scratch.data : "", profile->skip_prefix,
				   strlen(profile->skip_prefix)) == 0;
}

/* Fills participant_id from nom, prénom and birth date. */
static bool
mapper_find_participant(ProfileMapper *mapper, const CsvRecord *record, char *out, char *err)
{
	Profile *profile = mapper->profile;
	char nom[KIND_VALUE_SIZE], prenom[KIND_VALUE_SIZE], birth[KIND_VALUE_SIZE], date[11];

	if (!mapping_value(mapper, &profile->person[0], record, false, nom, err) ||
		!mapping_value(mapper, &profile->person[1], record, false, prenom, err) ||
		!mapping_value(mapper, &profile->person[2], record, false, birth, err))
		return false;
	if (!validate_date(birth, date, err))
		return false;

	const char *id = mapper->lookup(mapper->lookup_context, nom, prenom, date, err, VALIDATE_ERR_SIZE);

	if (id == NULL)
		return false;
	snprintf(out, KIND_VALUE_SIZE, "%s", id);
	return true;
}

static ProfileGroup *
mapper_group(ProfileMapper *mapper, const char *key, bool *created)
{
	long index;

	*created = false;
	if (strmap_get(&mapper->group_index, key, &index))
		return &mapper->groups[index];
	if (mapper->ngroups == mapper->group_capacity)
	{
		int capacity = mapper->group_capacity ? mapper->group_capacity * 2 : 64;
		ProfileGroup *groups = realloc(mapper->groups, sizeof(ProfileGroup) * (size_t) capacity);

		if (groups == NULL)
			return NULL;
		mapper->groups = groups;
		mapper->group_capacity = capacity;
	}
	if (!strmap_put(&mapper->group_index, key, mapper->ngroups))
		return NULL;
	*created = true;

	ProfileGroup *group = &mapper->groups[mapper->ngroups++];

	memset(group, 0, sizeof(*group));
	return group;
}

/* Adds a canonical row to its month: same participant, employer, marché and month. */
static bool
mapper_add_to_month(ProfileMapper *mapper, const CsvRecord *record)
{
	const KindSpec *kind = mapper->profile->kind;
	char month[11], hours[64], training[64], err[VALIDATE_ERR_SIZE];
	double h = 0, t = 0;

	/* heures columns: participant 0, employeur 1, marché 2, mois 3, heures 4, formation 5;
	 * an empty one gets the message every sender gets for it */
	if (*validate_trim(mapper->values[3]) == '\0')
		return mapper_reject(mapper, record, "mois", "valeur obligatoire manquante");
	if (*validate_trim(mapper->values[4]) == '\0')
		return mapper_reject(mapper, record, "heures", "valeur obligatoire manquante");
	if (!validate_month(validate_trim(mapper->values[3]), month, err))
		return mapper_reject(mapper, record, "mois", err);
	if (!validate_decimal(validate_trim(mapper->values[4]), 2, 744, false, hours, sizeof(hours), &h, err))
		return mapper_reject(mapper, record, "heures", err);
	if (*validate_trim(mapper->values[5]) &&
		!validate_decimal(mapper->values[5], 2, 744, false, training, sizeof(training), &t, err))
		return mapper_reject(mapper, record, "heures_formation", err);

	char key[4 * KIND_VALUE_SIZE];
	bool created;

	snprintf(key, sizeof(key), "%s\x1f%s\x1f%s\x1f%s", mapper->values[0], mapper->values[1],
			 mapper->values[2], month);

	ProfileGroup *group = mapper_group(mapper, key, &created);

	if (group == NULL)
		return false;
	if (created)
	{
		group->line = record->line;
		for (int i = 0; i < kind->ncolumns; i++)
			group->values[i] = strdup(mapper->values[i]);
		group->content = strdup(mapper_content(mapper, record));
	}
	else if (strcmp(group->values[6], mapper->values[6]) != 0 ||
			 strcmp(group->values[7], mapper->values[7]) != 0)
	{
		snprintf(group->error, sizeof(group->error),
				 "type de contrat ou modalité différents dans le même mois (« %.40s » puis « %.40s »)",
				 group->values[6], mapper->values[6]);
		group->error_column = "type_contrat";
	}
	group->hours += h;
	group->training += t;
	if (group->lines.len > 0)
		strbuf_puts(&group->lines, ", ");
	strbuf_printf(&group->lines, "%d", record->line);
	return true;
}

static bool
mapper_has_period(const ProfileMapper *mapper)
{
	int debut = mapper_column(mapper, "date_debut");

	return debut >= 0 && mapper->profile->fields[debut].used && mapper->values[debut][0] != '\0';
}

/*
 * A start date mapped with duree_jours: date_fin is that date plus the length less one
 * day ("Semaine du 31/01/2022", 7 days: 31/01/2022 to 06/02/2022).
 */
static bool
mapper_period_end(ProfileMapper *mapper, char *err)
{
	int debut = mapper_column(mapper, "date_debut");
	int fin = mapper_column(mapper, "date_fin");
	char iso[11];

	if (debut < 0 || fin < 0 || mapper->profile->fields[debut].length_days == 0 ||
		*validate_trim(mapper->values[debut]) == '\0')
		return true;
	if (!validate_date(validate_trim(mapper->values[debut]), iso, err))
		return false;

	struct tm day = {0};

	day.tm_year = (int) strtol(iso, NULL, 10) - 1900;
	day.tm_mon = (int) strtol(iso + 5, NULL, 10) - 1;
	day.tm_mday = (int) strtol(iso + 8, NULL, 10) + mapper->profile->fields[debut].length_days - 1;
	day.tm_hour = 12;

	time_t t = timegm(&day);

	if (t == (time_t) -1 || gmtime_r(&t, &day) == NULL)
	{
		snprintf(err, VALIDATE_ERR_SIZE, "date de fin de période incalculable");
		return false;
	}
	snprintf(mapper->storage[fin], KIND_VALUE_SIZE, "%04d-%02d-%02d", day.tm_year + 1900,
			 day.tm_mon + 1, day.tm_mday);
	mapper->values[fin] = mapper->storage[fin];
	return true;
}

bool
profile_mapper_on_record(void *context, const CsvRecord *record)
{
	ProfileMapper *mapper = context;
	Profile *profile = mapper->profile;
	const KindSpec *kind = profile->kind;
	char err[VALIDATE_ERR_SIZE];

	if (record->line <= profile->title_lines)
	{
		mapper->title_rows++;
		return true;
	}
	if (!mapper->header_done)
	{
		mapper->header_done = true;
		if (!mapper_header(mapper, record))
		{
			mapper->failed = true;
			return false;
		}
		return true;
	}
	if (record->error)
		return mapper_reject(mapper, record, record->error_column, record->error);
	if (mapper_skips(mapper, record))
	{
		mapper->total_rows++;
		return true;
	}

	for (int i = 0; i < kind->ncolumns; i++)
	{
		mapper->values[i] = mapper->storage[i];
		mapper->storage[i][0] = '\0';
		if (profile->fields[i].used &&
			!mapping_value(mapper, &profile->fields[i], record, is_numeric_column(kind->columns[i].name),
						   mapper->storage[i], err))
			return mapper_reject(mapper, record, kind->columns[i].name, err);
	}
	if (profile->find_participant && !profile->fields[0].used &&
		!mapper_find_participant(mapper, record, mapper->storage[0], err))
		return mapper_reject(mapper, record, "participant_id", err);

	if (!mapper_period_end(mapper, err))
		return mapper_reject(mapper, record, "date_debut", err);
	/* rows with a period keep the sender's grain: a week sent back replaces that week */
	if (profile->monthly_sum && !mapper_has_period(mapper))
		return mapper_add_to_month(mapper, record);

	for (int i = 0; i < kind->ncolumns; i++)
		mapper->lengths[i] = strlen(mapper->values[i]);

	CsvRecord canonical = {.line = record->line, .nfields = kind->ncolumns,
		.fields = mapper->values, .lengths = mapper->lengths,
	.content = mapper_content(mapper, record)};

	return mapper->next(mapper->next_context, &canonical);
}

bool
profile_mapper_finish(ProfileMapper *mapper)
{
	const KindSpec *kind = mapper->profile->kind;

	if (mapper->title_rows + mapper->total_rows > 0)
		log_info("profil %s : %lld ligne%s de titre et %lld ligne%s de total ignorée%s",
				 mapper->profile->name, mapper->title_rows, fr_s(mapper->title_rows),
				 mapper->total_rows, fr_s(mapper->total_rows),
				 fr_s(mapper->title_rows + mapper->total_rows));
	for (int g = 0; g < mapper->ngroups; g++)
	{
		ProfileGroup *group = &mapper->groups[g];
		char *values[PROFILE_MAX_COLUMNS];
		size_t lengths[PROFILE_MAX_COLUMNS];
		char hours[32], training[32];

		snprintf(hours, sizeof(hours), "%.2f", group->hours);
		snprintf(training, sizeof(training), "%.2f", group->training);
		for (int i = 0; i < kind->ncolumns; i++)
			values[i] = i == 4 ? hours : i == 5 ? training : group->values[i];
		for (int i = 0; i < kind->ncolumns; i++)
			lengths[i] = strlen(values[i]);

		StrBuf content = {0};

		strbuf_printf(&content, "lignes %s : %s", group->lines.data, group->content);

		CsvRecord record = {.line = group->line, .nfields = group->error[0] ? 0 : kind->ncolumns,
			.fields = values, .lengths = lengths, .content = content.data,
			.error = group->error[0] ? group->error : NULL, .error_column = group->error_column};
		bool ok = mapper->next(mapper->next_context, &record);

		strbuf_free(&content);
		if (!ok)
			return false;
	}
	return true;
}

void
profile_mapper_free(ProfileMapper *mapper)
{
	for (int g = 0; g < mapper->ngroups; g++)
	{
		for (int i = 0; i < mapper->profile->kind->ncolumns; i++)
			free(mapper->groups[g].values[i]);
		free(mapper->groups[g].content);
		strbuf_free(&mapper->groups[g].lines);
	}
	free(mapper->groups);
	strmap_free(&mapper->group_index);
	strbuf_free(&mapper->content);
	strbuf_free(&mapper->scratch);
}
