-- 0009: the lines of given months, found without reading the others. A month's lines
-- arrive together, batch after batch, so a block-range index on mois narrows a month to
-- its own blocks; it costs next to nothing during a COPY. Used by the attribution of
-- batches whose months no earlier batch covers (sql/attribution_mois_nouveaux.sql).
SET search_path = clause, public;

CREATE INDEX ligne_heures_mois_brin ON ligne_heures USING brin (mois) WITH (pages_per_range = 16);
