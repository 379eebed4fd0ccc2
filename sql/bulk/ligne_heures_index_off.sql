-- Before a large timesheet batch (a quarter of the table or more): drop the btree
-- indexes of ligne_heures; maintaining them row by row costs three times building them
-- anew after the insert (sql/bulk/ligne_heures_index_on.sql), in the same transaction.
-- The block-range index of the batches stays: it costs nothing during a COPY.
SET LOCAL search_path = clause, pg_temp;
DROP INDEX ligne_heures_participant_mois_idx, ligne_heures_marche_idx;
ALTER TABLE ligne_heures DROP CONSTRAINT ligne_heures_pkey;
