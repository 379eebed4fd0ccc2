#!/bin/sh
# Re-creates the seed corpus of each harness (tests/fuzz/corpus/HARNESS/) from the test
# files, in each harness's input format. `make fuzz-merge` then keeps what adds coverage.
set -eu
cd "$(dirname "$0")/../.."
out=tests/fuzz/corpus

# The kind index a file's header says (the order of fuzz_csv.c and fuzz_json.c).
kind_of() {
    header=$(head -c 400 "$1" | tr -d '\357\273\277' | head -1)
    case "$header" in
        *participant_id*) echo 6 ;;
        *raison_sociale*) echo 1 ;;
        *donneur_id*) echo 2 ;;
        *attributaire_siret*) echo 3 ;;
        *date_naissance*) echo 4 ;;
        *partenaire_type*) echo 5 ;;
        *) echo 0 ;;
    esac
}

# prefix BYTE FILE OUT: OUT is FILE after one byte (octal escape)
prefix() {
    { printf "\\$(printf '%03o' "$1")"; cat "$2"; } > "$3"
}

mkdir -p "$out/fuzz_csv" "$out/fuzz_json" "$out/fuzz_decp" "$out/fuzz_profile"

for f in tests/data/bad/*.csv tests/data/encodings/*.csv tests/data/rules/*.csv \
         tests/data/reports/*.csv data/exemples/*/*.csv \
         data/sample/donneurs.csv data/sample/entreprises.csv data/sample/operations.csv \
         data/sample/marches.csv data/sample/conventions.csv data/sample/heures_2021-06_correctif.csv; do
    [ -f "$f" ] || continue
    name=$(echo "$f" | tr '/' '_')
    prefix "$(kind_of "$f")" "$f" "$out/fuzz_csv/$name"
done

for f in tests/data/json/*.json; do
    case "$(basename "$f")" in
        donneurs*) k=0 ;;
        *) k=6 ;;
    esac
    prefix "$k" "$f" "$out/fuzz_json/$(basename "$f")"
done
printf '\007{"lignes": [{"salarie": {"nom": "Dupont", "prenom": "Jean"}, "heures": 151.67, "a": {"b": {"c": {"d": null}}}, "mois": "2021-02"}, {"salarie": "x", "heures": ["a", "b"]}]}\n' \
    > "$out/fuzz_json/raw-layout.json"
for f in data/exemples/*/*.json; do
    [ -f "$f" ] && prefix 7 "$f" "$out/fuzz_json/raw-$(basename "$f")"
done

cp tests/data/decp/*.json "$out/fuzz_decp/"

for p in profiles/*.json; do
    name=$(basename "$p" .json)
    for data in data/exemples/*/heures--"$name"_*; do
        [ -f "$data" ] || continue
        { cat "$p"; printf '\n%%%%\n'; cat "$data"; } > "$out/fuzz_profile/$name"
    done
done
cp tests/data/profiles/*.json "$out/fuzz_profile/"
cat > "$out/fuzz_profile/par-nom" <<'SEED'
{"nom": "par-nom", "nature": "heures", "separateur": ";", "cumul_mensuel": true,
 "participant_par_nom": {"nom": "Nom", "prenom": "Prénom", "date_naissance": "Né le"},
 "colonnes": {"employeur_siret": {"constante": "73282932000074"}, "marche_id": "Marché",
  "mois": {"colonne": "Semaine", "mois_de_la_date": true}, "heures": "Heures",
  "type_contrat": {"position": 6, "valeurs": {"Intérim": "ctt"}}, "modalite": {"constante": "mise_a_disposition"}}}
%%
Nom;Prénom;Né le;Marché;Semaine;Contrat;Heures
DUPONT;Jean;01/01/1980;M1;04/01/2021;Intérim;35
Dupont;JEAN;01/01/1980;M1;11/01/2021;Intérim;35,5
Martin;Léa;17/05/1990;M1;11/01/2021;CDI;7
Inconnu;X;01/01/2000;M1;11/01/2021;Intérim;1
SEED
du -sh "$out"
