-- 0110: a facilitateur reads what a batch lowered on its PLIE's marchés. clause serve cancels
-- a batch for a facilitateur (as the owner, in the facilitateur's name) and then shows, read
-- as the facilitateur's own role, the rows of clause.baisse that the cancellation wrote, like
-- `clause lot annuler` prints them: row-level security keeps them to the marchés it sees (the
-- same rule as its lines of hours), so another PLIE's hours lowered by the same batch stay out.
-- The owner of the table is not subject to it. Donneurs d'ordre have no right on it.
SET search_path = clause, pg_temp;

ALTER TABLE baisse ENABLE ROW LEVEL SECURITY;

CREATE POLICY baisse_lecture ON baisse FOR SELECT
    USING (acces_plie() IS NOT NULL AND EXISTS (SELECT 1 FROM marche m WHERE m.id = baisse.marche_id));

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'clause_facilitateurs') THEN
        GRANT SELECT ON baisse TO clause_facilitateurs;
    END IF;
END $$;
