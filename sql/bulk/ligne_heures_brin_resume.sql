-- The blocks a timesheet import filled, summarised in the block-range indexes (lot_id,
-- mois) of every table of lines, before its commit: autosummarize leaves that to an
-- autovacuum worker, and until it comes every search through them reads all the new
-- blocks (0.3 s a million lines after a first load; after a month of 41,666 lines on the
-- 4M bench, the next box's fold read the whole 2023 table, 9,813 pages for its 2,600, and
-- was the first to touch its lines). The pages were just written: they are in memory.
-- Run by the owner's imports (importers/sink_heures.c); a range already summarised is
-- skipped.
SELECT count(brin_summarize_new_values(t.relid))
FROM (SELECT relid FROM pg_partition_tree('clause.ligne_heures_lot_brin') WHERE isleaf
      UNION ALL
      SELECT relid FROM pg_partition_tree('clause.ligne_heures_mois_brin') WHERE isleaf) t;
