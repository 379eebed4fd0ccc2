-- Merge of a donneurs d'ordre file: upsert by id.
UPDATE stage s SET motif = 'identifiant en double dans le fichier (lignes ' || d.lignes || ')', colonne = 'id'
FROM (SELECT id, string_agg(ligne::text, ', ' ORDER BY ligne) AS lignes
      FROM stage WHERE motif IS NULL GROUP BY id HAVING count(*) > 1) d
WHERE s.motif IS NULL AND s.id = d.id;

INSERT INTO rejet (lot_id, ligne, colonne, motif, contenu)
SELECT current_setting('clause.lot_id')::bigint, ligne, colonne, motif, contenu
FROM stage WHERE motif IS NOT NULL;

WITH changed AS (
    INSERT INTO donneur AS t (id, nom, type, lot_id, ligne)
    SELECT id, nom, type, current_setting('clause.lot_id')::bigint, ligne
    FROM stage WHERE motif IS NULL
    ON CONFLICT (id) DO UPDATE
        SET nom = EXCLUDED.nom, type = EXCLUDED.type, lot_id = EXCLUDED.lot_id, ligne = EXCLUDED.ligne
        WHERE (t.nom, t.type) IS DISTINCT FROM (EXCLUDED.nom, EXCLUDED.type)
    RETURNING 1)
SELECT count(*) FROM changed;
