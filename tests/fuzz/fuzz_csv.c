/*
 * libFuzzer harness of the CSV import path: detection, decoding, parsing, validation
 * and COPY formatting of import_file(), with a fake database that checks every row.
 * Input: one byte choosing the kind (and --strict), then the file's bytes.
 */
#include <stdint.h>
#include <stddef.h>

#include "common.h"
#include "importers/import.h"
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

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;

	const KindSpec *kind = fuzz_pick_kind(data[0] & 0x7F);
	ImportOptions options = {
		.kind = kind->name,
		.path = fuzz_file(0, data + 1, size - 1),
		.format = IMPORT_FORMAT_CSV,
		.strict = (data[0] & 0x80) != 0,
		.max_reported = 3,
	};
	ImportResult result = {0};

	fuzz_expect_kind(kind);
	import_file(fake_db(), &options, &result);
	return 0;
}
