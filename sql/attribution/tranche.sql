-- Attribution, whole, one part of it: the lines of the participants whose hash falls in
-- part tranche (0 … tranches − 1) of tranche_courante. src/workflow/attribute_parallel.c
-- runs it on one connection per core at once, each in a REPEATABLE READ transaction that
-- imported the same snapshot, into the UNLOGGED tables of sql/attribution/parallele_prepare.sql.
-- Every rule is decided within a participant-month (the windows of v_attribution_calcul
-- all partition by participant_id, so this condition applies below them, at the scan of
-- ligne_heures): the parts never share a participant-month, and together they are what
-- sql/attribution/tout.sql computes on one connection. The credited hours by fiche, marché and
-- month are summed here too, per part, from the same computation (as
-- sql/attribution/mois_nouveaux.sql does): the parts' sums add up to recalcule_heures_mois(NULL).
-- Inputs (in the part's transaction):
--   pg_temp.tranche_courante (tranche integer, tranches integer): one row, this part's
--     number and the number of parts; created and filled by src/workflow/attribute_parallel.c
--     (parts_compute), a parameterised INSERT.
--   clause.attribution_tranche, attribution_tranche_somme, attribution_tranche_marche: the
--     (empty) tables of sql/attribution/parallele_prepare.sql, written here.
-- Run by hand: BEGIN; CREATE TEMP TABLE tranche_courante ON COMMIT DROP AS
--              SELECT 0 AS tranche, 2 AS tranches;
--              \i sql/attribution/tranche.sql COMMIT;
SET LOCAL search_path = clause, pg_temp;
-- as in sql/attribution/tout.sql: sorts in memory, no JIT, no incremental sort
SET LOCAL work_mem = '256MB';
SET LOCAL jit = off;
SET LOCAL enable_incremental_sort = off;
-- The sums by marché and month group about a hundred thousand (marché, month) pairs per part:
-- the planner, blind to a CTE's contents, sorts them; hashed they cost 0.5 s less per part at
-- a million lines (the view's own window sorts stay: they have no other plan).
SET LOCAL enable_sort = off;

WITH calcul AS MATERIALIZED (
    SELECT v.ligne_id, v.motif, v.plie, v.fiche, v.marche_id, v.mois, v.heures, v.heures_formation
    FROM v_attribution_calcul v
    -- hashtext: the same participant always in the same part, the parts about even
    WHERE (hashtext(v.participant_id) & 2147483647)
          % (SELECT tranches FROM pg_temp.tranche_courante)
          = (SELECT tranche FROM pg_temp.tranche_courante)),
lignes AS (
    INSERT INTO attribution_tranche (ligne_id, motif, plie, fiche)
    SELECT ligne_id, motif, plie, fiche FROM calcul),
marches AS (
    INSERT INTO attribution_tranche_marche (marche_id, mois, heures, heures_formation, lignes)
    SELECT c.marche_id, c.mois, sum(c.heures), sum(c.heures_formation), count(*)
    FROM calcul c
    WHERE c.motif IS NULL   -- the credited lines with no PLIE count for their marché too
    GROUP BY c.marche_id, c.mois)
INSERT INTO attribution_tranche_somme (fiche, mois, plie, heures, heures_formation, lignes)
SELECT coalesce(c.fiche, ''), c.mois, c.plie, sum(c.heures), sum(c.heures_formation), count(*)
FROM calcul c
WHERE c.motif IS NULL AND c.plie IS NOT NULL   -- fiche '': the PLIE's hours no fiche takes
GROUP BY coalesce(c.fiche, ''), c.mois, c.plie;
