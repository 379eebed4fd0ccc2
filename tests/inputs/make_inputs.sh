#!/bin/sh
# Writes the hostile and broken input files of tests/inputs/ (kept in the repository; the
# large ones, a 10 MB field, 100,000 columns and 100,000 levels of JSON nesting, are made by
# tests/integration/check_hostile.c into tests/tmp/). Each must reach a clear French error
# with its line and column (check_hostile.c says which).
set -eu
cd "$(dirname "$0")"
H='participant_id;employeur_siret;marche_id;mois;heures;heures_formation;type_contrat;modalite'
ok='P1;33100001000016;M1;2021-06;10;0;cdi;embauche_directe'

printf '%s\n%s\nP3;33100001000016;M3;2021-0' "$H" "$ok" > tronque.heures.csv
: > vide.heures.csv
printf '%s\n' "$H" > entete_seule.heures.csv
printf 'participant_id;employeur_siret;marche_id;mois;heures_formation;type_contrat;modalite\n' > colonne_manquante.heures.csv
printf '%s\n%s;en trop\n' "$H" "$ok" > colonnes_en_trop.heures.csv
printf 'participant_id;employeur_siret;marche_id;mois;heures;heures;heures_formation;type_contrat;modalite\n' > colonne_en_double.heures.csv
printf '%s\n%s\n"P1;33100001000016;M1;2021-07;10;0;cdi;embauche_directe\n%s\n' "$H" "$ok" "$ok" > guillemet_non_ferme.heures.csv
printf '%s\n"P1\nP2";33100001000016;M1;2021-07;10;0;cdi;embauche_directe\n' "$H" > saut_de_ligne.heures.csv
printf '%s\nP1;33100001000016;M1;2021-07;1\0000;0;cdi;embauche_directe\n' "$H" > octet_nul.heures.csv
printf '\357\273\277id;nom;type\nD1;Ville de Bègles;commune\nD2;Caf\303\050;commune\n' > utf8_invalide.donneurs.csv
printf 'id;nom;type\nD1;Ville de Bègles;commune\nD2;Caf\351 de la Gare;commune\n' > encodage_mixte.donneurs.csv
printf 'id;nom;prenom;date_naissance;sexe\nP9;Durand;Paul;31/02/2021;M\nP8;Durand;Anne;00/00/0000;F\n' > dates_impossibles.participants.csv
{
    printf '%s\n' "$H"
    for h in 1e309 NaN -0 12,5,3 '٣'; do
        printf 'P1;33100001000016;M1;2021-06;%s;0;cdi;embauche_directe\n' "$h"
    done
} > heures_invalides.heures.csv
printf '%s\nP1;33100001000017;M1;2021-06;10;0;cdi;embauche_directe\n' "$H" > siret_cle_fausse.heures.csv
printf '%s\n"P1'"'"'""";33100001000016;M1;2021-06;10;0;cdi;embauche_directe\n"P1;P2";33100001000016;M1;2021-06;10;0;cdi;embauche_directe\n"'"'"'); DROP TABLE clause.ligne_heures; --";33100001000016;M1;2021-06;10;0;cdi;embauche_directe\n' "$H" > identifiants_hostiles.heures.csv
printf '[{"id": "D1", "id": "D2", "nom": "Ville", "type": "commune"}]\n' > cles_en_double.donneurs.json
printf '[{"id": "D1", "nom": {"texte": "Ville"}, "type": "commune"},\n {"id": "D2", "nom": "Ville", "type": 12}]\n' > mauvais_types.donneurs.json
