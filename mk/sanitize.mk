# Sanitizers and valgrind: the whole suite built with AddressSanitizer and UBSan into
# build-asan/ (build/ and bin/ are left alone), and the unit suites plus a full import
# of data/sample under valgrind.
#
#   make test-asan        unit + integration suites, asan bin/clause, own cluster
#   make test-valgrind    unit suites and an import of data/sample under valgrind
# Sanitizer reports go to build-asan/logs/ (the CLI tests silence the binary's output);
# any report fails the target.

ASAN_DIR    = build-asan
ASAN_FLAGS  = -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=undefined \
              -fno-omit-frame-pointer
# -Wno-error: at -O1 gcc sees warnings that -O2 does not (shown, reported, not fatal here).
ASAN_CFLAGS = $(ALL_CFLAGS) $(ASAN_FLAGS) -Wno-error
ASAN_OBJDIR = $(ASAN_DIR)/obj
ASAN_PURE   = $(PURE_SRCS:%.c=$(ASAN_OBJDIR)/%.o)
ASAN_CORE   = $(CORE_SRCS:%.c=$(ASAN_OBJDIR)/%.o)
ASAN_CLI    = $(CLI_SRCS:%.c=$(ASAN_OBJDIR)/%.o)
ASAN_UNIT_TESTS        = $(UNIT_TESTS:tests/bin/%=$(ASAN_DIR)/tests/bin/%)
ASAN_INTEGRATION_TESTS = $(INTEGRATION_TESTS:tests/bin/%=$(ASAN_DIR)/tests/bin/%)
# exitcode 86: a sanitizer report never passes for the exit status a test expects.
ASAN_ENV = ASAN_OPTIONS=detect_leaks=1:exitcode=86:log_path=$(CURDIR)/$(ASAN_DIR)/logs/asan \
           LSAN_OPTIONS=exitcode=86 \
           UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=86:log_path=$(CURDIR)/$(ASAN_DIR)/logs/ubsan \
           CK_DEFAULT_TIMEOUT=120 CLAUSE_BIN=$(ASAN_DIR)/bin/clause

VALGRIND = valgrind --quiet --leak-check=full --errors-for-leak-kinds=definite,indirect,possible \
           --error-exitcode=1 --suppressions=tests/valgrind.supp --num-callers=30

.PHONY: test-asan asan-build test-valgrind

$(ASAN_OBJDIR)/%.o: %.c | build/sql_files.h
	@mkdir -p $(dir $@)
	$(CC) $(ASAN_CFLAGS) -MMD -MP -c -o $@ $<

$(ASAN_DIR)/bin/clause: $(ASAN_CORE) $(ASAN_CLI)
	@mkdir -p $(dir $@)
	$(CC) $(ASAN_CFLAGS) -o $@ $^ $(LIBS)

$(ASAN_DIR)/tests/bin/check_%: tests/unit/check_%.c $(ASAN_PURE)
	@mkdir -p $(dir $@)
	$(CC) $(ASAN_CFLAGS) -Itests -o $@ $^ $(CHECK_LIBS) $(LIBS)

$(ASAN_DIR)/tests/bin/check_%: tests/integration/check_%.c tests/integration/testdb.c $(ASAN_CORE)
	@mkdir -p $(dir $@)
	$(CC) $(ASAN_CFLAGS) -Itests -Itests/integration -o $@ $^ $(CHECK_LIBS) $(LIBS)

asan-build: deps
	@$(MAKE) --no-print-directory build/gen_data $(ASAN_DIR)/bin/clause $(ASAN_UNIT_TESTS) $(ASAN_INTEGRATION_TESTS)

test-asan: asan-build
	@rm -rf $(ASAN_DIR)/logs && mkdir -p $(ASAN_DIR)/logs
	@$(ASAN_ENV) sh scripts/run-tests.sh $(ASAN_UNIT_TESTS) -- $(ASAN_INTEGRATION_TESTS); \
	status=$$?; \
	if ls $(ASAN_DIR)/logs/* >/dev/null 2>&1; then \
	    echo "rapports des sanitizers ($(ASAN_DIR)/logs/) :"; cat $(ASAN_DIR)/logs/*; status=1; \
	fi; exit $$status

# The unit suites in one process each (CK_FORK=no: valgrind sees every test), then the
# sample year imported by bin/clause into a throwaway cluster, each command under valgrind.
test-valgrind: deps
	@sh scripts/install-fuzz-deps.sh valgrind
	@$(MAKE) --no-print-directory bin/clause $(UNIT_TESTS)
	@for t in $(UNIT_TESTS); do \
	    echo "== valgrind $$t"; \
	    CK_FORK=no CK_DEFAULT_TIMEOUT=600 $(VALGRIND) $$t || exit 1; \
	done
	@tmp=$$(mktemp -d /tmp/clause-valgrind.XXXXXX); chmod 755 "$$tmp"; \
	CLAUSE_VAR="$$tmp/var"; CLAUSE_PG_FAST=1; CLAUSE_HOME=$$(pwd); \
	export CLAUSE_VAR CLAUSE_PG_FAST CLAUSE_HOME; \
	unset PGHOST PGHOSTADDR PGDATABASE PGSERVICE PGPORT PGUSER; \
	trap 'bin/clause -q db stop >/dev/null 2>&1; rm -rf "$$tmp"' EXIT; \
	bin/clause db start || exit 1; \
	run() { echo "== valgrind bin/clause $$*"; $(VALGRIND) bin/clause -q "$$@"; s=$$?; \
	    [ $$s -eq 0 ] || [ $$s -eq 2 ] || { echo "échec ($$s) : bin/clause $$*"; exit 1; }; }; \
	for kind in donneurs entreprises operations marches participants conventions; do \
	    run import $$kind data/sample/$$kind.csv; \
	done; \
	run import heures $$(ls data/sample/heures_*.csv | LC_ALL=C sort); \
	run report progress --as-of 2021-12-31 >/dev/null; \
	echo "valgrind : aucune erreur, aucune fuite"

-include $(ASAN_CORE:.o=.d) $(ASAN_CLI:.o=.d)
