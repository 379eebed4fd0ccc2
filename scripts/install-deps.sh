#!/bin/sh
# Installs the Debian packages clause needs to build, test and run, when missing.
# Called by `make deps` (and so by `make demo` and `make test`); does nothing when all are there.
# Usage: scripts/install-deps.sh [PACKAGE...]   (the longer checks pass their own packages)
set -eu

DEFAULT_PACKAGES="build-essential pkg-config libpq-dev postgresql libcsv-dev libcjson-dev check libssl-dev libxlsxwriter-dev libmicrohttpd-dev libzip-dev libexpat1-dev openssl python3 unzip libxml2-utils"

PACKAGES=${*:-$DEFAULT_PACKAGES}

missing=""
for pkg in $PACKAGES; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $pkg"
    fi
done

if [ -z "$missing" ]; then
    exit 0
fi

echo "clause: paquets Debian manquants :$missing" >&2
if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
else
    echo "clause: installez-les (apt-get install$missing) puis relancez." >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
