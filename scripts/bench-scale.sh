#!/bin/sh
# The scaling curve of issue #5: `make bench-scale`. At each size of BENCH_SCALE_ROWS
# (100000 1000000 4000000), from the same empty state each time: raw \copy (the
# reference), clause import heures, clause attribute, clause report progress, then the
# attribution of one more month of a fixed size on top of those lines (month_attribution:
# the month.csv of the smallest set, as clause -v import times it; a month's work must
# not grow with the history); each
# figure the median of BENCH_SCALE_RUNS runs (1 by default: the 4M import alone takes
# minutes). Writes bench/scale.tsv (rows, stage, seconds) and plots it into
# bench/scale.svg with tools/plot_scale.awk (log-log, one series per stage, dashed
# slope-1 guides), and prints each stage's growth exponent between two sizes
# (1.0 = linear; above about 1.1 a superlinear step).
# Same environment as scripts/bench.sh (CLAUSE_BIN, BENCH_VAR, BENCH_DATA, BENCH_PG_FAST…).
set -u
BENCH_SOURCED=1
. "$(dirname "$0")/bench.sh"

SIZES=${BENCH_SCALE_ROWS:-100000 1000000 4000000}
RUNS=${BENCH_SCALE_RUNS:-1}
TSV=${BENCH_SCALE_TSV:-$ROOT/bench/scale.tsv}
SVG=${BENCH_SCALE_SVG:-$ROOT/bench/scale.svg}
STAGES="raw import attribute report_progress month_attribution"

case "$RUNS" in ''|*[!0-9]*|0) die "BENCH_SCALE_RUNS doit être un entier >= 1" ;; esac
[ -x "$CLAUSE" ] || die "$CLAUSE absent : make all d'abord (make bench-scale le fait)"
mkdir -p "$VAR" && : >"$LOG"
ensure_package time || die "/usr/bin/time manque (paquet time)"
ensure_gen_data
for n in $SIZES; do
    case "$n" in ''|*[!0-9]*) die "BENCH_SCALE_ROWS : « $n » n'est pas un entier" ;; esac
    bench_data "$n"
done
# the same month at every size: the smallest set's (its referential files are the same
# at every size, and its month, 2023-01, is beyond every set's 24 months)
smallest=$(printf '%s\n' $SIZES | sort -n | head -1)
bench_data "$smallest"
MONTH_FILE=$DATA/month.csv
MONTH_LINES=$(($(wc -l <"$MONTH_FILE") - 1))

trap 'cluster_stop' EXIT
trap 'exit 130' INT TERM
cluster_start
say "bench-scale: cluster $VAR ($PG_SETTINGS), journal $LOG"
# as make bench: the load alone, the attribution timed apart
IMPORT_OPTS=
"$CLAUSE" import --help 2>&1 | grep -q -- --sans-attribution && IMPORT_OPTS=--sans-attribution

out=$VAR/scale.tsv
printf '# title: commit %s, %s, %s CPU, %s runs, %s; month_attribution: a %s-line month\n' \
    "${BENCH_COMMIT:-$(git_commit)}" "$(date -u +%Y-%m-%d)" "$(nproc)" "$RUNS" \
    "$([ "$DURABLE" = true ] && echo 'durable cluster' || echo 'CLAUSE_PG_FAST=1 (no fsync)')" \
    "$MONTH_LINES" >"$out"
for n in $SIZES; do
    bench_data "$n"
    for s in $STAGES rss_import; do eval "S_$s=''"; done
    run=1
    while [ "$run" -le "$RUNS" ]; do
        say "bench-scale: $n lignes, passe $run/$RUNS"
        measure_raw
        if reset_schema && import_timed "$DATA/heures.csv" import "" "$IMPORT_OPTS"; then
            attribute_timed attribute
            if timed "$CLAUSE" report progress >/dev/null 2>>"$LOG"; then add report_progress "$LAST_S"; fi
            if import_timed "$MONTH_FILE" import_month -v && [ -n "$(last_attribution_s)" ]; then
                add month_attribution "$(last_attribution_s)"
            fi
        else
            say "bench-scale: l'import de $n lignes a échoué (voir $LOG)"
        fi
        run=$((run + 1))
    done
    for s in $STAGES; do printf '%s\t%s\t%s\n' "$n" "$s" "$(median "$s")" >>"$out"; done
    printf '%s\t%s\t%s\n' "$n" "rss_import_mb" "$(maximum rss_import)" >>"$out"
done
mv "$out" "$TSV"

echo
printf '%s\n' "$(sed -n 's/^# title: //p' "$TSV")"
# table: seconds per size, then the growth exponent between consecutive sizes
awk -F'\t' -v stages="$STAGES rss_import_mb" '
    /^#/ { next }
    { if (!($1 in seen)) { seen[$1] = 1; size[++ns] = $1 } v[$1, $2] = $3 }
    END {
        ng = split(stages, st, " ")
        printf "%-16s", "rows"; for (i = 1; i <= ns; i++) printf " %12s", size[i]
        for (i = 2; i <= ns; i++) printf "   exp %s->%s", size[i - 1], size[i]
        printf "\n"
        for (g = 1; g <= ng; g++) {
            printf "%-16s", st[g]
            for (i = 1; i <= ns; i++) printf " %12s", v[size[i], st[g]]
            for (i = 2; i <= ns; i++) {
                a = v[size[i - 1], st[g]]; b = v[size[i], st[g]]
                if (st[g] ~ /rss/ || a == "null" || b == "null" || a <= 0 || b <= 0) printf " %*s", length("   exp " size[i - 1] "->" size[i]), "-"
                else printf " %*.2f", length("   exp " size[i - 1] "->" size[i]), log(b / a) / log(size[i] / size[i - 1])
            }
            printf "\n"
        }
    }' "$TSV"
grep -v rss_import_mb "$TSV" | awk -f "$ROOT/tools/plot_scale.awk" >"$SVG.tmp" && mv "$SVG.tmp" "$SVG" ||
    die "le tracé de $SVG a échoué"
echo
echo "written: ${TSV#"$ROOT"/}, ${SVG#"$ROOT"/}"
