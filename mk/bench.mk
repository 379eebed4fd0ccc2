# Benchmarks (issue #5), included by the Makefile. See bench/README.md.
#   make bench [BENCH_ROWS=1000000] [BENCH_RUNS=3]   raw COPY, import, attribute, reports,
#                                                    pgloader, peak RSS at 1x and 4x rows
#   make bench-scale [BENCH_SCALE_ROWS="100000 1000000 4000000"]   bench/scale.svg
# Both use their own cluster under bench/var (durable default settings) and the data
# generated into bench/data by tools/gen_data.c --bench; neither touches var/.

BENCH_ROWS       ?= 1000000
BENCH_RUNS       ?= 3
BENCH_SCALE_ROWS ?= 100000 1000000 4000000
BENCH_SCALE_RUNS ?= 1

.PHONY: bench bench-scale

bench: deps
	@$(MAKE) --no-print-directory all build/gen_data
	@BENCH_ROWS='$(BENCH_ROWS)' BENCH_RUNS='$(BENCH_RUNS)' sh scripts/bench.sh

bench-scale: deps
	@$(MAKE) --no-print-directory all build/gen_data
	@BENCH_SCALE_ROWS='$(BENCH_SCALE_ROWS)' BENCH_SCALE_RUNS='$(BENCH_SCALE_RUNS)' sh scripts/bench-scale.sh
