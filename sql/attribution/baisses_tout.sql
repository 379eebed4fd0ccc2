-- After a whole attribution run for batches (src/workflow/attribute.c): the lines credited before it,
-- for the participant, marché and month of the lines that are not credited any more, into
-- credite_avant for sql/attribution/baisses.sql. Before the attribution, attribute.c kept the lines not
-- credited (non_credite_avant: few, where all the lines would be many) and the batches
-- never attributed (lots_nouveaux), whose lines had no status to lose.
-- Inputs (in the caller's transaction), created by src/workflow/attribute.c
-- (attribute_whole_for_lots) before the attribution, with parameterised queries:
--   pg_temp.non_credite_avant (ligne_id bigint): the lines not credited before;
--   pg_temp.lots_nouveaux (id bigint): the batches whose lines had no status yet.
-- Writes: pg_temp.credite_avant (ligne_id bigint), dropped at commit, for sql/attribution/baisses.sql.
SET LOCAL search_path = clause, public;

DROP TABLE IF EXISTS credite_avant;
CREATE TEMP TABLE credite_avant ON COMMIT DROP AS
WITH perdues AS (
    SELECT DISTINCT l.participant_id, l.marche_id, l.mois
    FROM attribution a JOIN ligne_heures l ON l.id = a.ligne_id
    WHERE a.motif IS NOT NULL
      AND a.ligne_id NOT IN (SELECT ligne_id FROM non_credite_avant)
      AND l.lot_id NOT IN (SELECT id FROM lots_nouveaux))
SELECT l.id AS ligne_id
FROM perdues p
JOIN ligne_heures l ON (l.participant_id, l.mois) = (p.participant_id, p.mois) AND l.marche_id = p.marche_id
WHERE l.id NOT IN (SELECT ligne_id FROM non_credite_avant)
  AND l.lot_id NOT IN (SELECT id FROM lots_nouveaux);
