#!/bin/sh
# clause serve over TLS (a throwaway self-signed certificate, key read from its file):
# the login page answers on https with a Secure cookie; SIGTERM stops the server cleanly.
# Run by check_serve (test_tls_and_sigterm) on the test cluster; python3's stdlib is the TLS client.
set -u
clause=${CLAUSE_BIN:-bin/clause}
tmp=$(mktemp -d /tmp/clause-tls.XXXXXX)
server=""
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$tmp"' EXIT
fail() { echo "serve_tls: $*" >&2; cat "$tmp/serve.log" >&2 2>/dev/null; exit 1; }

openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tmp/key.pem" -out "$tmp/cert.pem" \
    -days 1 -subj "/CN=127.0.0.1" >/dev/null 2>&1 || fail "openssl n'a pas créé le certificat"
"$clause" serve --port 0 --certificat "$tmp/cert.pem" --cle "$tmp/key.pem" --boites "$tmp/boites" \
    >"$tmp/serve.out" 2>"$tmp/serve.log" &
server=$!
port=""
for _ in $(seq 1 100); do
    port=$(sed -n 's|.*https://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$tmp/serve.out")
    [ -n "$port" ] && break
    kill -0 "$server" 2>/dev/null || break
    sleep 0.1
done
[ -n "$port" ] || fail "le serveur TLS n'a pas démarré"

python3 - "$port" <<'PY' || fail "la page de connexion n'a pas répondu en https"
import http.client, ssl, sys
context = ssl.create_default_context()
context.check_hostname = False
context.verify_mode = ssl.CERT_NONE
connection = http.client.HTTPSConnection("127.0.0.1", int(sys.argv[1]), context=context, timeout=10)
connection.request("GET", "/connexion")
response = connection.getresponse()
cookie = response.getheader("Set-Cookie") or ""
body = response.read().decode()
sys.exit(0 if response.status == 200 and "; Secure" in cookie and "mot_de_passe" in body else 1)
PY

kill -TERM "$server"
wait "$server"
status=$?
server=""
[ "$status" -eq 0 ] || fail "arrêt sur SIGTERM : code $status"
grep -q "arrêt demandé (SIGTERM)" "$tmp/serve.log" || fail "pas d'arrêt propre journalisé"
grep -q "GET /connexion 200" "$tmp/serve.log" || fail "requête non journalisée"
echo "serve_tls: ok"
