-- After the whole attribution, by the owner of attribution: the primary key dropped by
-- sql/bulk/attribution_index_off.sql, in one pass, and the statistics of the new rows.
SET LOCAL search_path = clause, public;
ALTER TABLE attribution ADD CONSTRAINT attribution_pkey PRIMARY KEY (ligne_id);
ANALYZE attribution;
