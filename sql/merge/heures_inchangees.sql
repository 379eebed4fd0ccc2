-- Timesheet batch, after its COPY and the removal of repeated keys: a line identical to
-- the value that stands for its key (the line of the latest earlier batch) is not stored
-- again; the batch counts it as unchanged. The importer runs this only when an earlier
-- batch covers some of the months of this one (lot_import.mois_min, mois_max).
-- Ends with the number of lines taken out as unchanged.
WITH nouvelles AS (
    SELECT l.id, l.participant_id, l.marche_id, l.employeur_siret, l.mois, l.heures,
           l.heures_formation, l.type_contrat, l.modalite
    FROM ligne_heures l
    WHERE l.lot_id = current_setting('clause.lot_id')::bigint),
standing AS (   -- the value each key of the batch has today
    SELECT DISTINCT ON (l.participant_id, l.marche_id, l.employeur_siret, l.mois)
           l.participant_id, l.marche_id, l.employeur_siret, l.mois, l.heures,
           l.heures_formation, l.type_contrat, l.modalite
    FROM ligne_heures l
    JOIN nouvelles n ON (n.participant_id, n.mois) = (l.participant_id, l.mois)
    WHERE l.lot_id < current_setting('clause.lot_id')::bigint
    ORDER BY l.participant_id, l.marche_id, l.employeur_siret, l.mois, l.lot_id DESC),
inchangees AS (
    DELETE FROM ligne_heures l
    USING nouvelles n, standing st
    WHERE l.id = n.id
      AND (st.participant_id, st.marche_id, st.employeur_siret, st.mois)
          = (n.participant_id, n.marche_id, n.employeur_siret, n.mois)
      AND (st.heures, st.heures_formation, st.type_contrat, st.modalite)
          = (n.heures, n.heures_formation, n.type_contrat, n.modalite)
    RETURNING 1)
SELECT count(*) FROM inchangees;
