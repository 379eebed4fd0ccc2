-- A table of lines that no ANALYZE has seen yet (made by this import's first line of a new
-- month, or never analysed since), analysed before the commit. Autovacuum would come within
-- a minute, but the import's own attribution and the first reports after it would be
-- planned on guesses meanwhile: on the 4M bench, the box after a year's first month read
-- that whole month again to find its own batches' lines (the block-range index on lot_id
-- looks no better than a scan without statistics), and set the hint bits of all its lines.
-- Once per table; later imports into it leave the statistics to autovacuum. A month's
-- table samples 3,000 lines (statistics target 10, set by ligne_heures_mois_table()):
-- 8 ms for the bench's month of 41,666 lines, 100 ms at the default target. Run by the
-- owner's imports (importers/sink_heures.c): analysing needs to own the table. The names
-- come from the catalogue, quoted by regclass.
DO $$
DECLARE
    t regclass;
BEGIN
    FOR t IN SELECT c.oid::regclass
             FROM pg_partition_tree('clause.ligne_heures') p
             JOIN pg_class c ON c.oid = p.relid
             WHERE p.isleaf AND c.reltuples < 0
             ORDER BY c.relname
    LOOP
        EXECUTE format('ANALYZE %s', t);
    END LOOP;
END
$$;
