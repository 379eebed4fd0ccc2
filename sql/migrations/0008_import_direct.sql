-- 0008: timesheet lines copied straight into ligne_heures (importers/heures_load.c).
-- The importer resolves references in memory and COPYs into the table itself, without a
-- stage; what stays set-based is below.
SET search_path = clause, public;

-- The months a timesheet batch covers: a new batch whose months no earlier batch covers
-- cannot repeat a standing line, and the search for unchanged lines is skipped.
ALTER TABLE lot_import
    ADD COLUMN mois_min date,
    ADD COLUMN mois_max date,
    -- imported with --sans-attribution: its lines wait for the next attribution
    ADD COLUMN a_attribuer boolean NOT NULL DEFAULT false,
    ADD CHECK (mois_min <= mois_max);

UPDATE lot_import b
SET mois_min = s.mois_min, mois_max = s.mois_max
FROM (SELECT lot_id, min(mois) AS mois_min, max(mois) AS mois_max
      FROM ligne_heures GROUP BY lot_id) s
WHERE s.lot_id = b.id;

-- Lines are appended batch after batch, so a block-range index finds a batch's lines
-- for a fraction of the cost of a btree, and costs nothing to keep during a COPY.
DROP INDEX ligne_heures_lot_idx;
CREATE INDEX ligne_heures_lot_brin ON ligne_heures USING brin (lot_id) WITH (pages_per_range = 16);

-- The same truths, checked for less (0.2 s a million lines): extract() computes in
-- numeric, date_part() in a double and date arithmetic in integers. The importer checks
-- them first; these guard every other writer.
ALTER TABLE ligne_heures
    DROP CONSTRAINT ligne_heures_mois_check,
    DROP CONSTRAINT ligne_heures_check,
    ADD CONSTRAINT ligne_heures_mois_check CHECK (date_part('day', mois) = 1),
    ADD CONSTRAINT ligne_heures_check
        CHECK (heures + heures_formation <= 24 * ((mois + interval '1 month')::date - mois));
