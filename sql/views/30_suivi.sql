-- The facilitateur's monthly sheet (clause report suivi): what to chase this month in a
-- PLIE. Try: SELECT * FROM clause.suivi_echeances('bordeaux', '2021-10-01');
SET search_path = clause, pg_temp;

DROP VIEW IF EXISTS v_marche_plie CASCADE;
DROP FUNCTION IF EXISTS suivi_echeances(text, date) CASCADE;
DROP FUNCTION IF EXISTS suivi_silencieux(text, date) CASCADE;
DROP FUNCTION IF EXISTS suivi_non_eligibles(text, date) CASCADE;
DROP FUNCTION IF EXISTS suivi_non_comptabilisees(text, date) CASCADE;

-- The PLIE that follows each marché in a year: the PLIE of the fiche code its opération
-- names, else the PLIE whose territory holds the opération's commune that year (a
-- territory holds until a later year replaces it: v_territoire).
CREATE VIEW v_marche_plie AS
SELECT m.id AS marche_id, y.annee, coalesce(cp.plie, t.plie) AS plie
FROM marche m
JOIN operation o ON o.id = m.operation_id
CROSS JOIN LATERAL generate_series(extract(year FROM m.date_debut)::integer,
                                   extract(year FROM m.date_fin)::integer) AS y(annee)
LEFT JOIN v_fiche_code_plie cp ON cp.code = o.fiche
LEFT JOIN v_territoire t ON t.code_insee = o.commune_insee AND y.annee BETWEEN t.annee_debut AND t.annee_fin
WHERE coalesce(cp.plie, t.plie) IS NOT NULL;

-- Marchés ending between the first day of p_mois and the end of the third month after
-- it, with hours still due (heures prévues − credited hours to the end of p_mois),
-- most urgent first; jours_restants counts from the first day of p_mois.
CREATE FUNCTION suivi_echeances(p_plie text, p_mois date)
RETURNS TABLE (marche_id text, intitule text, operation text, attributaire text, date_fin date,
               jours_restants integer, heures_prevues numeric, heures_realisees numeric,
               heures_dues numeric)
LANGUAGE sql STABLE AS $$
SELECT m.id, m.intitule, o.nom, e.raison_sociale, m.date_fin,
       m.date_fin - p_mois,
       m.heures_prevues, coalesce(h.total, 0), m.heures_prevues - coalesce(h.total, 0)
FROM clause.marche m
JOIN clause.operation o ON o.id = m.operation_id
JOIN clause.entreprise e ON e.siret = m.attributaire_siret
JOIN clause.v_marche_plie mp ON mp.marche_id = m.id AND mp.annee = extract(year FROM p_mois)::integer
LEFT JOIN LATERAL (SELECT sum(l.heures + l.heures_formation) AS total
                   FROM clause.ligne_heures l JOIN clause.attribution a ON a.ligne_id = l.id
                   WHERE l.marche_id = m.id AND a.motif IS NULL AND l.mois <= p_mois) h ON true
WHERE mp.plie = p_plie
  AND m.date_fin >= p_mois
  AND m.date_fin < (p_mois + interval '4 months')::date
  AND m.heures_prevues - coalesce(h.total, 0) > 0
ORDER BY m.date_fin, m.heures_prevues - coalesce(h.total, 0) DESC, m.id
$$;

-- Marchés active through p_mois and the month before, with no timesheet line at all
-- for either month: the facilitateur should ask the attributaire.
CREATE FUNCTION suivi_silencieux(p_plie text, p_mois date)
RETURNS TABLE (marche_id text, intitule text, operation text, attributaire text,
               date_debut date, date_fin date, dernier_mois date)
LANGUAGE sql STABLE AS $$
SELECT m.id, m.intitule, o.nom, e.raison_sociale, m.date_debut, m.date_fin,
       (SELECT max(l.mois) FROM clause.ligne_heures l WHERE l.marche_id = m.id AND l.mois <= p_mois)
FROM clause.marche m
JOIN clause.operation o ON o.id = m.operation_id
JOIN clause.entreprise e ON e.siret = m.attributaire_siret
JOIN clause.v_marche_plie mp ON mp.marche_id = m.id AND mp.annee = extract(year FROM p_mois)::integer
WHERE mp.plie = p_plie
  AND m.date_debut <= (p_mois - interval '1 month')::date
  AND m.date_fin >= (p_mois + interval '1 month')::date - 1
  AND NOT EXISTS (SELECT 1 FROM clause.ligne_heures l
                  WHERE l.marche_id = m.id AND l.mois BETWEEN (p_mois - interval '1 month')::date AND p_mois)
ORDER BY 7 NULLS FIRST, m.id
$$;

-- Participants with hours held back as non_eligible (no validated eligibility) in the
-- PLIE, up to p_mois: the facilitateur records their eligibility. Pseudonymous id only.
CREATE FUNCTION suivi_non_eligibles(p_plie text, p_mois date)
RETURNS TABLE (participant_id text, premier_mois date, dernier_mois date, lignes bigint,
               heures numeric, date_eligibilite date, criteres integer)
LANGUAGE sql STABLE AS $$
SELECT l.participant_id, min(l.mois), max(l.mois), count(*), sum(l.heures_total),
       min(p.date_eligibilite), min(cardinality(p.criteres))
FROM clause.v_ligne l JOIN clause.participant p ON p.id = l.participant_id
WHERE l.plie = p_plie AND l.motif = 'non_eligible' AND l.mois <= p_mois
  AND l.mois >= date_trunc('year', p_mois)
  AND l.heures_total > 0   -- rule 4: 0 h holds no one back
GROUP BY l.participant_id
ORDER BY sum(l.heures_total) DESC, l.participant_id
$$;

-- Lines not credited in the PLIE, by reason: in the month, and from January to the month
-- (the lines of cancelled batches in a row of their own when the year has some).
CREATE FUNCTION suivi_non_comptabilisees(p_plie text, p_mois date)
RETURNS TABLE (motif text, lignes_mois bigint, heures_mois numeric, lignes_annee bigint,
               heures_annee numeric)
LANGUAGE sql STABLE AS $$
SELECT m.motif,
       count(l.ligne_id) FILTER (WHERE l.mois = p_mois),
       coalesce(sum(l.heures_total) FILTER (WHERE l.mois = p_mois), 0),
       count(l.ligne_id),
       coalesce(sum(l.heures_total), 0)
FROM (VALUES (1, 'non_eligible'), (2, 'hors_periode_marche'), (3, 'depassement_plafond'),
             (4, 'remplacee'), (5, 'lot_annule')) AS m(rang, motif)
LEFT JOIN clause.v_ligne l ON l.motif = m.motif AND l.plie = p_plie
                          AND l.mois >= date_trunc('year', p_mois) AND l.mois <= p_mois
GROUP BY m.rang, m.motif
HAVING m.rang < 5 OR count(l.ligne_id) > 0   -- cancelled batches: only when there are some
ORDER BY m.rang
$$;
