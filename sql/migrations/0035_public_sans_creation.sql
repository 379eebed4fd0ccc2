-- 0035: no one but its owner creates objects in the schema public (issue #12). Sessions
-- and functions of clause no longer search it, and a writable public (the default up to
-- PostgreSQL 14) is how a reader's role would plant objects others run. Done only when
-- the user migrating owns public (or is a member of its owner): otherwise nothing
-- changes, and migrating does not fail.
SET search_path = clause, pg_temp;

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_namespace
               WHERE nspname = 'public' AND pg_has_role(current_user, nspowner, 'USAGE')) THEN
        REVOKE CREATE ON SCHEMA public FROM PUBLIC;
    ELSE
        RAISE NOTICE 'schéma public laissé tel quel : l''utilisateur n''en est pas propriétaire';
    END IF;
EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'schéma public laissé tel quel : %', SQLERRM;
END $$;
