-- The estimate of a marché's heures prévues from its amount, when the buyer gave only an
-- amount: montant HT × part_main_oeuvre × taux_insertion ÷ cout_horaire_charge (settings;
-- 1,000,000 € × 50 % × 5 % ÷ 30 €/h ≈ 833 h). Used by sql/merge/marches.sql, and after a
-- change of one of these settings by sql/merge/heures_prevues_estimees.sql.
SET search_path = clause, pg_temp;

DROP FUNCTION IF EXISTS heures_prevues_estimation(numeric) CASCADE;
-- estimer_heures_prevues() wrote data: it is sql/merge/heures_prevues_estimees.sql now
DROP FUNCTION IF EXISTS estimer_heures_prevues() CASCADE;

CREATE FUNCTION heures_prevues_estimation(p_montant numeric) RETURNS numeric
LANGUAGE sql STABLE AS $$
SELECT round(p_montant
             * (SELECT valeur FROM clause.parametre WHERE cle = 'part_main_oeuvre')
             * (SELECT valeur FROM clause.parametre WHERE cle = 'taux_insertion')
             / (SELECT valeur FROM clause.parametre WHERE cle = 'cout_horaire_charge'), 2)
$$;
