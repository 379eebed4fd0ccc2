-- Merge of a marchés file: upsert by id; the opération and the attributaire must exist.
UPDATE stage s SET motif = 'identifiant en double dans le fichier (lignes ' || d.lignes || ')', colonne = 'id'
-- the lines listed for the repeated ids only: sorting every id's lines to list them took
-- twice as long as finding the repeated ones (a monthly file repeats none)
FROM (SELECT id, string_agg(ligne::text, ', ' ORDER BY ligne) AS lignes
      FROM stage
      WHERE motif IS NULL
        AND id IN (SELECT id FROM stage WHERE motif IS NULL GROUP BY id HAVING count(*) > 1)
      GROUP BY id) d
WHERE s.motif IS NULL AND s.id = d.id;

UPDATE stage s SET motif = 'opération inconnue « ' || s.operation_id || ' » (importez-la d''abord)',
                   colonne = 'operation_id'
WHERE s.motif IS NULL AND NOT EXISTS (SELECT 1 FROM operation o WHERE o.id = s.operation_id);

UPDATE stage s SET motif = 'entreprise attributaire inconnue (SIRET ' || s.attributaire_siret || ', importez-la d''abord)',
                   colonne = 'attributaire_siret'
WHERE s.motif IS NULL AND NOT EXISTS (SELECT 1 FROM entreprise e WHERE e.siret = s.attributaire_siret);

INSERT INTO rejet (lot_id, ligne, colonne, motif, contenu)
SELECT current_setting('clause.lot_id')::bigint, ligne, colonne, motif, contenu
FROM stage WHERE motif IS NOT NULL;

-- What the attribution reads of a marché is its period and its opération: a change of
-- them (not of its amount or heures prévues) re-attributes its lines (0120).
INSERT INTO a_reattribuer (lot_id, marche_id)
SELECT current_setting('clause.lot_id')::bigint, t.id
FROM stage s
JOIN marche t ON t.id = s.id
WHERE s.motif IS NULL
  AND (t.operation_id, t.date_debut, t.date_fin)
      IS DISTINCT FROM (s.operation_id, s.date_debut::date, s.date_fin::date);

WITH changed AS (
    INSERT INTO marche AS t (id, operation_id, lot, intitule, attributaire_siret, forme, date_debut, date_fin,
                             montant_ht, heures_prevues, heures_prevues_estimees, lot_id, ligne, empreinte)
    -- only an amount given: heures prévues estimated from it (sql/views/07_estimation.sql)
    SELECT id, operation_id, lot, intitule, attributaire_siret, forme, date_debut::date, date_fin::date,
           montant_ht,
           coalesce(heures_prevues, heures_prevues_estimation(montant_ht)),
           heures_prevues IS NULL AND montant_ht IS NOT NULL,
           current_setting('clause.lot_id')::bigint, ligne, empreinte
    -- rule 10: an optional column the file does not have keeps the stored value (heures
    -- prévues the buyer gave; an estimate follows the amount)
    FROM (SELECT s.id, s.operation_id, s.intitule, s.attributaire_siret, s.forme, s.date_debut,
                 s.date_fin, s.ligne, s.empreinte,
                 CASE WHEN NOT 'lot' = ANY (x.presentes) THEN t.lot ELSE s.lot END AS lot,
                 CASE WHEN NOT 'montant_ht' = ANY (x.presentes) THEN t.montant_ht
                      ELSE s.montant_ht::numeric END AS montant_ht,
                 CASE WHEN NOT 'heures_prevues' = ANY (x.presentes)
                      THEN CASE WHEN NOT t.heures_prevues_estimees THEN t.heures_prevues END
                      ELSE s.heures_prevues::numeric END AS heures_prevues
          FROM stage s
          -- OFFSET 0: read once, not once per row and column (sql/merge/participants.sql)
          CROSS JOIN (SELECT string_to_array(current_setting('clause.colonnes'), ',')
                          AS presentes OFFSET 0) x
          LEFT JOIN marche t ON t.id = s.id
          WHERE s.motif IS NULL) e
    ON CONFLICT (id) DO UPDATE
        SET operation_id = EXCLUDED.operation_id, lot = EXCLUDED.lot, intitule = EXCLUDED.intitule,
            attributaire_siret = EXCLUDED.attributaire_siret, forme = EXCLUDED.forme,
            date_debut = EXCLUDED.date_debut, date_fin = EXCLUDED.date_fin, montant_ht = EXCLUDED.montant_ht,
            heures_prevues = EXCLUDED.heures_prevues, heures_prevues_estimees = EXCLUDED.heures_prevues_estimees,
            lot_id = EXCLUDED.lot_id, ligne = EXCLUDED.ligne, empreinte = EXCLUDED.empreinte
        WHERE (t.operation_id, t.lot, t.intitule, t.attributaire_siret, t.forme, t.date_debut, t.date_fin,
               t.montant_ht, t.heures_prevues)
              IS DISTINCT FROM (EXCLUDED.operation_id, EXCLUDED.lot, EXCLUDED.intitule, EXCLUDED.attributaire_siret,
                                EXCLUDED.forme, EXCLUDED.date_debut, EXCLUDED.date_fin, EXCLUDED.montant_ht,
                                EXCLUDED.heures_prevues)
    RETURNING 1)
SELECT set_config('clause.changements', count(*)::text, true) FROM changed;

-- The rows equal to the stored ones keep the digest of this file's row (0210): the next
-- file that gives them alike leaves them out (importers/sink_staged.c). The rows the
-- upsert wrote have it already.
UPDATE marche t SET empreinte = s.empreinte
FROM stage s
WHERE s.motif IS NULL AND s.empreinte IS NOT NULL AND t.id = s.id
  AND t.empreinte IS DISTINCT FROM s.empreinte;

SELECT current_setting('clause.changements');
