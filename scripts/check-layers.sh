#!/bin/sh
# Keeps the layers apart (run by `make test`): importers/ and reports/ depend on the
# plumbing only, never on each other and never on the command line.
#   importers/ ↛ reports/      reports/ ↛ importers/      importers/, reports/ ↛ src/cli*
# Once src/lib/ exists (scripts/relayout.sh), the plumbing includes only itself.
# Each #include "x.h" is resolved as the compiler does: the including file's folder first,
# then "." and the -I folders of the Makefile's INCLUDES line, in order.
# Usage: scripts/check-layers.sh   (exit 1, with one line per offending include)
set -u
cd "$(dirname "$0")/.." || exit 1

dirs=$(sed -n 's/^INCLUDES *= *//p' Makefile | tr ' ' '\n' | sed -n 's/^-I//p')
[ -n "$dirs" ] || { echo "check-layers : ligne INCLUDES introuvable dans le Makefile" >&2; exit 1; }

resolve() {	# $1 including file, $2 included name: prints the file found, or nothing
    own=$(dirname "$1")
    if [ -f "$own/$2" ]; then echo "$own/$2"; return; fi
    for d in $dirs; do
        if [ -f "$d/$2" ]; then echo "$d/$2" | sed 's#^\./##'; return; fi
    done
}

bad=0
lib=""
[ -d src/lib ] && lib=src/lib
for file in $(find importers reports $lib -name '*.[ch]' | LC_ALL=C sort); do
    layer=${file%%/*}
    case "$file" in src/lib/*) layer=src/lib ;; esac
    grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$file" |
    while IFS= read -r hit; do
        line=${hit%%:*}
        name=$(echo "$hit" | sed 's/^[^"]*"\([^"]*\)".*/\1/')
        target=$(resolve "$file" "$name")
        case "$layer:$target" in
            importers:reports/*) why="importers/ ne dépend pas de reports/" ;;
            reports:importers/*) why="reports/ ne dépend pas de importers/" ;;
            src/lib:src/lib/*|src/lib:build/*|src/lib:) continue ;;
            src/lib:*) why="src/lib/ ne dépend que de lui-même" ;;
            *:src/cli_*|*:src/cli/*|*:src/cli.h) why="$layer/ ne dépend pas de la ligne de commande" ;;
            *) continue ;;
        esac
        echo "$file:$line: #include \"$name\" ($target) : $why"
    done
done > "${TMPDIR:-/tmp}/check-layers.$$"
if [ -s "${TMPDIR:-/tmp}/check-layers.$$" ]; then
    cat "${TMPDIR:-/tmp}/check-layers.$$" >&2
    echo "check-layers : $(wc -l < "${TMPDIR:-/tmp}/check-layers.$$") inclusion(s) entre couches interdite(s) (voir README, Layout)" >&2
    bad=1
fi
rm -f "${TMPDIR:-/tmp}/check-layers.$$"
[ "$bad" -eq 0 ] && echo "check-layers : importers/ et reports/ indépendants l'un de l'autre et de src/cli*"
exit "$bad"
