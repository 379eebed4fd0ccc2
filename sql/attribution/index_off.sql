-- Before the whole attribution (sql/attribution/tout.sql), by the owner of attribution only:
-- empty the table at once and drop its primary key, built again in one pass after the
-- insert (sql/attribution/index_on.sql) rather than maintained row by row. Another
-- user runs sql/attribution/tout.sql alone: its DELETE empties the table, the key stays.
-- The sums by fiche and by marché, all written again after it, are emptied with it:
-- deleted, their hundred thousand rows would stay beside the new ones, each insert
-- checking its key against a dead row (recalcule_heures_mois(NULL) 2.2-3.7 s at a million
-- lines, 1.6-2.2 s after a TRUNCATE, which also spares their WAL).
-- Inputs: none. Run by src/workflow/attribute.c and src/workflow/attribute_parallel.c.
SET LOCAL search_path = clause, pg_temp;
TRUNCATE attribution, fiche_heures_mois, marche_heures_mois;
ALTER TABLE attribution DROP CONSTRAINT attribution_pkey;
