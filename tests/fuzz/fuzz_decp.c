/*
 * libFuzzer harness of the DECP reader (importers/decp.c): import_decp_file() on a
 * fake database that checks every stage row against the stage table's column types,
 * as the server would (integers, dates, numeric(14, 2), char(14)[] arrays, UTF-8).
 */
#include <stdint.h>
#include <stddef.h>

#include "common.h"
#include "importers/decp.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void) argc;
	(void) argv;
	fuzz_init();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ImportResult result = {0};
	DecpCounts counts = {0};

	import_decp_file(fake_db(), fuzz_file(0, data, size), false, 3, &result, &counts);
	return 0;
}
