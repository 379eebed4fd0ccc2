# Fuzzing with libFuzzer (clang): one harness per reader, tests/fuzz/fuzz_*.c, built with
# ASan and UBSan into build-fuzz/. The product is linked unchanged except src/lib/db.c,
# replaced by tests/fuzz/fake_db.c, which checks every COPY row as the server would.
#
#   make fuzz [FUZZ_SECONDS=60]       each harness FUZZ_SECONDS seconds, one after the other
#   make fuzz-regress                 every harness over tests/inputs/regress/ and its corpus
#   make fuzz-merge                   minimises what the runs found into tests/fuzz/corpus/
#   make fuzz-seed                    re-creates tests/fuzz/corpus/ from the test files
# Crashes are written to build-fuzz/artifacts/. See tests/fuzz/README.md.

FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
# Known bugs a run may step over while they are fixed (tests/fuzz/README.md): utf8,profile
FUZZ_TOLERATE ?=
FUZZ_DIR      = build-fuzz
FUZZ_SAN      = -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_CFLAGS   = -std=c11 -D_GNU_SOURCE -g -O1 -Wall -Wextra -Wshadow $(FUZZ_SAN) \
                $(INCLUDES) -Itests/fuzz $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
FUZZ_HARNESSES = $(patsubst tests/fuzz/%.c,%,$(sort $(wildcard tests/fuzz/fuzz_*.c)))
FUZZ_BINS     = $(FUZZ_HARNESSES:%=$(FUZZ_DIR)/bin/%)
# The product as built for `make all`, less the database layer.
FUZZ_PRODUCT  = $(filter-out src/lib/db.c,$(CORE_SRCS))
FUZZ_OBJS     = $(FUZZ_PRODUCT:%.c=$(FUZZ_DIR)/obj/%.o) \
                $(FUZZ_DIR)/obj/tests/fuzz/common.o $(FUZZ_DIR)/obj/tests/fuzz/fake_db.o
FUZZ_RUN_FLAGS = -close_fd_mask=2 -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 -max_len=65536

.PHONY: fuzz fuzz-build fuzz-deps fuzz-regress fuzz-merge fuzz-seed

fuzz-deps:
	@sh scripts/install-fuzz-deps.sh

fuzz-build: fuzz-deps
	@$(MAKE) --no-print-directory $(FUZZ_BINS)

$(FUZZ_DIR)/obj/%.o: %.c | build/sql_files.h
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c -o $@ $<

# An archive, so that each harness links only the modules it reaches.
$(FUZZ_DIR)/libclause-fuzz.a: $(FUZZ_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(FUZZ_DIR)/bin/%: $(FUZZ_DIR)/obj/tests/fuzz/%.o $(FUZZ_DIR)/libclause-fuzz.a
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $^ $(LIBS)

# Each harness: the kept corpus (read only) seeds a working corpus in build-fuzz/.
fuzz: fuzz-build
	@mkdir -p $(FUZZ_DIR)/artifacts
	@status=0; for h in $(FUZZ_HARNESSES); do \
	    mkdir -p $(FUZZ_DIR)/corpus/$$h tests/fuzz/corpus/$$h; \
	    echo "== $$h ($(FUZZ_SECONDS) s, journal $(FUZZ_DIR)/$$h.log)"; \
	    if CLAUSE_FUZZ_TOLERATE="$(FUZZ_TOLERATE)" $(FUZZ_DIR)/bin/$$h $(FUZZ_RUN_FLAGS) -max_total_time=$(FUZZ_SECONDS) \
	        -artifact_prefix=$(FUZZ_DIR)/artifacts/$$h- -dict=tests/fuzz/$$h.dict \
	        $(FUZZ_DIR)/corpus/$$h tests/fuzz/corpus/$$h >$(FUZZ_DIR)/$$h.log 2>&1; then \
	        grep -E '^#[0-9]+ +DONE|^Done [0-9]+ runs' $(FUZZ_DIR)/$$h.log; \
	    else \
	        tail -60 $(FUZZ_DIR)/$$h.log; status=1; \
	        echo "$$h : entrée fautive dans $(FUZZ_DIR)/artifacts/ :"; ls $(FUZZ_DIR)/artifacts/$$h-*; \
	    fi; \
	done; exit $$status

# Every kept input once: each regression input alone (it fails until its bug is fixed),
# then the corpus of each harness.
fuzz-regress: fuzz-build
	@mkdir -p $(FUZZ_DIR)/regress; status=0; \
	for f in tests/inputs/regress/fuzz_*; do \
	    [ -f "$$f" ] || continue; h=$$(basename "$$f" | sed 's/-.*//'); \
	    if $(FUZZ_DIR)/bin/$$h -close_fd_mask=2 "$$f" >$(FUZZ_DIR)/regress/$$(basename "$$f").log 2>&1; \
	    then echo "ok      $$f"; \
	    else echo "ÉCHEC   $$f : $$(grep -a -m1 -E 'ERROR: |fake_db:|ligne acceptée' $(FUZZ_DIR)/regress/$$(basename "$$f").log)"; status=1; fi; \
	done; \
	for h in $(FUZZ_HARNESSES); do \
	    [ -d tests/fuzz/corpus/$$h ] || continue; \
	    if CLAUSE_FUZZ_TOLERATE="$(FUZZ_TOLERATE)" $(FUZZ_DIR)/bin/$$h -close_fd_mask=2 -runs=0 \
	        tests/fuzz/corpus/$$h >$(FUZZ_DIR)/regress/$$h-corpus.log 2>&1; \
	    then echo "ok      tests/fuzz/corpus/$$h ($$(ls tests/fuzz/corpus/$$h | wc -l) entrées)"; \
	    else echo "ÉCHEC   tests/fuzz/corpus/$$h : voir $(FUZZ_DIR)/regress/$$h-corpus.log"; status=1; fi; \
	done; exit $$status

# Minimises the kept corpus with what the runs found (libFuzzer -merge=1). Inputs are cut
# to a few KiB so that tests/fuzz/corpus/ stays under 2 MB (DECP marchés need more room).
fuzz-merge: fuzz-build
	@for h in $(FUZZ_HARNESSES); do \
	    case $$h in fuzz_decp) len=4096 ;; fuzz_csv) len=2048 ;; *) len=1024 ;; esac; \
	    rm -rf $(FUZZ_DIR)/merged/$$h; mkdir -p $(FUZZ_DIR)/merged/$$h $(FUZZ_DIR)/corpus/$$h; \
	    CLAUSE_FUZZ_TOLERATE="$(FUZZ_TOLERATE)" $(FUZZ_DIR)/bin/$$h -close_fd_mask=2 -merge=1 \
	        -max_len=$$len $(FUZZ_DIR)/merged/$$h tests/fuzz/corpus/$$h $(FUZZ_DIR)/corpus/$$h 2>&1 \
	        | grep -a -E '^MERGE-OUTER: [0-9]+ new files'; \
	    rm -rf tests/fuzz/corpus/$$h && mv $(FUZZ_DIR)/merged/$$h tests/fuzz/corpus/$$h; \
	done; du -sb --apparent-size tests/fuzz/corpus

fuzz-seed:
	@sh tests/fuzz/seed.sh

-include $(FUZZ_OBJS:.o=.d) $(FUZZ_HARNESSES:%=$(FUZZ_DIR)/obj/tests/fuzz/%.d)

# The harnesses' objects are kept (make would delete them as intermediate files).
.SECONDARY: $(FUZZ_HARNESSES:%=$(FUZZ_DIR)/obj/tests/fuzz/%.o)
