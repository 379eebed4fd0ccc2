-- Before the whole attribution (sql/attribution/tout.sql), by the owner of attribution only:
-- empty the table at once and drop its primary key, built again in one pass after the
-- insert (sql/attribution/index_on.sql) rather than maintained row by row. Another
-- user runs sql/attribution/tout.sql alone: its DELETE empties the table, the key stays.
-- Inputs: none. Run by src/workflow/attribute.c and src/workflow/attribute_parallel.c.
SET LOCAL search_path = clause, pg_temp;
TRUNCATE attribution;
ALTER TABLE attribution DROP CONSTRAINT attribution_pkey;
