-- Merge of a conventions file: upsert by id; the PLIE must be known. A partner of type donneur must be a known
-- donneur d'ordre; one of type siae is named by its SIRET (checked by the importer).
UPDATE stage s SET motif = 'identifiant en double dans le fichier (lignes ' || d.lignes || ')', colonne = 'id'
FROM (SELECT id, string_agg(ligne::text, ', ' ORDER BY ligne) AS lignes
      FROM stage WHERE motif IS NULL GROUP BY id HAVING count(*) > 1) d
WHERE s.motif IS NULL AND s.id = d.id;

-- PLIE are data (clause import territoires creates them): checked here, not by the importer
UPDATE stage s SET motif = 'PLIE inconnu « ' || s.plie || ' » (voir clause import territoires)', colonne = 'plie'
WHERE s.motif IS NULL AND NOT EXISTS (SELECT 1 FROM plie p WHERE p.code = s.plie);

UPDATE stage s SET motif = 'donneur d''ordre partenaire inconnu « ' || s.partenaire_id || ' »',
                   colonne = 'partenaire_id'
WHERE s.motif IS NULL AND s.partenaire_type = 'donneur'
  AND NOT EXISTS (SELECT 1 FROM donneur d WHERE d.id = s.partenaire_id);

INSERT INTO rejet (lot_id, ligne, colonne, motif, contenu)
SELECT current_setting('clause.lot_id')::bigint, ligne, colonne, motif, contenu
FROM stage WHERE motif IS NOT NULL;

WITH changed AS (
    INSERT INTO convention AS t (id, plie, partenaire_type, partenaire_id, date_debut, date_fin, lot_id, ligne)
    SELECT id, plie, partenaire_type, partenaire_id, date_debut::date, date_fin::date,
           current_setting('clause.lot_id')::bigint, ligne
    FROM stage WHERE motif IS NULL
    ON CONFLICT (id) DO UPDATE
        SET plie = EXCLUDED.plie, partenaire_type = EXCLUDED.partenaire_type,
            partenaire_id = EXCLUDED.partenaire_id, date_debut = EXCLUDED.date_debut,
            date_fin = EXCLUDED.date_fin, lot_id = EXCLUDED.lot_id, ligne = EXCLUDED.ligne
        WHERE (t.plie, t.partenaire_type, t.partenaire_id, t.date_debut, t.date_fin)
              IS DISTINCT FROM (EXCLUDED.plie, EXCLUDED.partenaire_type, EXCLUDED.partenaire_id,
                                EXCLUDED.date_debut, EXCLUDED.date_fin)
    RETURNING 1)
SELECT count(*) FROM changed;
