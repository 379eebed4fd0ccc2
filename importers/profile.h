/*
 * Source profiles: how one sender lays out its file (columns by name or position,
 * constants, value maps, encoding, title and total lines, participants found by
 * name, weekly rows summed into months), read from a JSON file with cJSON. A new
 * sender needs a profile, not code.
 */
#ifndef CLAUSE_PROFILE_H
#define CLAUSE_PROFILE_H

#include <stdbool.h>

#include "importers/csv_reader.h"
#include "importers/json_reader.h"
#include "importers/kinds.h"
#include "importers/strmap.h"

#define PROFILE_MAX_COLUMNS 16

typedef struct FieldMapping
{
	bool used;
	char *column;				/* source column name (CSV header) or JSON path */
	int position;				/* 1-based source position, 0 when by name */
	char *constant;				/* value used for every row */
	bool month_from_date;		/* the month of a date column */
	int length_days;			/* date_debut: the period lasts that many days, 0 if not given */
	int nvalues;
	char **value_from;			/* normalised source values */
	char **value_to;
	int index;					/* resolved source column, -1 when none */
} FieldMapping;

typedef struct Profile
{
	char *path;
	char *name;
	char *description;
	const KindSpec *kind;
	bool json;
	bool xlsx;					/* an Excel workbook */
	char *sheet;				/* its sheet, by name; NULL: the first */
	char *file_pattern;			/* "fichiers": names it usually comes under, to break ties */
	char *json_array;
	bool encoding_forced;
	Encoding encoding;
	char delimiter;				/* 0: detected */
	int title_lines;			/* physical lines before the header */
	FieldMapping skip_column;	/* rows whose column starts with skip_prefix are totals */
	char *skip_prefix;			/* normalised */
	char thousands;				/* thousands separator to strip from numbers, or 0 */
	FieldMapping fields[PROFILE_MAX_COLUMNS];	/* one per canonical column */
	bool find_participant;
	FieldMapping person[3];		/* nom, prenom, date_naissance */
	bool monthly_sum;
} Profile;

/* Loads NAME (profiles/NAME.json under home) or a path; reports what is wrong. */
bool profile_load(const char *name, const char *home, Profile *profile);
void profile_free(Profile *profile);

/* The JSON layout a JSON profile reads. */
void profile_json_layout(const Profile *profile, JsonLayout *layout);

/* Finds a participant's id by name and birth date; NULL with a reason when not found. */
typedef const char *(*ParticipantLookup) (void *context, const char *nom, const char *prenom,
										  const char *birth_date, char *err, size_t errsize);

typedef struct ProfileGroup ProfileGroup;

/*
 * Turns a sender's records into canonical ones: plug profile_mapper_on_record as the
 * reader's callback; it calls next with the canonical header, then canonical rows.
 */
typedef struct ProfileMapper
{
	Profile *profile;
	CsvRecordCallback next;
	void *next_context;
	ParticipantLookup lookup;
	void *lookup_context;
	char delimiter;				/* of the source, to show rejected rows as sent */
	bool header_done;
	bool failed;
	long long title_rows;
	long long total_rows;
	char *values[PROFILE_MAX_COLUMNS];
	char storage[PROFILE_MAX_COLUMNS][KIND_VALUE_SIZE];
	size_t lengths[PROFILE_MAX_COLUMNS];
	StrBuf content;
	StrBuf scratch;
	StrMap group_index;
	ProfileGroup *groups;
	int ngroups;
	int group_capacity;
} ProfileMapper;

bool profile_mapper_on_record(void *context, const CsvRecord *record);

/*
 * A JSON file read through the mapper, once read: whether the kind's column is in it (rule
 * 10), seen[k] saying some object has the k-th source path (JsonLayout.seen): a constant is,
 * a mapped path is when some object has it, even null or "", a date_fin made from
 * date_debut's duree_jours is when date_debut is.
 */
bool profile_mapper_json_has_column(const ProfileMapper *mapper, int column, const bool *seen);

/* Emits the rows summed by month; call once the reader is done. */
bool profile_mapper_finish(ProfileMapper *mapper);
void profile_mapper_free(ProfileMapper *mapper);

#endif
