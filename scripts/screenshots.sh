#!/bin/sh
# Screenshots of the HTML reports written by `make demo` (reports/out/), taken with
# Debian's headless chromium, for the README: docs/img/*.png. Run `make demo` first.
set -u
cd "$(dirname "$0")/.." || exit 1
out=reports/out
img=docs/img
mkdir -p "$img"

browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
    echo "clause: chromium manquant (apt-get install chromium)" >&2
    exit 1
fi

profile=$(mktemp -d /tmp/clause-chromium.XXXXXX)
trap 'rm -rf "$profile"' EXIT

shot() {    # shot PAGE.html IMAGE.png WIDTH HEIGHT
    if [ ! -f "$out/$1" ]; then
        echo "clause: $out/$1 absent : lancez d'abord make demo" >&2
        exit 1
    fi
    "$browser" --headless --no-sandbox --disable-gpu --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --hide-scrollbars --user-data-dir="$profile" --window-size="$3,$4" \
        --screenshot="$img/$2" "file://$(pwd)/$out/$1" >/dev/null 2>&1 || exit 1
    echo "écrit : $img/$2"
}

shot impact-BM.html impact-BM.png 1100 1800
shot avancement-2021.html avancement-2021.png 1100 2000
