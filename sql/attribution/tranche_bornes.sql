-- Where the parts of a whole attribution on several connections (src/workflow/attribute_parallel.c)
-- split the participants: the $1 − 1 participant ids that cut the lines into $1 runs of
-- about as many lines, in order (part i takes the ids from bound i − 1 included to bound i
-- excluded; the first has no lower bound, the last no upper one). Read from the
-- histogram ANALYZE keeps of ligne_heures.participant_id, which weighs each participant by
-- its lines; before any ANALYZE, from the participants themselves. A bound met twice
-- leaves a part empty: still right, only less even.
-- Inputs: $1, the number of parts (integer, 2 or more). Returns: one row per bound.
WITH histogramme AS (
    SELECT s.histogram_bounds::text::text[] AS bornes
    FROM pg_stats s
    WHERE s.schemaname = 'clause' AND s.tablename = 'ligne_heures'
      AND s.attname = 'participant_id' AND s.inherited
    LIMIT 1)
SELECT CASE WHEN cardinality(h.bornes) > $1::integer
            THEN h.bornes[1 + i * (cardinality(h.bornes) - 1) / $1::integer]
            ELSE (SELECT percentile_disc(i::float8 / $1::integer) WITHIN GROUP (ORDER BY p.id)
                  FROM clause.participant p) END
FROM generate_series(1, $1::integer - 1) AS i
LEFT JOIN histogramme h ON true
ORDER BY i;
