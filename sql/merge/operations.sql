-- Merge of an opérations file: upsert by id; the donneur and the fiche must exist.
UPDATE stage s SET motif = 'identifiant en double dans le fichier (lignes ' || d.lignes || ')', colonne = 'id'
FROM (SELECT id, string_agg(ligne::text, ', ' ORDER BY ligne) AS lignes
      FROM stage WHERE motif IS NULL GROUP BY id HAVING count(*) > 1) d
WHERE s.motif IS NULL AND s.id = d.id;

UPDATE stage s SET motif = 'donneur d''ordre inconnu « ' || s.donneur_id || ' » (importez-le d''abord)',
                   colonne = 'donneur_id'
WHERE s.motif IS NULL AND NOT EXISTS (SELECT 1 FROM donneur d WHERE d.id = s.donneur_id);

UPDATE stage s SET motif = 'fiche opération inconnue « ' || s.fiche || ' » (voir clause fiche list)',
                   colonne = 'fiche'
WHERE s.motif IS NULL AND s.fiche IS NOT NULL AND NOT EXISTS (SELECT 1 FROM fiche f WHERE f.code = s.fiche);

INSERT INTO rejet (lot_id, ligne, colonne, motif, contenu)
SELECT current_setting('clause.lot_id')::bigint, ligne, colonne, motif, contenu
FROM stage WHERE motif IS NOT NULL;

-- Rule 10: a file without the fiche column keeps each opération's fiche; an empty cell
-- of that column clears it. A change of fiche of an opération whose hours are already
-- credited moves them to another fiche: shown when the file is loaded.
CREATE TEMP TABLE operation_entrante ON COMMIT DROP AS
SELECT s.id, s.donneur_id, s.nom, s.commune_insee, s.secteur,
       CASE WHEN NOT 'fiche' = ANY (string_to_array(current_setting('clause.colonnes'), ','))
            THEN t.fiche ELSE s.fiche END AS fiche,
       s.ligne
FROM stage s LEFT JOIN operation t ON t.id = s.id
WHERE s.motif IS NULL;

-- What the attribution reads of an opération is its commune (its PLIE's territory) and
-- its fiche: a change of them re-attributes the lines of its marchés (0120). Only the
-- changed ones are summed for the message.
CREATE TEMP TABLE operation_changee ON COMMIT DROP AS
SELECT e.id, e.ligne, t.fiche AS fiche_avant, e.fiche
FROM operation_entrante e
JOIN operation t ON t.id = e.id
WHERE (t.commune_insee, t.fiche) IS DISTINCT FROM (e.commune_insee, e.fiche);

INSERT INTO a_reattribuer (lot_id, operation_id)
SELECT current_setting('clause.lot_id')::bigint, id FROM operation_changee;

INSERT INTO signalement (ligne, message)
SELECT e.ligne,
       format('opération %s : fiche %s → %s alors que %s h sont déjà comptées',
              e.id, coalesce(e.fiche_avant, 'aucune'), coalesce(e.fiche, 'aucune'),
              replace(trim(to_char(h.heures, 'FM999999990.00')), '.', ','))
FROM operation_changee e
CROSS JOIN LATERAL (SELECT sum(l.heures + l.heures_formation) AS heures
                    FROM marche m
                    JOIN ligne_heures l ON l.marche_id = m.id
                    JOIN attribution a ON a.ligne_id = l.id AND a.motif IS NULL
                    WHERE m.operation_id = e.id) h
WHERE e.fiche_avant IS DISTINCT FROM e.fiche AND h.heures > 0;

WITH changed AS (
    INSERT INTO operation AS t (id, donneur_id, nom, commune_insee, secteur, fiche, lot_id, ligne)
    SELECT id, donneur_id, nom, commune_insee, secteur, fiche, current_setting('clause.lot_id')::bigint, ligne
    FROM operation_entrante
    ON CONFLICT (id) DO UPDATE
        SET donneur_id = EXCLUDED.donneur_id, nom = EXCLUDED.nom, commune_insee = EXCLUDED.commune_insee,
            secteur = EXCLUDED.secteur, fiche = EXCLUDED.fiche, lot_id = EXCLUDED.lot_id, ligne = EXCLUDED.ligne
        WHERE (t.donneur_id, t.nom, t.commune_insee, t.secteur, t.fiche)
              IS DISTINCT FROM (EXCLUDED.donneur_id, EXCLUDED.nom, EXCLUDED.commune_insee, EXCLUDED.secteur, EXCLUDED.fiche)
    RETURNING 1)
SELECT count(*) FROM changed;
