-- Before a large timesheet batch (a quarter of the table or more): drop the btree
-- indexes of ligne_heures; maintaining them row by row costs three times building them
-- anew after the insert (sql/bulk/ligne_heures_index_on.sql), in the same transaction.
-- The block-range indexes (lot_id, mois) stay when lines are there already: building
-- them again would read the whole history, where the import summarises only its new
-- ranges (sql/bulk/ligne_heures_brin_resume.sql).
SET LOCAL search_path = clause, pg_temp;
DROP INDEX ligne_heures_participant_mois_idx, ligne_heures_marche_idx;
ALTER TABLE ligne_heures DROP CONSTRAINT ligne_heures_pkey;
-- The reference check, which the owner's import switches off anyway (importers/
-- heures_load.c), is dropped here rather than disabled: a statement trigger with a
-- transition table on a partitioned table, even disabled, makes the COPY insert row by
-- row instead of in batches (0.45 s a million lines). The exclusive lock is held already.
DROP TRIGGER ligne_heures_references ON ligne_heures;
-- The first load of a history, into an empty table: its block-range indexes are built
-- after the COPY like the btrees, in about the time summarising its ranges took. Kept
-- during it, each new range asked an autovacuum worker for its summary, and past the 256
-- requests the server keeps, each further one wrote a line to the server's log (1,708
-- for a million lines). And the table is emptied once more, so that it gets a new file
-- in this transaction and, under wal_level = minimal (the embedded cluster), its COPY
-- writes no WAL (150 MB a million lines): the file is synced at commit instead. The DROP
-- above already holds the table's exclusive lock, so no other import's lines can have
-- come in between; this statement sees every committed one.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM ligne_heures) THEN
        DROP INDEX ligne_heures_lot_brin, ligne_heures_mois_brin;
        IF current_setting('wal_level') = 'minimal' THEN
            TRUNCATE ligne_heures;
        END IF;
    END IF;
END $$;
