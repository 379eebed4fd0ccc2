#!/bin/sh
# The layers as folders (issue 13, step 5), done mechanically so that it can run after
# every branch of the moment is merged, instead of conflicting with each of them:
#   src/lib/       plumbing: database, log, buffers, cluster, session, migrations,
#                  embedded SQL, French numbers, checked ids
#   src/workflow/  what a command does over several layers: attribution (whole, after a
#                  change, in parallel) and what it lowered, cancelling a batch, the
#                  reference catalogue, the monthly run's compte-rendu, backup, pseudonyms
#   src/serve/     the web server
#   src/cli/       the commands (cli.h, cli_*.c)
#   sql/attribution/  the attribution scripts (sql/attribution*.sql, sql/baisses*.sql,
#                  sql/bulk/attribution_index_*.sql; attribution.sql becomes tout.sql)
# Every #include of the product becomes prefixed ("src/lib/db.h", "reports/decp.h",
# "build/sql_files.h") and the build uses -I. only; paths in the Makefile, mk/, scripts,
# comments and docs follow (never sql/migrations/: applied migrations are not edited).
# Then `make schema` rewrites sql/schema.sql (view files may quote moved paths).
#
# Idempotent: a second run finds nothing to move and no include to rewrite.
# Usage: scripts/relayout.sh [--no-schema]     (from a clean work tree; then make test)
set -eu
cd "$(dirname "$0")/.." || exit 1
if [ -n "$(git status --porcelain --untracked-files=no)" ]; then
    echo "relayout : l'arbre de travail a des modifications : commitez-les d'abord" >&2
    exit 1
fi

python3 - <<'PY'
import os, re, subprocess

LIB = ["checksum", "cluster", "cluster_auth", "db", "exitcodes", "format", "known", "log",
       "migrate", "password_input", "progress_line", "safe_file", "session", "sql_embedded",
       "sql_embedded_lookup", "strbuf", "suggest"]
WORKFLOW = ["attribute", "attribute_after", "attribute_parallel", "baisses", "catalogue",
            "compte_rendu", "backup", "inbox_run", "lot_cancel", "pseudonym"]
OLD_INCLUDE_DIRS = ["src", "importers", "reports", "build"]	# the old -I order
# A branch written before the relayout and merged after it still says "attribute.h" and
# src/attribute.c: its names are looked up in the new folders too.
NEW_SRC_DIRS = ["src/lib", "src/workflow", "src/serve", "src/cli"]
GENERATED = {"build/sql_files.h"}

def git_files():
    out = subprocess.run(["git", "ls-files", "-z"], check=True, capture_output=True).stdout
    return [f for f in out.decode().split("\0") if f]

files = git_files()
moves = {}
for f in files:
    d, base = os.path.split(f)
    stem = os.path.splitext(base)[0]
    if d == "src":
        if stem in LIB:
            moves[f] = "src/lib/" + base
        elif stem in WORKFLOW:
            moves[f] = "src/workflow/" + base
        elif stem == "serve" or stem.startswith("serve_"):
            moves[f] = "src/serve/" + base
        elif stem == "cli" or stem.startswith("cli_"):
            moves[f] = "src/cli/" + base
        elif base.endswith((".c", ".h")):
            raise SystemExit("relayout : %s n'a pas de couche : ajoutez-le à LIB ou WORKFLOW" % f)
    elif d == "sql" and re.fullmatch(r"attribution(_\w+)?\.sql|baisses(_\w+)?\.sql", base):
        if base == "attribution.sql":
            moves[f] = "sql/attribution/tout.sql"
        elif base.startswith("attribution_"):
            moves[f] = "sql/attribution/" + base[len("attribution_"):]
        else:
            moves[f] = "sql/attribution/" + base
    elif d == "sql/bulk" and base.startswith("attribution_"):
        moves[f] = "sql/attribution/" + base[len("attribution_"):]

# the files already moved, for the paths quoted by a branch merged after the relayout
already = {"src/" + os.path.basename(f): f for f in files
           if os.path.dirname(f) in NEW_SRC_DIRS and f.endswith((".c", ".h"))}

