-- 0210: a monthly participants file sends every participant again and changes a few of
-- them (one in fifty in the bench's monthly box); so does a marchés file (one in a
-- hundred). Each row went to the server, into the stage, through the repeated-ids check,
-- the ANALYZE and the comparison with the stored row: 0.36 s of the monthly inbox's
-- 1.76 s for 60,000 participants (issue 17). The row as a file last gave it now leaves its
-- digest beside it (importers/row_digest.c: SHA-256 of the merge script, of the columns
-- the file has and of the row's checked values); the importer reads the stored digests
-- first and does not send a row whose digest is the stored one: the merge would have
-- found it equal and left it alone. It counts as unchanged.
SET search_path = clause, public;

-- NULL: no digest known; the next file sends the row and its merge decides.
ALTER TABLE participant ADD COLUMN empreinte bytea;
ALTER TABLE marche ADD COLUMN empreinte bytea;

-- A digest vouches for the stored row only while the merge that wrote it is the last
-- writer. Any other write (a re-estimate of heures prévues, a future migration, an edit
-- by hand) that leaves the digest as it was drops it instead: the next file sends the
-- row again, rather than skipping a row that would now change something.
CREATE FUNCTION empreinte_perimee() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.empreinte := NULL;
    RETURN NEW;
END $$;

CREATE TRIGGER participant_empreinte BEFORE UPDATE ON participant FOR EACH ROW
    WHEN (OLD.empreinte IS NOT NULL AND NEW.empreinte IS NOT DISTINCT FROM OLD.empreinte)
    EXECUTE FUNCTION empreinte_perimee();
CREATE TRIGGER marche_empreinte BEFORE UPDATE ON marche FOR EACH ROW
    WHEN (OLD.empreinte IS NOT NULL AND NEW.empreinte IS NOT DISTINCT FROM OLD.empreinte)
    EXECUTE FUNCTION empreinte_perimee();
