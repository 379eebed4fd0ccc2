-- Merge of a timesheet (heures) file: append the lines as a new batch.
-- The same key (participant, marché, employeur, mois) twice in one file is an error of
-- that file: every occurrence is rejected, the sender must say which value is right.
-- A line identical to the value that stands for its key is not stored again (unchanged).
UPDATE stage s SET motif = 'même participant, marché, employeur et mois en double dans le fichier (lignes '
                           || d.lignes || ')',
                   colonne = 'participant_id'
FROM (SELECT participant_id, marche_id, employeur_siret, mois, string_agg(ligne::text, ', ' ORDER BY ligne) AS lignes
      FROM stage WHERE motif IS NULL
      GROUP BY participant_id, marche_id, employeur_siret, mois HAVING count(*) > 1) d
WHERE s.motif IS NULL AND (s.participant_id, s.marche_id, s.employeur_siret, s.mois)
                          = (d.participant_id, d.marche_id, d.employeur_siret, d.mois);

-- Unknown references, in one pass: each NOT IN runs as a hashed lookup table, which
-- checks a million rows in about a second where one UPDATE per reference took five.
UPDATE stage s
SET motif = CASE
        WHEN s.participant_id NOT IN (SELECT id FROM participant)
            THEN 'participant inconnu « ' || s.participant_id || ' » (importez-le d''abord)'
        WHEN s.employeur_siret NOT IN (SELECT siret FROM entreprise)
            THEN 'employeur inconnu (SIRET ' || s.employeur_siret || ', importez-le dans entreprises)'
        WHEN s.marche_id NOT IN (SELECT id FROM marche)
            THEN 'marché inconnu « ' || s.marche_id || ' » (importez-le d''abord)'
        ELSE 'marché « ' || s.marche_id || ' » suivi par aucune opération (marché DECP : '
             || 'rattachez-le d''abord à une opération dans un fichier marches)'
    END,
    colonne = CASE
        WHEN s.participant_id NOT IN (SELECT id FROM participant) THEN 'participant_id'
        WHEN s.employeur_siret NOT IN (SELECT siret FROM entreprise) THEN 'employeur_siret'
        ELSE 'marche_id'
    END
WHERE s.motif IS NULL
  AND (s.participant_id NOT IN (SELECT id FROM participant)
       OR s.employeur_siret NOT IN (SELECT siret FROM entreprise)
       OR s.marche_id NOT IN (SELECT id FROM marche WHERE operation_id IS NOT NULL));

INSERT INTO rejet (lot_id, ligne, colonne, motif, contenu)
SELECT current_setting('clause.lot_id')::bigint, ligne, colonne, motif, contenu
FROM stage WHERE motif IS NOT NULL;

WITH incoming AS (
    SELECT s.*, s.mois::date AS mois_d, s.heures::numeric AS h, s.heures_formation::numeric AS hf
    FROM stage s WHERE s.motif IS NULL),
standing AS (   -- the value each key has today: its line of the latest batch
    SELECT DISTINCT ON (l.participant_id, l.marche_id, l.employeur_siret, l.mois)
           l.participant_id, l.marche_id, l.employeur_siret, l.mois, l.heures, l.heures_formation,
           l.type_contrat, l.modalite
    FROM ligne_heures l
    JOIN incoming i ON (i.participant_id, i.marche_id, i.employeur_siret, i.mois_d)
                     = (l.participant_id, l.marche_id, l.employeur_siret, l.mois)
    ORDER BY l.participant_id, l.marche_id, l.employeur_siret, l.mois, l.lot_id DESC),
changed AS (
    INSERT INTO ligne_heures (lot_id, ligne, participant_id, employeur_siret, marche_id, mois, heures,
                              heures_formation, type_contrat, modalite)
    SELECT current_setting('clause.lot_id')::bigint, i.ligne, i.participant_id, i.employeur_siret, i.marche_id,
           i.mois_d, i.h, i.hf, i.type_contrat, i.modalite
    FROM incoming i
    WHERE NOT EXISTS (
        SELECT 1 FROM standing st
        WHERE (st.participant_id, st.marche_id, st.employeur_siret, st.mois)
              = (i.participant_id, i.marche_id, i.employeur_siret, i.mois_d)
          AND (st.heures, st.heures_formation, st.type_contrat, st.modalite) = (i.h, i.hf, i.type_contrat, i.modalite))
    RETURNING 1)
SELECT count(*) FROM changed;
