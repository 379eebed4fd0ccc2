-- 0080: the PLIE directors' group, for clause serve's fiche dashboard and observatoire.
-- A director reads what the facilitateurs of its PLIE read (the same row-level security,
-- through acces_role.plie), so the group is a member of clause_facilitateurs; clause serve
-- opens it the dashboard and the observatoire, not the monthly box.
-- Created only when the migrating user may create roles, like the groups of 0005.
SET search_path = clause, public;

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'clause_facilitateurs') THEN
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'clause_directeurs') THEN
            CREATE ROLE clause_directeurs NOLOGIN;
        END IF;
        GRANT clause_facilitateurs TO clause_directeurs;
    END IF;
EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'groupe des directeurs non installé : l''utilisateur n''a pas le droit CREATEROLE';
END $$;
