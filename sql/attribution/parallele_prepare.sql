-- Before a whole attribution on several connections (src/workflow/attribute_parallel.c), in a
-- transaction of its own, committed before the parts start (they are written by other
-- connections, which must see these tables): the tables of the parts' sums and bounds.
-- Each part makes its own table of attribution rows in its transaction
-- (attribution_tranche_creer(), sql/views/05_attribution.sql).
-- UNLOGGED: they live for one run and are read once, by the swap
-- (sql/attribution/parallele_bascule.sql), whose transaction drops them; a run that
-- stopped midway left them behind, with its parts' tables, and they are dropped here. The
-- attribution itself stays as it was until that swap commits. Only one run at a time uses
-- them: the driver holds a session advisory lock of its own around the whole run.
-- Inputs: none. Writes: clause.attribution_tranche_bornes, clause.attribution_tranche_somme,
-- clause.attribution_tranche_marche, clause.attribution_tranche_statut (empty).
SET LOCAL search_path = clause, pg_temp;

DO $$
DECLARE
    t regclass;
BEGIN
    -- a stopped run's parts (never attached: an attached part is renamed attribution_<n>)
    FOR t IN SELECT c.oid::regclass FROM pg_class c
             WHERE c.relnamespace = 'clause'::regnamespace AND c.relkind = 'r'
               AND NOT c.relispartition AND c.relname ~ '^attribution_tranche(_[0-9]+)?$'
    LOOP
        EXECUTE format('DROP TABLE %s', t);
    END LOOP;
END $$;
DROP TABLE IF EXISTS attribution_tranche_bornes, attribution_tranche_somme,
    attribution_tranche_marche, attribution_tranche_statut;
-- each part's bounds, written by the part (attribution_tranche_creer()), read by the swap
CREATE UNLOGGED TABLE attribution_tranche_bornes (
    rang  integer PRIMARY KEY,
    debut text,
    fin   text
);
-- credited hours by fiche (of a PLIE; '' none) and month, and by marché and month: two
-- tables, since the swap adds up a few hundred rows of the first and a hundred thousand of
-- the second (one grouping of both would carry the marché into the fiche sums)
-- (hours in hundredths: see sql/attribution/tranche.sql)
CREATE UNLOGGED TABLE attribution_tranche_somme (
    fiche               text NOT NULL,
    mois                date NOT NULL,
    plie                text NOT NULL,
    centiemes           bigint NOT NULL,
    centiemes_formation bigint NOT NULL,
    lignes              bigint NOT NULL
);
CREATE UNLOGGED TABLE attribution_tranche_marche (
    marche_id           text NOT NULL,
    mois                date NOT NULL,
    centiemes           bigint NOT NULL,
    centiemes_formation bigint NOT NULL,
    lignes              bigint NOT NULL
);
-- lines and hours not credited, by motif, what clause attribute prints after the run with
-- the credited ones (the sums by marché hold them): counted here from the same
-- computation, they spare a join of the lines not credited to their hours (0.5 s at a
-- million lines)
CREATE UNLOGGED TABLE attribution_tranche_statut (
    statut    text NOT NULL,
    lignes    bigint NOT NULL,
    centiemes bigint NOT NULL
);
