-- The settings of a part of the whole attribution (sql/attribution/tranche.sql), in the
-- part's transaction before it: a statement with parameters is sent alone.
-- Inputs: none.
SET LOCAL search_path = clause, pg_temp;
-- as in sql/attribution/tout.sql: sorts in memory, no JIT, no incremental sort
SET LOCAL work_mem = '256MB';
SET LOCAL jit = off;
SET LOCAL enable_incremental_sort = off;
-- The sums by marché and month group about a hundred thousand (marché, month) pairs per part:
-- the planner, blind to a CTE's contents, sorts them; hashed they cost 0.5 s less per part at
-- a million lines (the view's own window sorts stay: they have no other plan).
SET LOCAL enable_sort = off;

