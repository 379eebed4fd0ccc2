/*
 * libFuzzer harness of the CSV import path: detection, decoding, parsing, validation
 * and COPY formatting of import_file(), with a fake database that checks every row.
 * Input: one byte choosing the kind (and --strict), then the file's bytes.
 */
#include <stdint.h>
#include <stddef.h>

#include "common.h"
#include "import.h"
#include "kinds.h"

static const char *const KIND_NAMES[] = {
	"donneurs", "entreprises", "operations", "marches", "participants", "conventions", "heures"
};

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void) argc;
	(void) argv;
	fuzz_init();
	fake_db_set_row_hook(fuzz_check_kind_row);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;

	const KindSpec *kind = kind_find(KIND_NAMES[(data[0] & 0x7F) % 7]);
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
