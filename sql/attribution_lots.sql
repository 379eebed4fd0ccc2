-- Attribution of new timesheet batches only: recomputes the participant-months that the
-- batches listed in the setting clause.attribution_lots ('12,13') touched. Every rule is
-- decided within a participant-month (latest batch per key, eligibility, marché period,
-- monthly ceiling; a period running into the next month ties two months, both taken),
-- so the other lines keep their status; the result equals a whole
-- attribution as long as no referential data changed since the last one (the driver,
-- src/attribute.c, runs sql/attribution.sql whole otherwise).
-- The scope is "these participants in these months": a condition on the columns every
-- window of v_attribution_calcul partitions by, so PostgreSQL applies it below the
-- windows, through the (participant_id, mois) index. Recomputing a few pairs the batches
-- did not touch (a participant of month A in month B) is harmless: same rules, same result.
-- Run by hand: BEGIN; SELECT set_config('clause.attribution_lots', '12', true);
--              \i sql/attribution_lots.sql COMMIT;
SET LOCAL search_path = clause, pg_temp;
SET LOCAL jit = off;   -- compiling costs more than these small queries run

-- A line whose period runs into the next month (rule 2) touches that month too, and the
-- lines of earlier batches straddling into a month of these batches touch their own.
CREATE TEMP TABLE perimetre ON COMMIT DROP AS
WITH nouvelles AS (
    SELECT participant_id, mois, date_fin
    FROM ligne_heures
    WHERE lot_id = ANY (string_to_array(current_setting('clause.attribution_lots'), ',')::bigint[]))
SELECT array_agg(DISTINCT participant_id) AS participants, array_agg(DISTINCT mois) AS mois
FROM (SELECT participant_id, mois FROM nouvelles
      UNION ALL
      SELECT participant_id, (mois + interval '1 month')::date FROM nouvelles
      WHERE date_fin >= (mois + interval '1 month')
      UNION ALL
      SELECT s.participant_id, s.mois FROM ligne_heures s
      WHERE s.date_fin >= (s.mois + interval '1 month')
        AND (s.participant_id, (s.mois + interval '1 month')::date)
            IN (SELECT participant_id, mois FROM nouvelles)) t;

-- the lines credited before, kept as they are deleted: sql/baisses.sql says what went down
DROP TABLE IF EXISTS credite_avant;
CREATE TEMP TABLE credite_avant (ligne_id bigint) ON COMMIT DROP;
WITH ancienne AS (
    DELETE FROM attribution a
    USING ligne_heures l
    WHERE a.ligne_id = l.id
      AND l.participant_id = ANY ((SELECT participants FROM perimetre)::text[])
      AND l.mois = ANY ((SELECT mois FROM perimetre)::date[])
    RETURNING a.ligne_id, a.motif)
INSERT INTO credite_avant
SELECT ligne_id FROM ancienne WHERE motif IS NULL;

INSERT INTO attribution (ligne_id, motif, plie, fiche)
SELECT v.ligne_id, v.motif, v.plie, v.fiche
FROM v_attribution_calcul v
WHERE v.participant_id = ANY ((SELECT participants FROM perimetre)::text[])
  AND v.mois = ANY ((SELECT mois FROM perimetre)::date[]);

SELECT recalcule_fiche_heures_mois((SELECT mois FROM perimetre)::date[]);
