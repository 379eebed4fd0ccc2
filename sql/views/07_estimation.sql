-- The estimate of a marché's heures prévues from its amount, when the buyer gave only an
-- amount: montant HT × part_main_oeuvre × taux_insertion ÷ cout_horaire_charge (settings;
-- 1,000,000 € × 50 % × 5 % ÷ 30 €/h ≈ 833 h). Used by sql/merge/marches.sql, and after a
-- change of one of these settings to re-estimate the marchés marked as estimated.
SET search_path = clause, pg_temp;

DROP FUNCTION IF EXISTS heures_prevues_estimation(numeric) CASCADE;
DROP FUNCTION IF EXISTS estimer_heures_prevues() CASCADE;

CREATE FUNCTION heures_prevues_estimation(p_montant numeric) RETURNS numeric
LANGUAGE sql STABLE AS $$
SELECT round(p_montant
             * (SELECT valeur FROM clause.parametre WHERE cle = 'part_main_oeuvre')
             * (SELECT valeur FROM clause.parametre WHERE cle = 'taux_insertion')
             / (SELECT valeur FROM clause.parametre WHERE cle = 'cout_horaire_charge'), 2)
$$;

-- Re-estimates the marchés whose heures prévues are an estimate; returns how many changed.
CREATE FUNCTION estimer_heures_prevues() RETURNS bigint
LANGUAGE sql AS $$
WITH changed AS (
    UPDATE clause.marche
       SET heures_prevues = clause.heures_prevues_estimation(montant_ht)
     WHERE heures_prevues_estimees
       AND heures_prevues IS DISTINCT FROM clause.heures_prevues_estimation(montant_ht)
    RETURNING 1)
SELECT count(*) FROM changed
$$;
