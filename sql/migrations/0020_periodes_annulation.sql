-- 0020: timesheet lines carry a period, and a batch can be cancelled (DOMAIN.md rules 1,
-- 2 and 9, amended).
-- A line's period is the month (date_debut and date_fin NULL, as every line stored so far)
-- or the dates the sender gave (a week, a mission's days); it starts in its month and ends
-- at the latest at the end of the next one (a week straddling two months). A later batch's
-- line corrects the earlier lines of the same participant, marché and employer whose period
-- overlaps its own (sql/views/05_attribution.sql).
SET search_path = clause, public;

ALTER TABLE ligne_heures
    ADD COLUMN date_debut date,
    ADD COLUMN date_fin date,
    ADD CONSTRAINT ligne_heures_periode_check CHECK (
        (date_debut IS NULL AND date_fin IS NULL)
        OR (date_debut >= mois AND date_debut < (mois + interval '1 month')
            AND date_fin >= date_debut AND date_fin < (mois + interval '2 month')));

-- The lines whose period runs into the next month: few, found by their own small index
-- when the rules compare a month's lines with the previous month's.
CREATE INDEX ligne_heures_a_cheval_idx ON ligne_heures (participant_id, mois)
    WHERE date_fin >= (mois + interval '1 month');

-- A cancelled batch stays, with when, why and by whom (the database role); its lines stop
-- standing and the lines it had replaced stand again.
ALTER TABLE lot_import
    ADD COLUMN annule_le timestamptz,
    ADD COLUMN annule_par text,
    ADD COLUMN annule_motif text,
    ADD CONSTRAINT lot_import_annulation_check CHECK (
        (annule_le IS NULL AND annule_par IS NULL AND annule_motif IS NULL)
        OR (annule_le IS NOT NULL AND annule_par IS NOT NULL AND annule_motif <> ''));

-- The lines of a cancelled batch are kept, shown as not credited for that reason.
ALTER TABLE attribution
    DROP CONSTRAINT attribution_motif_check,
    ADD CONSTRAINT attribution_motif_check
        CHECK (motif IN ('remplacee', 'non_eligible', 'hors_periode_marche', 'depassement_plafond',
                         'lot_annule'));
