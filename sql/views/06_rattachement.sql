-- What the catalogue (fiches and territories, DOMAIN.md "Years") decides for the lines:
-- the PLIE and the fiche of every (fiche the opération names, commune, month) that the
-- opérations and the months of the timesheet batches hold, by the same joins as the end of
-- v_attribution_calcul (sql/views/05_attribution.sql: rule 5). The merges of fiches and
-- territoires files (sql/merge/) read it before and after their change: the opérations and
-- months whose answer moved are all the lines to attribute again (migration 0120).
-- A few thousand rows: the opérations' distinct (fiche, commune) pairs times the months.
SET search_path = clause, pg_temp;

DROP FUNCTION IF EXISTS rattachement_a_reattribuer(bigint);
DROP FUNCTION IF EXISTS rattachement_catalogue();

CREATE FUNCTION rattachement_catalogue()
RETURNS TABLE (fiche_nommee text, commune_insee text, mois date, plie text, fiche text)
LANGUAGE sql STABLE AS $$
WITH cles AS (
    SELECT DISTINCT o.fiche, o.commune_insee::text AS commune_insee FROM clause.operation o),
mois AS (
    SELECT m::date AS mois
    FROM (SELECT min(mois_min) AS lo, max(mois_max) AS hi
          FROM clause.lot_import WHERE nature = 'heures') r,
         generate_series(r.lo, r.hi, interval '1 month') m)
SELECT k.fiche, k.commune_insee, m.mois, coalesce(fn.plie, cp.plie, t.plie), coalesce(fn.code, fu.fiche)
FROM cles k
CROSS JOIN mois m
LEFT JOIN clause.v_fiche_mois fn ON fn.code = k.fiche AND fn.mois = m.mois
LEFT JOIN clause.v_fiche_code_plie cp ON cp.code = k.fiche
LEFT JOIN clause.v_territoire t ON t.code_insee = k.commune_insee
                               AND extract(year FROM m.mois)::integer BETWEEN t.annee_debut AND t.annee_fin
LEFT JOIN clause.v_fiche_clause_mois fu ON k.fiche IS NULL AND fu.plie = t.plie AND fu.mois = m.mois
                                       AND fu.nombre = 1
$$;

-- The end of a merge of fiches or territoires (sql/merge/fiches.sql, territoires.sql): records
-- in a_reattribuer, for the batch lot, the opérations and months whose PLIE or fiche the
-- merge moved, for the next attribution (0120): the rows rattachement_catalogue() gives now
-- and did not give in pg_temp.rattachement_avant, the merge's copy of it taken before its
-- change. The pairs and months are the same before and after (these merges change neither
-- opérations nor timesheet batches), so one difference finds every move. lot NULL (the
-- shipped catalogue, no batch, which loads only before any line): nothing to record.
-- plpgsql: the temporary table is looked up when the function runs, not when it is created.
CREATE FUNCTION rattachement_a_reattribuer(lot bigint)
RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF lot IS NULL THEN
        RETURN;
    END IF;
    INSERT INTO clause.a_reattribuer (lot_id, operation_id, mois)
    SELECT DISTINCT lot, o.id, d.mois
    FROM (SELECT * FROM clause.rattachement_catalogue()
          EXCEPT
          SELECT * FROM pg_temp.rattachement_avant) d
    JOIN clause.operation o ON o.fiche IS NOT DISTINCT FROM d.fiche_nommee
                           AND o.commune_insee::text IS NOT DISTINCT FROM d.commune_insee;
END
$$;
