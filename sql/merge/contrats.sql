-- Merge of a contracts file: upsert by (participant, employer, type, start date). A column
-- the file lacks (clause.colonnes lists those it has) leaves the stored value alone; an
-- empty cell clears it (DOMAIN.md rule 10), so a later file may add only the real end.
UPDATE stage s SET motif = 'contrat en double dans le fichier (même participant, employeur, type et date de début, lignes '
                           || d.lignes || ')', colonne = 'date_debut'
FROM (SELECT participant_id, employeur_siret, type_contrat, date_debut,
             string_agg(ligne::text, ', ' ORDER BY ligne) AS lignes
      FROM stage WHERE motif IS NULL
      GROUP BY participant_id, employeur_siret, type_contrat, date_debut HAVING count(*) > 1) d
WHERE s.motif IS NULL AND s.participant_id = d.participant_id AND s.employeur_siret = d.employeur_siret
  AND s.type_contrat = d.type_contrat AND s.date_debut = d.date_debut;

UPDATE stage s SET motif = 'participant inconnu « ' || s.participant_id || ' » (importez-le d''abord)',
                   colonne = 'participant_id'
WHERE s.motif IS NULL AND NOT EXISTS (SELECT 1 FROM participant p WHERE p.id = s.participant_id);

UPDATE stage s SET motif = 'employeur inconnu (SIRET ' || s.employeur_siret || ', importez-le dans entreprises)',
                   colonne = 'employeur_siret'
WHERE s.motif IS NULL AND NOT EXISTS (SELECT 1 FROM entreprise e WHERE e.siret = s.employeur_siret);

UPDATE stage s SET motif = 'marché inconnu « ' || s.marche_id || ' » (importez-le d''abord)', colonne = 'marche_id'
WHERE s.motif IS NULL AND NOT EXISTS (SELECT 1 FROM marche m WHERE m.id = s.marche_id);

-- a real end is a date that has passed; a planned one goes in date_fin_prevue
UPDATE stage s SET motif = 'fin réelle ' || to_char(s.date_fin::date, 'DD/MM/YYYY')
                           || ' postérieure à aujourd''hui (une fin prévue va dans date_fin_prevue)',
                   colonne = 'date_fin'
WHERE s.motif IS NULL AND s.date_fin::date > current_date;

INSERT INTO rejet (lot_id, ligne, colonne, motif, contenu)
SELECT current_setting('clause.lot_id')::bigint, ligne, colonne, motif, contenu
FROM stage WHERE motif IS NOT NULL;

-- MATERIALIZED: read once, not once per row and column (sql/merge/participants.sql)
WITH colonnes AS MATERIALIZED (
    SELECT string_to_array(current_setting('clause.colonnes'), ',') AS presentes),
nouveau AS (         -- each good row with what it leaves alone taken from the stored contract
    SELECT s.ligne, s.participant_id, s.employeur_siret, s.marche_id, s.type_contrat,
           s.date_debut::date AS date_debut,
           CASE WHEN 'date_fin_prevue' = ANY (k.presentes) THEN s.date_fin_prevue::date
                ELSE c.date_fin_prevue END AS date_fin_prevue,
           CASE WHEN 'date_fin' = ANY (k.presentes) THEN s.date_fin::date ELSE c.date_fin END AS date_fin,
           CASE WHEN 'heures_hebdo' = ANY (k.presentes) THEN s.heures_hebdo::numeric
                ELSE c.heures_hebdo END AS heures_hebdo,
           CASE WHEN 'metier' = ANY (k.presentes) THEN s.metier ELSE c.metier END AS metier,
           CASE WHEN 'motif_fin' = ANY (k.presentes) THEN s.motif_fin ELSE c.motif_fin END AS motif_fin
    FROM stage s
    CROSS JOIN colonnes k
    LEFT JOIN contrat c ON c.participant_id = s.participant_id AND c.employeur_siret = s.employeur_siret
                       AND c.type_contrat = s.type_contrat AND c.date_debut = s.date_debut::date
    WHERE s.motif IS NULL),
changed AS (
    INSERT INTO contrat AS t (participant_id, employeur_siret, marche_id, type_contrat, date_debut,
                              date_fin_prevue, date_fin, heures_hebdo, metier, motif_fin, lot_id, ligne)
    SELECT participant_id, employeur_siret, marche_id, type_contrat, date_debut, date_fin_prevue,
           date_fin, heures_hebdo, metier, motif_fin, current_setting('clause.lot_id')::bigint, ligne
    FROM nouveau
    ON CONFLICT (participant_id, employeur_siret, type_contrat, date_debut) DO UPDATE
        SET marche_id = EXCLUDED.marche_id, date_fin_prevue = EXCLUDED.date_fin_prevue,
            date_fin = EXCLUDED.date_fin, heures_hebdo = EXCLUDED.heures_hebdo,
            metier = EXCLUDED.metier, motif_fin = EXCLUDED.motif_fin,
            lot_id = EXCLUDED.lot_id, ligne = EXCLUDED.ligne
        WHERE (t.marche_id, t.date_fin_prevue, t.date_fin, t.heures_hebdo, t.metier, t.motif_fin)
              IS DISTINCT FROM (EXCLUDED.marche_id, EXCLUDED.date_fin_prevue, EXCLUDED.date_fin,
                                EXCLUDED.heures_hebdo, EXCLUDED.metier, EXCLUDED.motif_fin)
    RETURNING 1)
SELECT count(*) FROM changed;
