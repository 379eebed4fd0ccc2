#!/bin/sh
# Writes the INSERTs of the 2021 territories (sql/migrations/0002_catalogue_2021.sql's
# second half) from the project's copy of the reference CSV files in data/reference/.
# Usage: tools/gen_catalogue_sql.sh > /tmp/territoires.sql
set -eu
cd "$(dirname "$0")/.."
emit() {
    # $1 file, $2 confirme (true/false)
    awk -F';' -v confirme="$2" 'NR > 1 && NF >= 4 {
        gsub("\047", "\047\047", $3); gsub("\047", "\047\047", $4);
        printf "  (\047%s\047, 2021, \047%s\047, \047%s\047, %s, \047%s\047),\n", $1, $2, $3, confirme, $4
    }' "$1"
}
echo "INSERT INTO plie_commune (plie, annee, code_insee, commune, confirme, source) VALUES"
{ emit data/reference/territoires-2021.csv true; emit data/reference/haut-perigord-candidats-non-confirmes-2021.csv false; } | sed '$ s/,$/;/'