# 1. Includes, resolved as the old build did (own folder, then -Isrc -Iimporters -Ireports
#    -Ibuild) or as the new one does (-I.), rewritten to the new path from the top.
existing = set(files) | GENERATED
def resolve(path, name):
    own = os.path.dirname(path)
    for cand in ([os.path.join(own, name), name] +
                 [os.path.join(d, name) for d in OLD_INCLUDE_DIRS + NEW_SRC_DIRS]):
        cand = os.path.normpath(cand)
        if cand in existing:
            return cand
    return None

INCLUDE = re.compile(r'^(\s*#\s*include\s*)"([^"]+)"', re.M)
RUN_LINE = re.compile(r'#include "([^"]+)"')

def sort_include_runs(before, after):
    """Each run of #include "…" lines that was sorted stays sorted, by its new path."""
    old_lines, new_lines = before.split("\n"), after.split("\n")
    i = 0
    while i < len(new_lines):
        if not RUN_LINE.match(new_lines[i]):
            i += 1
            continue
        j = i
        while j < len(new_lines) and RUN_LINE.match(new_lines[j]):
            j += 1
        old_names = [RUN_LINE.match(l).group(1) for l in old_lines[i:j]]
        if old_names == sorted(old_names):
            new_lines[i:j] = sorted(new_lines[i:j])
        i = j
    return "\n".join(new_lines)

sources = [f for f in files if f.endswith((".c", ".h")) and
           f.split("/")[0] in ("src", "importers", "reports", "tests", "tools")]
changed = 0
for f in sources:
    text = open(f, encoding="utf-8").read()
    def rewrite(m):
        target = resolve(f, m.group(2))
        if target is None or target.startswith("tests/"):
            return m.group(0)
        target = moves.get(target, target)
        if target.split("/")[0] not in ("src", "importers", "reports", "build"):
            return m.group(0)
        return m.group(1) + '"' + target + '"'
    new = INCLUDE.sub(rewrite, text)
    if new != text:
        new = sort_include_runs(text, new)
        open(f, "w", encoding="utf-8").write(new)
        changed += 1
print("relayout : includes réécrits dans %d fichiers" % changed)

# 2. The moves themselves.
for old, new in sorted(moves.items()):
    os.makedirs(os.path.dirname(new), exist_ok=True)
    subprocess.run(["git", "mv", old, new], check=True)
print("relayout : %d fichiers déplacés" % len(moves))

# 3. Paths quoted in code, build files, scripts and docs (not in applied migrations).
files = git_files()
texts = [f for f in files
         if not f.startswith(("sql/migrations/", "tests/data/", "tests/inputs/", "tests/fuzz/corpus/",
                              "tests/expected/", "data/", "docs/img/", "profiles/"))
         and f not in ("scripts/relayout.sh", "scripts/check-layers.sh")	# sh is reading the first
         and (f.endswith((".c", ".h", ".md", ".sh", ".mk", ".sql", ".py", ".txt"))
              or os.path.basename(f) == "Makefile")]
subs = []
for old, new in sorted(list(moves.items()) + list(already.items()), key=lambda kv: -len(kv[0])):
    if old.startswith("src/"):
        subs.append((re.compile(r"(?<![\w/.])" + re.escape(old) + r"(?![\w])"), new))
