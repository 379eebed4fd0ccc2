#!/bin/sh
# A project under a folder the server's user cannot enter (root's 0700 home, the usual
# place of a clone): the embedded cluster goes to /var/lib/clause/<hash>, clause says
# where, and it works (issue #12). The server starts with a minimal environment: a
# PGPASSWORD of the operator's never reaches /proc/PID/environ of the postmaster. A
# database dropped while the server runs is made again by the next command.
# Run as root by scripts/run-tests.sh.
set -u
CLAUSE_BIN=${CLAUSE_BIN:-bin/clause}
case "$CLAUSE_BIN" in /*) ;; *) CLAUSE_BIN=$(pwd)/$CLAUSE_BIN ;; esac
fail() { echo "cluster_relocated: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || { echo "cluster_relocated: à lancer en root (comme make test en CI)" >&2; exit 1; }

closed=$(mktemp -d /tmp/clause-closed.XXXXXX)	# 0700, like /root
mkdir "$closed/projet" && ln -s "$(pwd)/profiles" "$closed/projet/profiles" &&
    ln -s "$(pwd)/data" "$closed/projet/data"	# the reference catalogue of a new database
CLAUSE_HOME=$closed/projet
export CLAUSE_HOME
unset CLAUSE_VAR
relocated=""
cleanup() {
    "$CLAUSE_BIN" -q db stop >/dev/null 2>&1
    [ -n "$relocated" ] && rm -rf "$relocated"
    rm -rf "$closed"
}
trap cleanup EXIT

runuser -u clause -- test -x "$closed" && fail "le dossier de test devrait être fermé à clause"
out=$(PGPASSWORD=Secr3t-Env-44 "$CLAUSE_BIN" db start 2>&1) || fail "démarrage : $out"
status=$("$CLAUSE_BIN" db status) || fail "db status"
relocated=$(printf '%s\n' "$status" | sed -n 's|^base embarquée : \(/var/lib/clause/[0-9a-f]\{16\}\)/pg$|\1|p')
[ -n "$relocated" ] || fail "base attendue sous /var/lib/clause : $status"
case "$out" in *"$relocated"*) ;; *) fail "clause ne dit pas où vit la base : $out" ;; esac
[ "$(stat -c '%a %U' "$relocated")" = "700 clause" ] || fail "$(stat -c '%a %U' "$relocated")"
pid=$(head -1 "$relocated/pg/postmaster.pid")
tr '\0' '\n' < "/proc/$pid/environ" | grep -q '^PATH=' || fail "environnement du serveur illisible"
tr '\0' '\n' < "/proc/$pid/environ" | grep -q 'Secr3t-Env-44' && fail "PGPASSWORD transmis au serveur"
"$CLAUSE_BIN" -q import donneurs tests/data/rules/donneurs.csv >/dev/null || fail "import"
[ ! -e "$closed/projet/var/pg" ] || fail "un cluster dans le dossier fermé"

# The folder opens later: the cluster stays where its data is.
chmod 755 "$closed"
n=$(printf 'select count(*) from clause.donneur;\n' | "$CLAUSE_BIN" db psql -- -X -A -t) || fail "psql"
[ "$n" = 4 ] || fail "données introuvables après l'ouverture du dossier : $n"
[ ! -e "$closed/projet/var/pg" ] || fail "un second cluster dans le dossier ouvert"

# The database dropped while its server runs: a command that finds the server answering
# does not check it any more, its session makes it again.
runuser -u clause -- psql -X -q -h "$relocated/run" -d postgres \
    -c "DROP DATABASE clause WITH (FORCE)" || fail "DROP DATABASE"
"$CLAUSE_BIN" -q import donneurs tests/data/rules/donneurs.csv >/dev/null ||
    fail "import après la suppression de la base"
n=$(printf 'select count(*) from clause.donneur;\n' | "$CLAUSE_BIN" db psql -- -X -A -t) || fail "psql"
[ "$n" = 4 ] || fail "base refaite : $n donneurs"
echo "cluster_relocated: ok ($relocated)"
