/*
 * libFuzzer harness of source profiles: profile_load() of the first part of the input,
 * then, when it loads, import_file() of the second part through the profile (mapper,
 * participants found by name among three the fake database knows, monthly sums).
 * Input: PROFILE_JSON "\n%%\n" DATA.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "common.h"
#include "importers/import.h"
#include "importers/profile.h"

#define SEPARATOR "\n%%\n"

/* Whether an object, at any depth, holds the same key twice. */
static bool
has_duplicate_key(const cJSON *item)
{
	for (const cJSON *a = item ? item->child : NULL; a; a = a->next)
	{
		for (const cJSON *b = a->next; cJSON_IsObject(item) && b; b = b->next)
			if (a->string && b->string && strcmp(a->string, b->string) == 0)
				return true;
		if (has_duplicate_key(a))
			return true;
	}
	return false;
}

/*
 * With CLAUSE_FUZZ_TOLERATE=profile, skips the profiles that hit two known bugs, so
 * that a long run goes deeper: not JSON at all (profile_load reads freed memory,
 * tests/inputs/regress/fuzz_profile-uaf-json-mal-forme.json), or a key given twice
 * (a value map overflows, tests/inputs/regress/fuzz_profile-debordement-*.json).
 */
static bool
skip_known_bugs(const uint8_t *data, size_t size)
{
	const char *tolerate = getenv("CLAUSE_FUZZ_TOLERATE");
	char *text;
	cJSON *parsed;
	bool skip;

	if (tolerate == NULL || strstr(tolerate, "profile") == NULL || (text = malloc(size + 1)) == NULL)
		return false;
	memcpy(text, data, size);
	text[size] = '\0';
	parsed = cJSON_Parse(text);
	free(text);
	skip = parsed == NULL || has_duplicate_key(parsed);
	cJSON_Delete(parsed);
	return skip;
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void) argc;
	(void) argv;
	fuzz_init_kinds();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *sep = memmem(data, size, SEPARATOR, strlen(SEPARATOR));
	size_t profile_size = sep ? (size_t) (sep - data) : size;
	const uint8_t *rest = sep ? sep + strlen(SEPARATOR) : data + size;
	Profile profile = {0};

	if (skip_known_bugs(data, profile_size))
		return 0;

	if (profile_load(fuzz_file(0, data, profile_size), ".", &profile))
	{
		ImportOptions options = {
			.kind = profile.kind->name,
			.path = fuzz_file(1, rest, (size_t) (data + size - rest)),
			.profile = &profile,
			.max_reported = 3,
		};
		ImportResult result = {0};

		fuzz_expect_kind(profile.kind);
		import_file(fake_db(), &options, &result);
	}
	profile_free(&profile);
	return 0;
}