subs += [
    (re.compile(r"(?<![\w/])sql/bulk/attribution_(index_\w+)\.sql"), r"sql/attribution/\1.sql"),
    (re.compile(r'"bulk/attribution_(index_\w+)\.sql"'), r'"attribution/\1.sql"'),
    (re.compile(r"(?<![\w/])sql/attribution\.sql"), "sql/attribution/tout.sql"),
    (re.compile(r'"attribution\.sql"'), '"attribution/tout.sql"'),
    (re.compile(r"(?<![\w/])sql/attribution_(\w+)\.sql"), r"sql/attribution/\1.sql"),
    (re.compile(r'"attribution_(\w+)\.sql"'), r'"attribution/\1.sql"'),
    (re.compile(r"(?<![\w/])sql/(baisses\w*)\.sql"), r"sql/attribution/\1.sql"),
    (re.compile(r'"(baisses\w*)\.sql"'), r'"attribution/\1.sql"'),
    (re.compile(r"(?<![\w/])(?:bulk/)?attribution_(index_(?:on|off))\.sql"), r"sql/attribution/\1.sql"),
    # the constants of the moved SQL files (tools/embed_sql.sh names them after their path)
    (re.compile(r"\bSQL_BULK_ATTRIBUTION_(INDEX_\w+)\b"), r"SQL_ATTRIBUTION_\1"),
    (re.compile(r"\bSQL_(BAISSES\w*)\b"), r"SQL_ATTRIBUTION_\1"),
    (re.compile(r"\bSQL_ATTRIBUTION\b"), "SQL_ATTRIBUTION_TOUT"),
]
changed = 0
for f in texts:
    text = open(f, encoding="utf-8").read()
    new = text
    for pattern, repl in subs:
        new = pattern.sub(repl, new)
    if new != text:
        open(f, "w", encoding="utf-8").write(new)
        changed += 1
print("relayout : chemins mis à jour dans %d fichiers" % changed)

# 4. The build: -I. only, the command line in src/cli/, the rest of src/ in the core.
def edit(path, pairs):
    text = open(path, encoding="utf-8").read()
    new = text
    for old, repl in pairs:
        new = new.replace(old, repl)
    if new != text:
        open(path, "w", encoding="utf-8").write(new)

edit("Makefile", [
    ("INCLUDES = -Isrc -Iimporters -Ireports -Ibuild", "INCLUDES = -I."),
    ("# Everything else in src/, importers/ and reports/ is core; src/cli_*.c is the command line.",
     "# Everything else in src/*/, importers/ and reports/ is core; src/cli/ is the command line."),
    ("CLI_SRCS  = $(sort $(wildcard src/cli_*.c))", "CLI_SRCS  = $(sort $(wildcard src/cli/*.c))"),
    ("$(wildcard src/*.c importers/*.c reports/*.c)", "$(wildcard src/*/*.c importers/*.c reports/*.c)"),
])
edit("tools/embed_sql.sh", [
    ("echo '#include \"sql_embedded.h\"'", "echo '#include \"src/lib/sql_embedded.h\"'"),
    ("echo '#include \"sql_files.h\"'", "echo '#include \"build/sql_files.h\"'"),
])
row = next((l for l in open("README.md", encoding="utf-8").read().split("\n")
            if l.startswith("| `src/` |")), None)
if row is not None:
    edit("README.md", [(row,
        "| `src/lib/` | plumbing, below everything: database access (`db.c`, the only file that includes libpq), "
        "embedded cluster (`cluster.c`), session and configuration (`session.c`), migrations (`migrate.c`), "
        "embedded SQL, log, buffers, French numbers and dates (`format.c`), ids checked with suggestions "
        "(`known.c`, `suggest.c`), progress line |\n"
        "| `src/workflow/` | what runs over several layers: attribution (`attribute.c` whole, "
        "`attribute_after.c` the one decision after a change, `attribute_parallel.c` on every core) and what it "
        "lowered (`baisses.c`), cancelling a batch (`lot_cancel.c`), the reference catalogue (`catalogue.c`), "
        "the monthly run's compte-rendu (`compte_rendu.c`), backup, pseudonyms |\n"
        "| `src/serve/` | the web server (`serve.c` the daemon, `serve_login.c`, `serve_session.c`, "
        "`serve_pages.c`, `serve_box.c`, `serve_lots.c`) |\n"
        "| `src/cli/` | the command line (`cli_*.c`, one file per group of commands, `cli_main.c` the table) |")])
PY

if [ "${1:-}" != "--no-schema" ]; then
    make -s schema
fi
echo "relayout : fait ; vérifiez avec make clean && make test, puis commitez"
