-- Attribution of new timesheet batches whose months no earlier batch covers (the usual
-- monthly file): every line of those months belongs to these batches, so the rules,
-- decided within a participant-month, can be computed over those months alone, and no
-- line of them has an attribution yet (the batches were never attributed:
-- src/workflow/attribute_after.c takes them new or waiting, and runs this script for them when
-- mois_deja_couverts() says no other batch covers their months). mois is a partition column of every window of
-- v_attribution_calcul, so the condition applies below them, through the block-range
-- index on mois.
-- Inputs (in the caller's transaction):
--   pg_temp.attribution_lots (lot_id bigint): the new timesheet batches; created and filled
--     by src/workflow/attribute_after.c (attribute_after_inputs), a parameterised INSERT.
--   The clause tables: lot_import (their months), the lines through v_attribution_calcul.
-- Writes: attribution (the lines of those months, which must have none yet) and
--   fiche_heures_mois (those months, replaced).
-- Run by hand: BEGIN; CREATE TEMP TABLE attribution_lots (lot_id bigint) ON COMMIT DROP;
--              INSERT INTO attribution_lots VALUES (12);
--              \i sql/attribution/mois_nouveaux.sql COMMIT;
SET LOCAL search_path = clause, pg_temp;
SET LOCAL jit = off;   -- compiling costs more than these small queries run

-- The months, and their first and last: a range on mois picks the tables of lines when the
-- statement runs (ligne_heures is partitioned by month, or by year for a history loaded
-- whole), an array of them does not.
CREATE TEMP TABLE mois_nouveaux ON COMMIT DROP AS
SELECT m.mois, m.mois[1] AS debut, m.mois[cardinality(m.mois)] AS fin
FROM (SELECT ARRAY(
          SELECT generate_series(min(b.mois_min), max(b.mois_max), interval '1 month')::date
          FROM lot_import b
          WHERE b.id IN (SELECT lot_id FROM pg_temp.attribution_lots)) AS mois) m;

-- One computation feeds the lines' attribution and the sums of these months by fiche and by
-- marché (as recalcule_heures_mois() gives them), rather than reading the lines again.
DELETE FROM fiche_heures_mois WHERE mois = ANY ((SELECT mois FROM mois_nouveaux)::date[]);
DELETE FROM marche_heures_mois WHERE mois = ANY ((SELECT mois FROM mois_nouveaux)::date[]);
WITH calcul AS MATERIALIZED (
    SELECT v.ligne_id, v.participant_id, v.motif, v.plie, v.fiche, v.marche_id, v.mois, v.heures,
           v.heures_formation
    FROM v_attribution_calcul v
    WHERE v.mois = ANY ((SELECT mois FROM mois_nouveaux)::date[])
      AND v.mois BETWEEN (SELECT debut FROM mois_nouveaux) AND (SELECT fin FROM mois_nouveaux)),
lignes AS (
    INSERT INTO attribution (ligne_id, participant_id, motif, plie, fiche)
    SELECT ligne_id, participant_id, motif, plie, fiche FROM calcul),
marches AS (
    INSERT INTO marche_heures_mois (marche_id, mois, heures, heures_formation, lignes)
    SELECT c.marche_id, c.mois, sum(c.heures), sum(c.heures_formation), count(*)
    FROM calcul c
    WHERE c.motif IS NULL
    GROUP BY c.marche_id, c.mois)
INSERT INTO fiche_heures_mois (fiche, mois, plie, heures, heures_formation, lignes)
SELECT coalesce(c.fiche, ''), c.mois, c.plie, sum(c.heures), sum(c.heures_formation), count(*)
FROM calcul c
WHERE c.motif IS NULL AND c.plie IS NOT NULL   -- fiche '': the PLIE's hours no fiche takes
GROUP BY coalesce(c.fiche, ''), c.mois, c.plie;
