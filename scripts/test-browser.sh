#!/bin/sh
# clause serve in a real browser: a throwaway cluster with the sample year (without the
# last month of the PLIE de Bordeaux), the roles of a facilitateur, two donneurs and a director, `clause serve`
# on 127.0.0.1 (a free port), then tests/browser/serve_browser.py with headless chromium.
# Usage: scripts/test-browser.sh [--captures DIR]   (DIR: screenshots for the README)
set -u
cd "$(dirname "$0")/.." || exit 1
clause=${CLAUSE_BIN:-bin/clause}

tmp=$(mktemp -d /tmp/clause-browser.XXXXXX)
chmod 755 "$tmp"
CLAUSE_VAR="$tmp/var"
CLAUSE_PG_FAST=1
CLAUSE_HOME=$(pwd)
export CLAUSE_VAR CLAUSE_PG_FAST CLAUSE_HOME
unset PGHOST PGHOSTADDR PGDATABASE PGSERVICE PGPORT PGUSER
server=""
cleanup() {
    [ -n "$server" ] && kill -TERM "$server" 2>/dev/null && wait "$server" 2>/dev/null
    "$clause" -q db stop >/dev/null 2>&1
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

load() {
    "$clause" -q import "$@" >/dev/null
    status=$?
    if [ "$status" -ne 0 ] && [ "$status" -ne 2 ]; then
        echo "import de $* en échec (code $status)" >&2
        exit 1
    fi
}

"$clause" -q db start || exit 1
for kind in donneurs entreprises operations marches participants conventions; do
    load "$kind" "data/sample/$kind.csv"
done
for file in $(ls data/sample/heures_*.csv | LC_ALL=C sort | grep -v 2021-12); do
    load heures "$file"
done
# December: the lines of the PLIE de Bordeaux's marchés are the facilitateur's upload (a
# batch all of whose lines it sees, so it may cancel it); the other PLIEs' are loaded here
"$clause" -q db psql -- -At -c "SELECT m.id FROM clause.marche m JOIN clause.operation o
    ON o.id = m.operation_id WHERE clause.plie_de_operation(o.fiche, o.commune_insee) = 'bordeaux'" \
    >"$tmp/marches-bordeaux.txt" || exit 1
awk -F';' 'NR == FNR { bdx[$1] = 1; next } FNR == 1 || !($3 in bdx)' "$tmp/marches-bordeaux.txt" \
    data/sample/heures_2021-12.csv >"$tmp/heures_2021-12_autres-plie.csv"
load heures "$tmp/heures_2021-12_autres-plie.csv"
# the readers' password (the one serve_browser.py types), from a private file, never argv
password="$tmp/mot-de-passe"
(umask 077 && echo "mot-de-passe-du-test" >"$password")
"$clause" -q role facilitateur --mot-de-passe-fichier "$password" bordeaux web_fac >/dev/null || exit 1
"$clause" -q role donneur --mot-de-passe-fichier "$password" BM web_bm >/dev/null || exit 1
"$clause" -q role donneur --mot-de-passe-fichier "$password" GP web_gp >/dev/null || exit 1
"$clause" -q role directeur --mot-de-passe-fichier "$password" bordeaux web_dir >/dev/null || exit 1

# the month the facilitateur uploads through the browser, then cancels
awk -F';' 'NR == FNR { bdx[$1] = 1; next } FNR == 1 || ($3 in bdx)' "$tmp/marches-bordeaux.txt" \
    data/sample/heures_2021-12.csv >"$tmp/heures_2021-12.csv"

"$clause" serve --port 0 --boites "$tmp/boites" >"$tmp/serve.out" 2>"$tmp/serve.log" &
server=$!
port=""
for _ in $(seq 1 100); do
    port=$(sed -n 's|.*http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$tmp/serve.out")
    [ -n "$port" ] && break
    kill -0 "$server" 2>/dev/null || break
    sleep 0.1
done
if [ -z "$port" ]; then
    echo "clause serve n'a pas démarré :" >&2
    cat "$tmp/serve.log" >&2
    exit 1
fi

# Debian's python3, where python3-selenium is installed
/usr/bin/python3 tests/browser/serve_browser.py "$port" "$tmp/heures_2021-12.csv" "$@"
status=$?
if [ "$status" -ne 0 ]; then
    echo "== journal de clause serve" >&2
    cat "$tmp/serve.log" >&2
fi
exit "$status"
