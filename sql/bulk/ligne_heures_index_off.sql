-- Before a large timesheet batch (a quarter of the table or more): drop the secondary
-- indexes of ligne_heures; maintaining them row by row costs three times building them
-- anew after the insert (sql/bulk/ligne_heures_index_on.sql), in the same transaction.
SET LOCAL search_path = clause, public;
DROP INDEX ligne_heures_participant_mois_idx, ligne_heures_marche_idx, ligne_heures_lot_idx;
