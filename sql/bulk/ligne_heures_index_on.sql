-- After a large timesheet batch: the btree indexes of ligne_heures, built in one pass
-- each, and after a first load its block-range indexes too (same definitions as
-- sql/migrations/0170_ligne_heures_par_annee.sql). Otherwise the new blocks are
-- summarised after it by ligne_heures_brin_resume.sql, as after every import of the owner.
SET LOCAL search_path = clause, pg_temp;
SET LOCAL maintenance_work_mem = '256MB';
ALTER TABLE ligne_heures ADD CONSTRAINT ligne_heures_pkey PRIMARY KEY (id, mois);
CREATE INDEX ligne_heures_participant_mois_idx ON ligne_heures (participant_id, mois);
CREATE INDEX ligne_heures_marche_idx ON ligne_heures (marche_id);
CREATE INDEX IF NOT EXISTS ligne_heures_lot_brin ON ligne_heures USING brin (lot_id)
    WITH (pages_per_range = 16, autosummarize = on);
CREATE INDEX IF NOT EXISTS ligne_heures_mois_brin ON ligne_heures USING brin (mois)
    WITH (pages_per_range = 16, autosummarize = on);
CREATE TRIGGER ligne_heures_references
    AFTER INSERT ON ligne_heures REFERENCING NEW TABLE AS nouvelles
    FOR EACH STATEMENT EXECUTE FUNCTION ligne_heures_verifie_references();
ANALYZE ligne_heures;
