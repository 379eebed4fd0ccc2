-- Timesheet batch, after its COPY into ligne_heures (importers/heures_load.c): the same
-- key (participant, marché, employeur, mois) twice in one file is an error of that file.
-- Every occurrence is taken out and rejected: the sender must say which value is right.
-- The importer lists in the temporary table heures_candidat the keys it may have seen
-- twice (a Bloom filter: no key seen twice is missing, a few seen once are there); only
-- those keys are looked up, so a file without repeats costs nothing here.
-- Ends with the number of lines rejected.
WITH doubles AS (
    SELECT l.participant_id, l.marche_id, l.employeur_siret, l.mois,
           string_agg(l.ligne::text, ', ' ORDER BY l.ligne) AS lignes
    FROM ligne_heures l
    JOIN (SELECT DISTINCT participant_id, marche_id, employeur_siret, mois FROM heures_candidat) c
      ON (c.participant_id, c.marche_id, c.employeur_siret, c.mois)
         = (l.participant_id, l.marche_id, l.employeur_siret, l.mois)
    WHERE l.lot_id = current_setting('clause.lot_id')::bigint
    GROUP BY l.participant_id, l.marche_id, l.employeur_siret, l.mois
    HAVING count(*) > 1),
retirees AS (
    DELETE FROM ligne_heures l
    USING doubles d
    WHERE l.lot_id = current_setting('clause.lot_id')::bigint
      AND (l.participant_id, l.marche_id, l.employeur_siret, l.mois)
          = (d.participant_id, d.marche_id, d.employeur_siret, d.mois)
    RETURNING l.ligne, d.lignes),
rejetees AS (
    INSERT INTO rejet (lot_id, ligne, colonne, motif, contenu)
    SELECT current_setting('clause.lot_id')::bigint, ligne, 'participant_id',
           'même participant, marché, employeur et mois en double dans le fichier (lignes '
           || lignes || ')', NULL
    FROM retirees
    RETURNING 1)
SELECT count(*) FROM rejetees;
