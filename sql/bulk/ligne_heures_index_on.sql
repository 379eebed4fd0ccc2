-- After a large timesheet batch: the btree indexes of ligne_heures, built in one pass
-- each (same definitions as sql/migrations/0170_ligne_heures_par_annee.sql), and the new
-- blocks summarised in the block-range indexes of every year's table (0.3 s a million
-- lines; until then every search through them reads all the new blocks).
SET LOCAL search_path = clause, pg_temp;
SET LOCAL maintenance_work_mem = '256MB';
ALTER TABLE ligne_heures ADD CONSTRAINT ligne_heures_pkey PRIMARY KEY (id, mois);
CREATE INDEX ligne_heures_participant_mois_idx ON ligne_heures (participant_id, mois);
CREATE INDEX ligne_heures_marche_idx ON ligne_heures (marche_id);
CREATE TRIGGER ligne_heures_references
    AFTER INSERT ON ligne_heures REFERENCING NEW TABLE AS nouvelles
    FOR EACH STATEMENT EXECUTE FUNCTION ligne_heures_verifie_references();
SELECT brin_summarize_new_values(relid)
FROM pg_partition_tree('ligne_heures_lot_brin') WHERE isleaf
UNION ALL
SELECT brin_summarize_new_values(relid)
FROM pg_partition_tree('ligne_heures_mois_brin') WHERE isleaf;
ANALYZE ligne_heures;
