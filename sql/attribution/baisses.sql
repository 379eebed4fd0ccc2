-- What the attribution just run lowered: the credited lines it took back, by participant,
-- marché and month, with the hours before (the lines of credite_avant: credited before, in
-- the part recomputed) and after, stored in baisse for the batches of baisse_pour, loaded
-- or cancelled. src/workflow/attribute_after.c runs it after sql/attribution/perimetre_calcul.sql
-- (which fills credite_avant as it deletes the old attribution), src/workflow/attribute.c after
-- sql/attribution/baisses_tout.sql (whole attribution). Only the groups that lost a credited line are
-- summed.
-- Inputs (in the caller's transaction):
--   pg_temp.credite_avant (ligne_id bigint): the lines credited before, from one of the two
--     scripts above;
--   pg_temp.baisse_pour (lots bigint[], annulation boolean): one row, the batches the rows
--     are stored for and whether they were cancelled; created and filled by src/workflow/attribute.c
--     (attribute_note_lowered), a parameterised INSERT.
-- Writes: baisse.
-- Run by hand after one of those scripts: CREATE TEMP TABLE baisse_pour ON COMMIT DROP AS
--   SELECT '{12}'::bigint[] AS lots, false AS annulation; \i sql/attribution/baisses.sql
SET LOCAL search_path = clause, public;

WITH perdues AS (
    SELECT l.participant_id, l.marche_id, l.mois, a.motif
    FROM credite_avant c
    JOIN attribution a ON a.ligne_id = c.ligne_id
    JOIN ligne_heures l ON l.id = c.ligne_id
    WHERE a.motif IS NOT NULL),
groupes AS (
    SELECT participant_id, marche_id, mois, string_agg(DISTINCT motif, ', ' ORDER BY motif) AS motifs
    FROM perdues GROUP BY participant_id, marche_id, mois),
sommes AS (
    SELECT g.participant_id, g.marche_id, g.mois, g.motifs,
           sum(l.heures + l.heures_formation) FILTER (WHERE l.id IN (SELECT ligne_id FROM credite_avant))
               AS avant,
           coalesce(sum(l.heures + l.heures_formation) FILTER (WHERE a.motif IS NULL), 0) AS apres
    FROM groupes g
    JOIN ligne_heures l ON (l.participant_id, l.mois) = (g.participant_id, g.mois)
                       AND l.marche_id = g.marche_id
    JOIN attribution a ON a.ligne_id = l.id
    GROUP BY g.participant_id, g.marche_id, g.mois, g.motifs)
INSERT INTO baisse (lots, annulation, participant_id, marche_id, mois, avant, apres, motifs)
SELECT (SELECT lots FROM pg_temp.baisse_pour), (SELECT annulation FROM pg_temp.baisse_pour),
       participant_id, marche_id, mois, avant, apres, motifs
FROM sommes
WHERE apres < avant;
