-- The part of the attribution a change can alter: the participant-months (perimetre) of
-- - the lines of the timesheet batches of attribution_lots (new, waiting, or cancelled), a
--   line whose period runs into the next month touching that month too, and the lines of
--   earlier batches straddling into a month of theirs touching their own;
-- - the lines a referential change recorded in a_reattribuer reaches (migration 0120): every
--   line of a participant whose eligibility changed, of a marché whose period or opération
--   changed, of the marchés of an opération whose commune or fiche changed (in the months
--   a catalogue change moved, when given).
-- Every rule is decided within a participant-month, so recomputing these is exact. The
-- months of the batches of mois_exclus_lots are left out: sql/attribution/mois_nouveaux.sql
-- computes them whole. src/workflow/attribute_after.c builds this, decides from the number of lines it
-- holds whether to recompute them (sql/attribution/perimetre_calcul.sql) or everything.
-- Inputs (in the caller's transaction), created and filled by src/workflow/attribute_after.c
-- (attribute_after_inputs, a parameterised INSERT):
--   pg_temp.attribution_lots (lot_id bigint): the timesheet batches whose lines count (may
--     be empty: referential changes alone);
--   pg_temp.mois_exclus_lots (lot_id bigint): the batches whose months are left out (may
--     be empty).
--   clause.a_reattribuer: the referential changes recorded by the merges; taken out here.
-- Writes: pg_temp.perimetre (participant_id, mois), dropped at commit.
-- Run by hand: BEGIN; CREATE TEMP TABLE attribution_lots (lot_id bigint) ON COMMIT DROP;
--              CREATE TEMP TABLE mois_exclus_lots (lot_id bigint) ON COMMIT DROP;
--              INSERT INTO attribution_lots VALUES (12);
--              \i sql/attribution/perimetre.sql ... COMMIT;
SET LOCAL search_path = clause, pg_temp;
SET LOCAL jit = off;   -- compiling costs more than these small queries run

DROP TABLE IF EXISTS perimetre;
CREATE TEMP TABLE perimetre ON COMMIT DROP AS
-- The batches' lines by a join with their (analysed) list: one lot_id per probe of the
-- block-range index, and no scan at all when the list is empty (the usual month, whose
-- months mois_nouveaux.sql computes); "lot_id = ANY (array)" cannot use that index and read
-- every line, 0.25 s at a million lines.
WITH nouvelles AS (
    SELECT l.participant_id, l.mois, l.date_fin
    FROM pg_temp.attribution_lots a
    JOIN ligne_heures l ON l.lot_id = a.lot_id),
-- taken out as they are read: a change a file without attribution commits meanwhile
-- waits for the next attribution
changements AS MATERIALIZED (
    DELETE FROM a_reattribuer RETURNING participant_id, marche_id, operation_id, mois),
exclus AS (
    SELECT coalesce(array_agg(m::date), '{}') AS mois
    FROM lot_import b, generate_series(b.mois_min, b.mois_max, interval '1 month') m
    WHERE b.id IN (SELECT lot_id FROM pg_temp.mois_exclus_lots))
SELECT DISTINCT p.participant_id, p.mois
FROM (SELECT participant_id, mois FROM nouvelles
      UNION ALL
      SELECT participant_id, (mois + interval '1 month')::date FROM nouvelles
      WHERE date_fin >= (mois + interval '1 month')
      UNION ALL
      SELECT s.participant_id, s.mois FROM ligne_heures s
      WHERE s.date_fin >= (s.mois + interval '1 month')
        AND (s.participant_id, (s.mois + interval '1 month')::date)
            IN (SELECT participant_id, mois FROM nouvelles)
      UNION ALL
      -- eligibility: every month of the participant
      SELECT l.participant_id, l.mois FROM ligne_heures l
      WHERE l.participant_id = ANY ((SELECT array_agg(DISTINCT participant_id) FROM changements
                                     WHERE participant_id IS NOT NULL)::text[])
      UNION ALL
      -- a marché's period or opération
      SELECT l.participant_id, l.mois FROM ligne_heures l
      WHERE l.marche_id = ANY ((SELECT array_agg(DISTINCT marche_id) FROM changements
                                WHERE marche_id IS NOT NULL)::text[])
      UNION ALL
      -- an opération's commune or fiche (every month), or the catalogue (some months)
      SELECT l.participant_id, l.mois
      FROM ligne_heures l
      JOIN marche m ON m.id = l.marche_id
      JOIN changements c ON c.operation_id = m.operation_id AND (c.mois IS NULL OR c.mois = l.mois)
      WHERE l.marche_id = ANY ((SELECT array_agg(m2.id) FROM marche m2
                                WHERE m2.operation_id IN (SELECT operation_id FROM changements))::text[])) p
WHERE NOT p.mois = ANY ((SELECT mois FROM exclus)::date[]);

ANALYZE perimetre;
