-- Attribution, whole, one part of it: the lines of the participants whose hash falls in
-- part clause.attribution_tranche (0 … clause.attribution_tranches − 1). src/attribute_parallel.c
-- runs it on one connection per core at once, each in a REPEATABLE READ transaction that
-- imported the same snapshot, into the UNLOGGED tables of sql/attribution_parallele_prepare.sql.
-- Every rule is decided within a participant-month (the windows of v_attribution_calcul
-- all partition by participant_id, so this condition applies below them, at the scan of
-- ligne_heures): the parts never share a participant-month, and together they are what
-- sql/attribution.sql computes on one connection. The credited hours by fiche, marché and
-- month are summed here too, per part, from the same computation (as
-- sql/attribution_mois_nouveaux.sql does): the parts' sums add up to recalcule_heures_mois(NULL).
-- Run by hand: BEGIN; SELECT set_config('clause.attribution_tranches', '2', true),
--              set_config('clause.attribution_tranche', '0', true);
--              \i sql/attribution_tranche.sql COMMIT;
SET LOCAL search_path = clause, pg_temp;
-- as in sql/attribution.sql: sorts in memory, no JIT, no incremental sort
SET LOCAL work_mem = '256MB';
SET LOCAL jit = off;
SET LOCAL enable_incremental_sort = off;

WITH calcul AS MATERIALIZED (
    SELECT v.ligne_id, v.motif, v.plie, v.fiche, v.marche_id, v.mois, v.heures, v.heures_formation
    FROM v_attribution_calcul v
    -- hashtext: the same participant always in the same part, the parts about even
    WHERE (hashtext(v.participant_id) & 2147483647)
          % current_setting('clause.attribution_tranches')::integer
          = current_setting('clause.attribution_tranche')::integer),
lignes AS (
    INSERT INTO attribution_tranche (ligne_id, motif, plie, fiche)
    SELECT ligne_id, motif, plie, fiche FROM calcul)
INSERT INTO attribution_tranche_somme (fiche, mois, plie, marche_id, heures, heures_formation, lignes)
SELECT coalesce(c.fiche, ''), c.mois, c.plie, c.marche_id, sum(c.heures), sum(c.heures_formation), count(*)
FROM calcul c
WHERE c.motif IS NULL   -- fiche '': the PLIE's hours no fiche takes; plie NULL: a marché's only
GROUP BY coalesce(c.fiche, ''), c.mois, c.plie, c.marche_id;
