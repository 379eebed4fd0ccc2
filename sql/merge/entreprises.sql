-- Merge of an entreprises file: upsert by SIRET.
UPDATE stage s SET motif = 'SIRET en double dans le fichier (lignes ' || d.lignes || ')', colonne = 'siret'
FROM (SELECT siret, string_agg(ligne::text, ', ' ORDER BY ligne) AS lignes
      FROM stage WHERE motif IS NULL GROUP BY siret HAVING count(*) > 1) d
WHERE s.motif IS NULL AND s.siret = d.siret;

INSERT INTO rejet (lot_id, ligne, colonne, motif, contenu)
SELECT current_setting('clause.lot_id')::bigint, ligne, colonne, motif, contenu
FROM stage WHERE motif IS NOT NULL;

WITH changed AS (
    INSERT INTO entreprise AS t (siret, raison_sociale, type, lot_id, ligne)
    SELECT siret, raison_sociale, type, current_setting('clause.lot_id')::bigint, ligne
    FROM stage WHERE motif IS NULL
    ON CONFLICT (siret) DO UPDATE
        SET raison_sociale = EXCLUDED.raison_sociale, type = EXCLUDED.type,
            lot_id = EXCLUDED.lot_id, ligne = EXCLUDED.ligne
        WHERE (t.raison_sociale, t.type) IS DISTINCT FROM (EXCLUDED.raison_sociale, EXCLUDED.type)
    RETURNING 1)
SELECT count(*) FROM changed;
