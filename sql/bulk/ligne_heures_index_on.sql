-- After a large timesheet batch: the btree indexes of ligne_heures, built in one pass
-- each (same definitions as sql/migrations/0001_schema.sql).
SET LOCAL search_path = clause, public;
SET LOCAL maintenance_work_mem = '256MB';
ALTER TABLE ligne_heures ADD CONSTRAINT ligne_heures_pkey PRIMARY KEY (id);
CREATE INDEX ligne_heures_participant_mois_idx ON ligne_heures (participant_id, mois);
CREATE INDEX ligne_heures_marche_idx ON ligne_heures (marche_id);
ANALYZE ligne_heures;
