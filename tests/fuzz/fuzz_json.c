/*
 * libFuzzer harness of the JSON reader: import_file() of a canonical kind in JSON
 * (fake database checking every row), or json_reader_run() alone with a layout of
 * dotted paths. Input: one byte choosing the kind or the raw reader, then the file.
 */
#include <stdint.h>
#include <stddef.h>
#include <string.h>

#include "common.h"
#include "importers/import.h"
#include "importers/json_reader.h"
#include "importers/kinds.h"

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

typedef struct RawRun
{
	const JsonLayout *layout;
	int records;
	int last_line;
} RawRun;

/* What every reader promises its callback. */
static bool
check_record(void *context, const CsvRecord *record)
{
	RawRun *run = context;

	if (record->line < 1 || record->line < run->last_line)
		fuzz_fail("json_reader : ligne %d après la ligne %d", record->line, run->last_line);
	run->last_line = record->line;
	if (record->error == NULL && record->nfields != run->layout->nnames)
		fuzz_fail("json_reader : %d champs au lieu de %d", record->nfields, run->layout->nnames);
	for (int i = 0; record->error == NULL && i < record->nfields; i++)
		if (record->fields[i] == NULL || strlen(record->fields[i]) != record->lengths[i])
			fuzz_fail("json_reader : champ %d sans texte ou de longueur fausse", i);
	if (record->error && strlen(record->error) == 0)
		fuzz_fail("json_reader : erreur vide");
	return ++run->records < 100000;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;

	const char *path = fuzz_file(0, data + 1, size - 1);
	int choice = (data[0] & 0x7F) % 8;

	if (choice == 7)
	{
		JsonLayout layout = {.array_key = "lignes", .nnames = 5,
			.names = {"salarie.nom", "salarie.prenom", "heures", "a.b.c.d", "mois"}};
		RawRun run = {.layout = &layout};

		json_reader_run(path, &layout, check_record, &run);
		return 0;
	}

	const KindSpec *kind = fuzz_pick_kind((uint8_t) choice);
	ImportOptions options = {
		.kind = kind->name,
		.path = path,
		.format = IMPORT_FORMAT_JSON,
		.strict = (data[0] & 0x80) != 0,
		.max_reported = 3,
	};
	ImportResult result = {0};

	fuzz_expect_kind(kind);
	import_file(fake_db(), &options, &result);
	return 0;
}
