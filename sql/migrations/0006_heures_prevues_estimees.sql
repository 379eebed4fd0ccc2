-- 0006: heures prévues estimated from the amount when the buyer gives only an amount
-- (DOMAIN.md, "How many hours a marché must give"):
--   heures = montant HT × part de main-d'œuvre × taux d'insertion ÷ coût horaire chargé
-- The three figures are settings; an estimate is marked, so that reports can say so and a
-- change of setting re-estimates it (clause.estimer_heures_prevues, sql/views/07_estimation.sql).
SET search_path = clause, public;

ALTER TABLE marche ADD COLUMN heures_prevues_estimees boolean NOT NULL DEFAULT false;

INSERT INTO parametre (cle, valeur, description) VALUES
  ('part_main_oeuvre', 0.5,  'part de main-d''œuvre du montant HT, pour estimer les heures prévues d''un marché'),
  ('taux_insertion',   0.05, 'part des heures de main-d''œuvre réservée à l''insertion, pour estimer les heures prévues');
