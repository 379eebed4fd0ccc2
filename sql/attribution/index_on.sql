-- After the whole attribution, by the owner of attribution: the primary key dropped by
-- sql/attribution/index_off.sql, in one pass, and the statistics of the new rows.
-- They come before the sums by fiche and marché (recalcule_heures_mois), which join these
-- rows to the lines: after the TRUNCATE the planner would expect a few hundred rows and
-- look each line up by its key, 2 s a million lines instead of 0.15 s.
-- Inputs: none. Run by src/workflow/attribute.c and src/workflow/attribute_parallel.c.
SET LOCAL search_path = clause, pg_temp;
ALTER TABLE attribution ADD CONSTRAINT attribution_pkey PRIMARY KEY (ligne_id, participant_id);
ANALYZE attribution;
