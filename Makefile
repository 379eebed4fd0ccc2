# clause: build, demo and tests. `make demo` and `make test` work on a fresh Debian
# machine: both install the packages they need first (scripts/install-deps.sh).

CC      ?= cc
CFLAGS  ?= -O2 -g
WARN     = -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Wformat=2
PKGS     = libpq libcjson xlsxwriter libmicrohttpd libzip expat
INCLUDES = -I.
ALL_CFLAGS = $(WARN) $(CFLAGS) $(INCLUDES) $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LIBS     = $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -lpq -lcjson -lxlsxwriter -lmicrohttpd -lzip -lexpat) -lcsv -lcrypto -lm
CHECK_LIBS = $(shell pkg-config --libs check 2>/dev/null || echo -lcheck -lsubunit -lrt -lpthread) -lm

# Pure modules: no database, unit-tested alone.
PURE_SRCS = src/lib/log.c src/lib/strbuf.c importers/validate.c importers/decode.c \
            importers/csv_reader.c importers/kinds.c importers/copy_format.c src/lib/format.c \
            importers/normalize.c importers/xlsx_book.c importers/xlsx_reader.c \
            importers/strmap.c importers/closest.c importers/row_digest.c \
            src/lib/suggest.c src/lib/passfile.c
# Everything else in src/*/, importers/ and reports/ is core; src/cli/ is the command line.
CLI_SRCS  = $(sort $(wildcard src/cli/*.c))
CORE_SRCS = $(sort $(filter-out $(CLI_SRCS), $(wildcard src/*/*.c importers/*.c reports/*.c))) \
            build/sql_embedded.c

OBJDIR     = build/obj
PURE_OBJS  = $(PURE_SRCS:%.c=$(OBJDIR)/%.o)
CORE_OBJS  = $(CORE_SRCS:%.c=$(OBJDIR)/%.o)
CLI_OBJS   = $(CLI_SRCS:%.c=$(OBJDIR)/%.o)
SQL_FILES  = $(shell find sql -name '*.sql' ! -path sql/schema.sql | LC_ALL=C sort)

# Each tests/unit/check_X.c and tests/integration/check_X.c is a suite tests/bin/check_X.
UNIT_TESTS = $(patsubst tests/unit/%.c,tests/bin/%,$(sort $(wildcard tests/unit/check_*.c)))
INTEGRATION_TESTS = $(patsubst tests/integration/%.c,tests/bin/%,$(sort $(wildcard tests/integration/check_*.c)))

.PHONY: all deps demo test test-unit tests-build sample clean check check-layers schema

all: bin/clause

deps:
	@sh scripts/install-deps.sh

bin/clause: $(CORE_OBJS) $(CLI_OBJS)
	@mkdir -p bin
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LIBS)

build/sql_embedded.c: tools/embed_sql.sh $(SQL_FILES) | build/sql_files.h
	@mkdir -p build
	sh tools/embed_sql.sh sql > $@.tmp && mv $@.tmp $@

# One constant per SQL file (SQL_ATTRIBUTION_INDEX_OFF…): a file renamed or removed
# fails the build of the code that names it. Rewritten only when the set of files changes.
build/sql_files.h: tools/embed_sql.sh $(SQL_FILES)
	@mkdir -p build
	@sh tools/embed_sql.sh --header sql > $@.tmp && \
	 if cmp -s $@.tmp $@; then rm $@.tmp; else mv $@.tmp $@; fi

$(OBJDIR)/%.o: %.c | build/sql_files.h
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

# Unit suites link only the pure modules; integration suites link the whole core.
tests/bin/check_%: tests/unit/check_%.c $(PURE_OBJS)
	@mkdir -p tests/bin
	$(CC) $(ALL_CFLAGS) -Itests -o $@ $^ $(CHECK_LIBS) $(LIBS)

tests/bin/check_%: tests/integration/check_%.c tests/integration/testdb.c $(CORE_OBJS)
	@mkdir -p tests/bin
	$(CC) $(ALL_CFLAGS) -Itests -Itests/integration -o $@ $^ $(CHECK_LIBS) $(LIBS)

# The data generator, also used by the reliability tests for a large file.
build/gen_data: tools/gen_data.c
	@mkdir -p build
	$(CC) -std=c11 -O2 -Wall -Wextra -Werror -o $@ $<

tests-build: bin/clause build/gen_data $(UNIT_TESTS) $(INTEGRATION_TESTS)

# The main job on the bundled sample data: embedded database, import, attribution, reports.
demo: deps
	@$(MAKE) --no-print-directory all
	@sh scripts/demo.sh

# Every test: unit suites, then integration suites and CLI tests on a throwaway cluster.
test: deps
	@sh scripts/check-layers.sh
	@$(MAKE) --no-print-directory tests-build
	@sh scripts/run-tests.sh $(UNIT_TESTS) -- $(INTEGRATION_TESTS)

# One suite by name, e.g. `make check SUITE=attribution` (an integration suite gets its own
# throwaway cluster, as in `make test`).
check: deps
	@test -n "$(SUITE)" || { echo "usage : make check SUITE=nom (ex. attribution, import, format)"; exit 1; }
	@$(MAKE) --no-print-directory bin/clause build/gen_data tests/bin/check_$(SUITE)
	@if [ -f tests/unit/check_$(SUITE).c ]; then sh scripts/run-tests.sh tests/bin/check_$(SUITE) --; \
	 else sh scripts/run-tests.sh -- tests/bin/check_$(SUITE); fi

# sql/schema.sql: pg_dump -s of a freshly migrated database (make test checks it is current).
schema: bin/clause
	@sh scripts/schema.sh

# importers/ and reports/ include neither each other nor the command line (run by `make test`).
check-layers:
	@sh scripts/check-layers.sh

test-unit: deps
	@$(MAKE) --no-print-directory $(UNIT_TESTS)
	@for t in $(UNIT_TESTS); do $$t || exit 1; done

# Regenerates data/sample/ and its independently computed expected figures.
sample: build/gen_data
	build/gen_data --sample data/sample --expected tests/expected/sample-2021-expected.tsv

# Pictures of the reports in every format for the README (headless chromium, LibreOffice), after `make demo`.
.PHONY: screenshots
screenshots:
	@sh scripts/screenshots.sh

clean:
	rm -rf build bin tests/bin

-include $(CORE_OBJS:.o=.d) $(CLI_OBJS:.o=.d)

# Longer checks live in their own files: mk/*.mk (benchmarks, fuzzing, sanitizers).
-include $(sort $(wildcard mk/*.mk))
