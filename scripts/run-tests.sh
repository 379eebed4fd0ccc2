#!/bin/sh
# Runs every test: the unit suites alone, then the integration suites
# against a throwaway PostgreSQL cluster started here (initdb --nosync, fsync off, unix
# socket in a temporary folder), stopped and removed at the end whatever happens.
# Usage: scripts/run-tests.sh UNIT_SUITE... -- INTEGRATION_SUITE...
# (then every tests/shell/*.sh, with the same environment).
# CLAUSE_BIN names the clause binary the tests run (default bin/clause; make test-asan
# sets build-asan/bin/clause).
set -u
cd "$(dirname "$0")/.." || exit 1
CLAUSE_BIN=${CLAUSE_BIN:-bin/clause}
export CLAUSE_BIN

unit=""
integration=""
target=unit
for arg in "$@"; do
    if [ "$arg" = "--" ]; then target=integration; continue; fi
    if [ "$target" = unit ]; then unit="$unit $arg"; else integration="$integration $arg"; fi
done

mkdir -p tests/tmp
passed=0
failed=0
failures=""
run() {
    echo "== $*"
    if "$@"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        failures="$failures $1"
    fi
}

for suite in $unit; do run "$suite"; done

tmp=$(mktemp -d /tmp/clause-test.XXXXXX)
chmod 755 "$tmp"
CLAUSE_VAR="$tmp/var"
CLAUSE_PG_FAST=1
CLAUSE_HOME=$(pwd)
export CLAUSE_VAR CLAUSE_PG_FAST CLAUSE_HOME
unset PGHOST PGHOSTADDR PGDATABASE PGSERVICE PGPORT PGUSER
cleanup() {
    "$CLAUSE_BIN" -q db stop >/dev/null 2>&1
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if ! "$CLAUSE_BIN" db start; then
    echo "le cluster de test n'a pas démarré" >&2
    exit 1
fi

for suite in $integration; do run "$suite"; done
# Shell tests of what a C suite cannot do from inside one cluster (tests/shell/*.sh).
for script in tests/shell/*.sh; do
    [ -f "$script" ] && run sh "$script"
done

echo
if [ "$failed" -gt 0 ]; then
    echo "échecs :$failures"
fi
echo "suites: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
