/*
 * Shared by the libFuzzer harnesses: inputs as files without touching the disk, a
 * database stand-in that checks every COPY row the server would receive, and checks.
 */
#ifndef CLAUSE_FUZZ_COMMON_H
#define CLAUSE_FUZZ_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "importers/kinds.h"
#include "src/lib/db.h"

/*
 * Writes data into an in-memory file (memfd, one per slot) and returns a path that
 * opens it ("/proc/self/fd/N"); the readers fopen() it like any file.
 */
const char *fuzz_file(int slot, const uint8_t *data, size_t size);

/* Sets logging to its most talkative level, so every message is formatted. */
void fuzz_init(void);

/* fuzz_init, and the canonical kinds' row checks on the fake database. */
void fuzz_init_kinds(void);

/* One of the seven canonical kinds, chosen by a byte of the input. */
const KindSpec *fuzz_pick_kind(uint8_t byte);

/* Reports a broken invariant with the harness's own message and aborts (a crash). */
void fuzz_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/*
 * Called for every row COPYed to the fake database, after the generic checks
 * (field count, escapes, UTF-8, column types of the stage table): names are the
 * COPY's columns, values decoded (NULL for SQL NULL).
 */
typedef void (*FakeDbRowHook) (const char *const *names, const char *const *values, int n);

void fake_db_set_row_hook(FakeDbRowHook hook);
Db *fake_db(void);
void fake_db_reset(void);		/* forgets stage tables and any COPY in progress */

/*
 * Row hook of the canonical kinds: a stage row without a reason (motif) must hold
 * canonical values the merge SQL can cast (real dates, months, bounded numbers, SIRET
 * with its key, known enumerations).
 */
void fuzz_check_kind_row(const char *const *names, const char *const *values, int n);
void fuzz_expect_kind(const KindSpec *kind);

#endif
