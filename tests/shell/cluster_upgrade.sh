#!/bin/sh
# A cluster left by the previous release (trust in pg_hba.conf, 0755 folders, a 0644
# lock, the server running) is closed in place by the next clause command, its data kept;
# run as root by scripts/run-tests.sh (issue #12). Another OS user (nobody) gets in
# before and not after.
set -u
CLAUSE_BIN=${CLAUSE_BIN:-bin/clause}
case "$CLAUSE_BIN" in /*) ;; *) CLAUSE_BIN=$(pwd)/$CLAUSE_BIN ;; esac
fail() { echo "cluster_upgrade: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || { echo "cluster_upgrade: à lancer en root (comme make test en CI)" >&2; exit 1; }

dir=$(mktemp -d /tmp/clause-upgrade.XXXXXX)
chmod 755 "$dir"
CLAUSE_VAR=$dir/var
export CLAUSE_VAR
cleanup() { "$CLAUSE_BIN" -q db stop >/dev/null 2>&1; rm -rf "$dir"; }
trap cleanup EXIT

"$CLAUSE_BIN" -q db start >/dev/null || fail "premier démarrage"
"$CLAUSE_BIN" -q import donneurs tests/data/rules/donneurs.csv >/dev/null || fail "import"
bindir=$("$CLAUSE_BIN" db status | sed -n 's/^programmes du serveur : //p')
# from /: nobody may not enter the clone's folder (root's 0700 home in CI)
count() { (cd / && runuser -u nobody -- psql -X -w -A -t -h "$CLAUSE_VAR/run" -U clause -d clause \
          -c 'select count(*) from clause.donneur' </dev/null 2>&1); }

# As the previous release left it: trust for everyone, folders and lock open, running.
printf 'local all all trust\n' > "$CLAUSE_VAR/pg/pg_hba.conf"	# keeps its owner and mode
chmod 755 "$CLAUSE_VAR" "$CLAUSE_VAR/run"
chmod 777 "$CLAUSE_VAR/run/.s.PGSQL.5432"
chmod 644 "$CLAUSE_VAR/cluster.lock"
runuser -u clause -- "$bindir/pg_ctl" -D "$CLAUSE_VAR/pg" reload >/dev/null || fail "reload"
[ "$(count)" = 4 ] || fail "l'ancien cluster aurait dû être ouvert à nobody : $(count)"

# Any command closes it.
"$CLAUSE_BIN" -q report batches >/dev/null || fail "commande après la mise à jour"
out=$(count) && fail "nobody entre encore : $out"
grep -q trust "$CLAUSE_VAR/pg/pg_hba.conf" && fail "trust reste dans pg_hba.conf"
grep -q '^clause root clause$' "$CLAUSE_VAR/pg/pg_ident.conf" || fail "pg_ident.conf sans root"
[ "$(stat -c %a "$CLAUSE_VAR")" = 700 ] || fail "var/ $(stat -c %a "$CLAUSE_VAR")"
[ "$(stat -c %a "$CLAUSE_VAR/run")" = 700 ] || fail "var/run $(stat -c %a "$CLAUSE_VAR/run")"
[ "$(stat -c %a "$CLAUSE_VAR/cluster.lock")" = 600 ] || fail "verrou $(stat -c %a "$CLAUSE_VAR/cluster.lock")"

# Peer authentication holds even with the folders opened again on purpose.
chmod 755 "$CLAUSE_VAR" "$CLAUSE_VAR/run"
out=$(count)
chmod 700 "$CLAUSE_VAR" "$CLAUSE_VAR/run"
case "$out" in *"Peer authentication failed"*) ;; *) fail "peer attendu : $out" ;; esac

# The data stayed.
n=$(printf 'select count(*) from clause.donneur;\n' | "$CLAUSE_BIN" db psql -- -X -A -t) || fail "psql"
[ "$n" = 4 ] || fail "données perdues : $n"
echo "cluster_upgrade: ok"
