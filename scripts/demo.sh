#!/bin/sh
# The main job on the bundled sample year (data/sample/): starts the embedded database,
# imports the referential files, the contracts, then the monthly timesheets, attributes
# the hours and writes the reports under reports/out/. Running it again changes no figure: every file
# already imported is a no-op.
set -u
umask 077	# the reports hold personal data: readable by their owner only
cd "$(dirname "$0")/.." || exit 1
clause=bin/clause
out=reports/out
mkdir -p "$out"

# Rejected rows (exit status 2) are expected: the sample holds a few bad rows on purpose.
import() {
    "$clause" import "$@"
    status=$?
    if [ "$status" -ne 0 ] && [ "$status" -ne 2 ]; then
        echo "démo interrompue : import de $* en échec (code $status)" >&2
        exit "$status"
    fi
}

"$clause" db start || exit $?

echo "== Référentiel"
for kind in donneurs entreprises operations marches participants conventions; do
    import "$kind" "data/sample/$kind.csv"
done

# Contracts as two employers send them: the ETTI's mission export (Windows-1252, its own
# column names, people found by name) through its profile, and the EI's canonical file.
echo "== Contrats de travail (ETTI et EI)"
import contrats --profile etti-idees-bordeaux-contrats data/sample/contrats_2021_etti-idees-bordeaux.csv
import contrats data/sample/contrats_2021_elan-batiment.csv

echo "== Heures mensuelles"
for file in $(ls data/sample/heures_*.csv | LC_ALL=C sort); do
    import heures "$file"
done

echo "== Attribution"
"$clause" fiche etp S3 1,5 || exit $?
"$clause" attribute || exit $?

echo "== Avancement des fiches"
"$clause" report progress --as-of 2021-12-31 || exit $?
"$clause" report progress --as-of 2021-12-31 --format json -o "$out/avancement-2021.json" || exit $?
"$clause" report lines --format csv -o "$out/lignes-non-comptabilisees.csv" || exit $?
"$clause" report rejets --format csv -o "$out/rejets.csv" || exit $?
"$clause" report batches || exit $?
echo
echo "Rapports écrits dans $out/"

# Reports people use (issue #4): the tableau d'impact of one donneur d'ordre in the five
# formats, and the PLIE directors' dashboard.
echo "== Tableau d'impact (Bordeaux Métropole) et tableau de bord des fiches"
for format in text csv xlsx json html; do
    ext=$format; [ "$format" = text ] && ext=txt
    "$clause" report impact --donneur BM --format "$format" -o "$out/impact-BM.$ext" || exit $?
done
"$clause" report progress --as-of 2021-12-31 --format html -o "$out/avancement-2021.html" || exit $?
"$clause" report progress --as-of 2021-12-31 --format xlsx -o "$out/avancement-2021.xlsx" || exit $?
"$clause" report suivi --plie bordeaux --mois 2021-10 -o "$out/suivi-bordeaux-2021-10.txt" || exit $?
echo "Tableau d'impact : $out/impact-BM.{txt,csv,xlsx,json,html} ; tableau de bord : $out/avancement-2021.html"

# The yearly figures of the national observatory (Alliance Villes Emploi survey), every
# PLIE, and the facilitateur's monthly sheet as a page.
echo "== Observatoire 2021"
"$clause" report observatoire --year 2021 || exit $?
"$clause" report observatoire --year 2021 --format html -o "$out/observatoire-2021.html" || exit $?
"$clause" report suivi --plie bordeaux --mois 2021-10 --format html -o "$out/suivi-bordeaux-2021-10.html" || exit $?
echo "Observatoire : $out/observatoire-2021.html ; suivi : $out/suivi-bordeaux-2021-10.html"

# Real-world inputs (issue #3): the January 2022 inbox of three senders, read through their
# profiles (an ETTI's weekly payroll export, a company's spreadsheet, an EI's JSON), and
# the open data of public contracts. The inbox is copied under var/ so that the example
# stays in the repository; running again finds every file already imported.
echo "== Boîte de janvier 2022 (profils d'expéditeurs)"
inbox=var/boite-2022-01
rm -rf "$inbox" && mkdir -p var && cp -r data/exemples/boite-2022-01 "$inbox"
"$clause" batch "$inbox"
status=$?
if [ "$status" -ne 0 ] && [ "$status" -ne 2 ]; then exit "$status"; fi
cat "$inbox/compte-rendu.txt"

echo "== Données essentielles de la commande publique (DECP)"
import decp data/exemples/decp/decp-2019-plie.json data/exemples/decp/decp-2022-plie.json
"$clause" report decp-a-suivre --plie bordeaux || exit $?
