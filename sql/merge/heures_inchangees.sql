-- Timesheet batch, after its COPY and the removal of repeated keys: a line identical to the
-- value that stands for its key and period (the line of the latest earlier batch, not
-- cancelled, whose period overlaps it: it has the same period and values) is not stored
-- again; the batch counts it as unchanged. The importer runs this only when an earlier
-- batch covers some of the months of this one (lot_import.mois_min, mois_max).
-- The line is kept aside in ligne_inchangee with the line it repeated: cancelling that
-- line's batch puts it back (migration 0085).
-- Ends with the number of lines taken out as unchanged.
WITH nouvelles AS (
    SELECT l.id, l.participant_id, l.marche_id, l.employeur_siret, l.mois, l.date_debut,
           l.date_fin, l.heures, l.heures_formation, l.type_contrat, l.modalite
    FROM ligne_heures l
    WHERE l.lot_id = current_setting('clause.lot_id')::bigint),
standing AS (   -- for each new line, the latest earlier line of its key-month overlapping it
    SELECT DISTINCT ON (n.id) n.id, l.id AS identique_a, l.date_debut, l.date_fin, l.heures, l.heures_formation,
           l.type_contrat, l.modalite
    FROM nouvelles n
    JOIN ligne_heures l ON (l.participant_id, l.mois) = (n.participant_id, n.mois)
                       AND (l.marche_id, l.employeur_siret) = (n.marche_id, n.employeur_siret)
    WHERE l.lot_id < current_setting('clause.lot_id')::bigint
      AND NOT l.lot_id = ANY ((SELECT lots FROM v_lots_annules)::bigint[])
      AND (l.date_debut IS NULL OR n.date_debut IS NULL
           OR daterange(l.date_debut, l.date_fin, '[]') && daterange(n.date_debut, n.date_fin, '[]'))
    ORDER BY n.id, l.lot_id DESC),
inchangees AS (
    DELETE FROM ligne_heures l
    USING nouvelles n, standing st
    WHERE l.id = n.id AND st.id = n.id
      AND (st.date_debut, st.date_fin) IS NOT DISTINCT FROM (n.date_debut, n.date_fin)
      AND (st.heures, st.heures_formation, st.type_contrat, st.modalite)
          = (n.heures, n.heures_formation, n.type_contrat, n.modalite)
    RETURNING l.id, l.lot_id, l.ligne, l.participant_id, l.employeur_siret, l.marche_id, l.mois,
              l.date_debut, l.date_fin, l.heures, l.heures_formation, l.type_contrat, l.modalite,
              st.identique_a),
gardees AS (
    INSERT INTO ligne_inchangee (id, lot_id, ligne, participant_id, employeur_siret, marche_id,
                                 mois, date_debut, date_fin, heures, heures_formation,
                                 type_contrat, modalite, identique_a)
    SELECT * FROM inchangees
    RETURNING 1)
SELECT count(*) FROM gardees;
