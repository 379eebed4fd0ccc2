-- Re-estimates the marchés whose heures prévues are an estimate (heures_prevues_estimation,
-- sql/views/07_estimation.sql), after a change of one of its settings (clause config set);
-- returns how many changed. Runs inside the caller's transaction.
-- (It was the function estimer_heures_prevues() of sql/views/07_estimation.sql.)
WITH changed AS (
    UPDATE clause.marche
       SET heures_prevues = clause.heures_prevues_estimation(montant_ht)
     WHERE heures_prevues_estimees
       AND heures_prevues IS DISTINCT FROM clause.heures_prevues_estimation(montant_ht)
    RETURNING 1)
SELECT count(*) FROM changed;
