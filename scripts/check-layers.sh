#!/bin/sh
# Keeps the layers apart (run by `make test`), from the bottom up:
#   src/lib/        the plumbing: includes only itself (and build/, the generated SQL names)
#   importers/, reports/   the plumbing only: never each other, never what is above
#   src/workflow/   what runs over several layers: never the web server or the commands
#   src/serve/, src/cli/   the top: anything below
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
workflow=""
[ -d src/workflow ] && workflow=src/workflow
for file in $(find importers reports $lib $workflow -name '*.[ch]' | LC_ALL=C sort); do
    layer=${file%%/*}
    case "$file" in src/lib/*) layer=src/lib ;; src/workflow/*) layer=src/workflow ;; esac
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
            importers:src/workflow/*|reports:src/workflow/*|importers:src/serve/*|reports:src/serve/*)
                why="$layer/ ne dépend que de src/lib/" ;;
            src/workflow:src/serve/*) why="src/workflow/ ne dépend pas du serveur web" ;;
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
[ "$bad" -eq 0 ] && echo "check-layers : src/lib/ ne dépend que de lui-même ; importers/ et reports/ que de src/lib/ ; src/workflow/ ni du serveur ni des commandes"
exit "$bad"
