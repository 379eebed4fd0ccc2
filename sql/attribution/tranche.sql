-- Attribution, whole, one part of it: the lines of the participants from $1 included to $2
-- excluded (NULL: no bound), the bounds of sql/attribution/tranche_bornes.sql.
-- src/workflow/attribute_parallel.c runs it on one connection per core at once, each in a
-- REPEATABLE READ transaction that imported the same snapshot, after the settings of
-- sql/attribution/tranche_reglages.sql: its rows into its own table (pg_temp.attribution_cible,
-- made by attribution_tranche_creer() just before, its key built just after by
-- attribution_tranche_cle(), sql/views/05_attribution.sql), its sums into the UNLOGGED
-- tables of sql/attribution/parallele_prepare.sql.
-- Every rule is decided within a participant-month (the windows of v_attribution_calcul
-- all partition by participant_id, so this condition applies below them, at the scan of
-- ligne_heures): the parts never share a participant-month, and together they are what
-- sql/attribution/tout.sql computes on one connection. The credited hours by fiche, marché and
-- month are summed here too, per part, from the same computation (as
-- sql/attribution/mois_nouveaux.sql does): the parts' sums add up to recalcule_heures_mois(NULL).
-- The hours are summed in hundredths, as integers (hours are numeric(7, 2)): a sum of
-- bigint adds in 128-bit integers, a sum of numeric in numeric, 0.5 s per two sums of a
-- million lines; the swap turns them back into hours, with their two decimals.
-- The bounds are parameters, not read from a table: planned with their values, a part
-- is known to hold half the lines and is planned as such (a condition the planner cannot
-- estimate, such as a hash of the id, made it expect 5,000 lines of 500,000, look each
-- line's marché up by its key and hash the lines rather than the fiches: 0.4 s more per
-- part at a million lines).
-- Inputs: $1, $2 (text): the part's bounds; pg_temp.attribution_cible (the part's empty
--   table), clause.attribution_tranche_somme, attribution_tranche_marche,
--   attribution_tranche_statut: the (empty) tables of sql/attribution/parallele_prepare.sql,
--   written here.
-- Run by hand: BEGIN; \i sql/attribution/tranche_reglages.sql
--              SELECT clause.attribution_tranche_creer(1, NULL, 'P030000');
--              PREPARE t(text, text) AS <this statement>; EXECUTE t(NULL, 'P030000');
--              SELECT clause.attribution_tranche_cle(1); COMMIT;
WITH calcul AS MATERIALIZED (
    SELECT v.ligne_id, v.participant_id, v.motif, v.plie, v.fiche, v.marche_id, v.mois, v.heures,
           v.heures_formation
    FROM clause.v_attribution_calcul v
    WHERE ($1::text IS NULL OR v.participant_id >= $1::text)
      AND ($2::text IS NULL OR v.participant_id < $2::text)),
lignes AS (
    INSERT INTO pg_temp.attribution_cible (ligne_id, participant_id, motif, plie, fiche)
    SELECT ligne_id, participant_id, motif, plie, fiche FROM calcul),
-- the lines not credited, by motif; the credited ones are the sums by marché's (the swap)
statuts AS (
    INSERT INTO clause.attribution_tranche_statut (statut, lignes, centiemes)
    SELECT c.motif, count(*), sum((c.heures * 100)::bigint + (c.heures_formation * 100)::bigint)
    FROM calcul c
    WHERE c.motif IS NOT NULL
    GROUP BY c.motif),
marches AS (
    INSERT INTO clause.attribution_tranche_marche (marche_id, mois, centiemes, centiemes_formation, lignes)
    SELECT c.marche_id, c.mois, sum((c.heures * 100)::bigint), sum((c.heures_formation * 100)::bigint),
           count(*)
    FROM calcul c
    WHERE c.motif IS NULL   -- the credited lines with no PLIE count for their marché too
    GROUP BY c.marche_id, c.mois)
INSERT INTO clause.attribution_tranche_somme (fiche, mois, plie, centiemes, centiemes_formation, lignes)
SELECT coalesce(c.fiche, ''), c.mois, c.plie, sum((c.heures * 100)::bigint),
       sum((c.heures_formation * 100)::bigint), count(*)
FROM calcul c
WHERE c.motif IS NULL AND c.plie IS NOT NULL   -- fiche '': the PLIE's hours no fiche takes
GROUP BY coalesce(c.fiche, ''), c.mois, c.plie;
