#!/bin/sh
# Screenshots of the reports written by `make demo` (reports/out/), for the README:
# docs/img/*.png. Run `make demo` first.
#   - the HTML pages, with Debian's headless chromium;
#   - the text and JSON tableau d'impact, first 60 lines as a terminal shows them
#     (a <pre> page in a temp folder, photographed with the same chromium);
#   - the XLSX and CSV tableau d'impact as a French LibreOffice Calc opens them
#     (headless soffice to PDF, then pdftoppm for the first page, i.e. the first sheet).
# LibreOffice Calc and poppler-utils are installed with apt-get when missing.
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

tmp=$(mktemp -d /tmp/clause-screenshots.XXXXXX)
profile=$tmp/chromium
trap 'rm -rf "$tmp"' EXIT

need() {    # need FILE (under reports/out)
    if [ ! -f "$out/$1" ]; then
        echo "clause: $out/$1 absent : lancez d'abord make demo" >&2
        exit 1
    fi
}

photo() {   # photo FILE.html IMAGE.png WIDTH HEIGHT
    "$browser" --headless --no-sandbox --disable-gpu --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --hide-scrollbars --user-data-dir="$profile" --window-size="$3,$4" \
        --screenshot="$img/$2" "file://$1" >/dev/null 2>&1 || exit 1
    echo "écrit : $img/$2"
}

shot() {    # shot PAGE.html IMAGE.png WIDTH HEIGHT
    need "$1"
    photo "$(pwd)/$out/$1" "$2" "$3" "$4"
}

# terminal FILE IMAGE.png WIDTH HEIGHT: the first 60 lines of a text file, light on dark,
# monospace, tabs every 8 columns, in a self-contained page.
terminal() {
    need "$1"
    page=$tmp/$1.html
    {
        printf '<!DOCTYPE html><html><head><meta charset="utf-8"><style>'
        printf 'html,body{margin:0;background:#1e1e1e}'
        printf 'pre{margin:0;padding:10px 14px;color:#e8e8e8;tab-size:8;-moz-tab-size:8;'
        printf 'font:13px/17px "DejaVu Sans Mono","Liberation Mono",monospace}'
        printf '</style></head><body><pre>'
        head -n 60 "$out/$1" | sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g'
        printf '</pre></body></html>\n'
    } >"$page"
    photo "$page" "$2" "$3" "$4"
}

shot impact-BM.html impact-BM.png 1100 1800
shot avancement-2021.html avancement-2021.png 1100 2000
terminal impact-BM.txt impact-BM-txt.png 760 1050
terminal impact-BM.json impact-BM-json.png 880 1050

# LibreOffice Calc (soffice) and pdftoppm (poppler-utils), installed only when missing.
missing=
command -v soffice >/dev/null 2>&1 || missing="$missing libreoffice-calc"
command -v pdftoppm >/dev/null 2>&1 || missing="$missing poppler-utils"
if [ -n "$missing" ]; then
    echo "clause: installation de$missing" >&2
    # shellcheck disable=SC2086 # $missing is a list of package names
    if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1 ||
       ! apt-get install -y --no-install-recommends $missing >/dev/null; then
        echo "clause: installez$missing (apt-get install$missing)" >&2
        exit 1
    fi
fi

# calc FILE IMAGE.png WIDTH HEIGHT [INFILTER]: FILE opened by LibreOffice Calc in French
# (decimal comma, space as thousands separator), each sheet exported to one PDF page
# (SinglePageSheets: no page breaks, no margins); the first page is drawn at 80 dpi with a
# 12 px white margin, cropped to WIDTH x HEIGHT.
calc() {
    pdf=$tmp/lo/$(basename "${1%.*}").pdf
    rm -f "$pdf"
    HOME=$tmp/lo LC_ALL=fr_FR.UTF-8 LANG=fr_FR.UTF-8 soffice --headless \
        "-env:UserInstallation=file://$tmp/lo/profile" ${5:+"--infilter=$5"} \
        --convert-to 'pdf:calc_pdf_Export:{"SinglePageSheets":{"type":"boolean","value":"true"}}' \
        --outdir "$tmp/lo" "$1" >/dev/null 2>&1 && [ -f "$pdf" ] &&
    pdftoppm -png -r 80 -f 1 -l 1 -singlefile -x -12 -y -12 -W "$3" -H "$4" \
        "$pdf" "$img/${2%.png}" || exit 1
    echo "écrit : $img/$2"
}

mkdir -p "$tmp/lo" "$tmp/csv"
need impact-BM.xlsx
calc "$out/impact-BM.xlsx" impact-BM-xlsx.png 950 677
# The CSV as a double click opens it (";", UTF-8, French numbers), its first 45 lines: a
# whole sheet of 2 000 rows would not fit a PDF page at full size.
need impact-BM.csv
head -n 45 "$out/impact-BM.csv" >"$tmp/csv/impact-BM.csv"
calc "$tmp/csv/impact-BM.csv" impact-BM-csv.png 1100 700 "CSV:59,34,76,1"
