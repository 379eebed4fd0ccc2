-- Attribution of the participant-months of perimetre (built by sql/attribution/perimetre.sql):
-- their old attribution out, the rules of v_attribution_calcul computed again over them
-- alone, and the sums by fiche and month (fiche_heures_mois) and by marché and month
-- (marche_heures_mois) moved by the difference, so that no month is summed again from every
-- line. The result equals a whole attribution.
-- The scope is "these participants in these months": a condition on the columns every
-- window of v_attribution_calcul partitions by, so PostgreSQL applies it below the
-- windows, through the (participant_id, mois) index; then only the pairs of perimetre are
-- kept (a participant of month A computed in month B too gives the same result there,
-- and is left as it is). Fills credite_avant (the lines credited before) for sql/attribution/baisses.sql.
-- Inputs (in the caller's transaction): pg_temp.perimetre (participant_id text, mois date),
-- built by sql/attribution/perimetre.sql; the clause tables. clause.bitmapscan_avant below
-- is no input: the script's own note of enable_bitmapscan, put back after one statement.
-- Writes: attribution and fiche_heures_mois (those participant-months), pg_temp.credite_avant.
-- Run by hand after sql/attribution/perimetre.sql, in the same transaction.
SET LOCAL search_path = clause, pg_temp;
SET LOCAL jit = off;   -- compiling costs more than these small queries run

DROP TABLE IF EXISTS attribution_ancienne, attribution_nouvelle, credite_avant;
CREATE TEMP TABLE attribution_ancienne ON COMMIT DROP AS
WITH ancienne AS (
    DELETE FROM attribution a
    USING ligne_heures l
    WHERE a.ligne_id = l.id AND a.participant_id = l.participant_id
      AND (l.participant_id, l.mois) IN (SELECT participant_id, mois FROM perimetre)
    RETURNING a.ligne_id, a.motif, a.plie, a.fiche, l.marche_id, l.mois, l.heures, l.heures_formation)
SELECT * FROM ancienne;

-- the lines credited before: sql/attribution/baisses.sql says what went down
CREATE TEMP TABLE credite_avant ON COMMIT DROP AS
SELECT ligne_id FROM attribution_ancienne WHERE motif IS NULL;

-- A bitmap scan would AND the (participant_id, mois) index with the block-range index on
-- mois, whose lossy pages make every line of them checked against the participants' array
-- one by one (9 s at 200k lines); the btree alone reads the pairs of both arrays.
SELECT set_config('clause.bitmapscan_avant', current_setting('enable_bitmapscan'), true);
SET LOCAL enable_bitmapscan = off;
CREATE TEMP TABLE attribution_nouvelle ON COMMIT DROP AS
SELECT v.ligne_id, v.participant_id, v.motif, v.plie, v.fiche, v.marche_id, v.mois, v.heures,
       v.heures_formation
FROM v_attribution_calcul v
WHERE v.participant_id = ANY ((SELECT array_agg(DISTINCT participant_id) FROM perimetre)::text[])
  AND v.mois = ANY ((SELECT array_agg(DISTINCT mois) FROM perimetre)::date[])
  AND (v.participant_id, v.mois) IN (SELECT participant_id, mois FROM perimetre);

SELECT set_config('enable_bitmapscan', current_setting('clause.bitmapscan_avant'), true);

INSERT INTO attribution (ligne_id, participant_id, motif, plie, fiche)
SELECT ligne_id, participant_id, motif, plie, fiche FROM attribution_nouvelle;

-- the credited hours by fiche and month (fiche '' for the PLIE's hours no fiche takes),
-- moved by what left and what came: the same sums as recalcule_heures_mois()
INSERT INTO fiche_heures_mois AS f (fiche, mois, plie, heures, heures_formation, lignes)
SELECT coalesce(d.fiche, ''), d.mois, d.plie, sum(d.signe * d.heures), sum(d.signe * d.heures_formation),
       sum(d.signe)
FROM (SELECT -1 AS signe, fiche, mois, plie, heures, heures_formation
      FROM attribution_ancienne WHERE motif IS NULL AND plie IS NOT NULL
      UNION ALL
      SELECT 1, fiche, mois, plie, heures, heures_formation
      FROM attribution_nouvelle WHERE motif IS NULL AND plie IS NOT NULL) d
GROUP BY coalesce(d.fiche, ''), d.mois, d.plie
ON CONFLICT (plie, fiche, mois) DO UPDATE
    SET heures = f.heures + EXCLUDED.heures,
        heures_formation = f.heures_formation + EXCLUDED.heures_formation,
        lignes = f.lignes + EXCLUDED.lignes;

DELETE FROM fiche_heures_mois WHERE lignes = 0;

-- the same for the credited hours by marché and month (marche_heures_mois)
INSERT INTO marche_heures_mois AS h (marche_id, mois, heures, heures_formation, lignes)
SELECT d.marche_id, d.mois, sum(d.signe * d.heures), sum(d.signe * d.heures_formation), sum(d.signe)
FROM (SELECT -1 AS signe, marche_id, mois, heures, heures_formation
      FROM attribution_ancienne WHERE motif IS NULL
      UNION ALL
      SELECT 1, marche_id, mois, heures, heures_formation
      FROM attribution_nouvelle WHERE motif IS NULL) d
GROUP BY d.marche_id, d.mois
ON CONFLICT (marche_id, mois) DO UPDATE
    SET heures = h.heures + EXCLUDED.heures,
        heures_formation = h.heures_formation + EXCLUDED.heures_formation,
        lignes = h.lignes + EXCLUDED.lignes;

-- only a sum that lost lines can be empty: those looked up by their key, not the whole table
DELETE FROM marche_heures_mois h
USING (SELECT DISTINCT marche_id, mois FROM attribution_ancienne WHERE motif IS NULL) d
WHERE h.marche_id = d.marche_id AND h.mois = d.mois AND h.lignes = 0;
