-- 0011: the block ranges of the two block-range indexes of ligne_heures summarised as they
-- fill, by autovacuum. A range not summarised yet is read by every search through the
-- index: after a batch of a million lines, the attribution of the next month read all of
-- them (0.63 s instead of 0.3 s). The bulk path summarises at once
-- (sql/bulk/ligne_heures_index_on.sql).
SET search_path = clause, public;

ALTER INDEX ligne_heures_lot_brin SET (autosummarize = on);
ALTER INDEX ligne_heures_mois_brin SET (autosummarize = on);
