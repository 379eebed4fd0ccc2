-- Every function of the clause schema runs with a fixed search_path (issue #12): a body
-- is parsed when it runs, in the caller's path, so a role able to create objects in a
-- schema of that path (public on PostgreSQL 14 and before) could plant a better match,
-- e.g. public.to_char(date, text), and have it run with the rights of whoever reports.
-- Pinned here, last of the view files, so that it covers the functions of the
-- migrations and of every view file, including ones added later.
SET search_path = clause, pg_temp;

DO $$
DECLARE
    f record;
BEGIN
    FOR f IN SELECT p.oid::regprocedure AS signature
             FROM pg_proc p
             WHERE p.pronamespace = 'clause'::regnamespace AND p.prokind IN ('f', 'p')
               AND NOT coalesce(p.proconfig @> ARRAY['search_path=clause, pg_temp'], false)
    LOOP
        EXECUTE format('ALTER ROUTINE %s SET search_path = clause, pg_temp', f.signature);
    END LOOP;
END $$;
