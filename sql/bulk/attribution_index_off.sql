-- Before the whole attribution (sql/attribution.sql), by the owner of attribution only:
-- empty the table at once and drop its primary key, built again in one pass after the
-- insert (sql/bulk/attribution_index_on.sql) rather than maintained row by row. Another
-- user runs sql/attribution.sql alone: its DELETE empties the table, the key stays.
-- Inputs: none. Run by src/attribute.c and src/attribute_parallel.c.
SET LOCAL search_path = clause, pg_temp;
TRUNCATE attribution;
ALTER TABLE attribution DROP CONSTRAINT attribution_pkey;
