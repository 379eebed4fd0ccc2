-- Who has not sent yet (clause report attendus): for the marchés of a PLIE active in a
-- month, the employers that sent hours on the marché in earlier months but nothing yet
-- for that month, and the marchés started by then with no hours at all.
-- Try: SELECT * FROM clause.attendus('bordeaux', '2021-12-01');
SET search_path = clause, pg_temp;

DROP FUNCTION IF EXISTS attendus(text, date) CASCADE;

-- p_plie NULL: every PLIE (the compte-rendu of clause batch). cas: 'en_retard' (an
-- employer silent this month), 'sans_heures' (a marché with no line at all; the employer
-- shown is its attributaire). Any line received counts as sent, credited or not: the
-- question is whether the sender wrote, not whether the hours count.
CREATE FUNCTION attendus(p_plie text, p_mois date)
RETURNS TABLE (cas text, plie text, marche_id text, intitule text, operation text, siret text,
               entreprise text, dernier_mois date)
LANGUAGE sql STABLE AS $$
WITH actifs AS (
    SELECT DISTINCT m.id, m.intitule, m.attributaire_siret, o.nom AS operation, mp.plie
    FROM clause.marche m
    JOIN clause.operation o ON o.id = m.operation_id
    JOIN clause.v_marche_plie mp ON mp.marche_id = m.id AND mp.annee = extract(year FROM p_mois)::integer
    WHERE (p_plie IS NULL OR mp.plie = p_plie)
      AND m.date_debut <= (p_mois + interval '1 month - 1 day')::date
      AND m.date_fin >= p_mois),
envois AS (
    SELECT l.marche_id, l.employeur_siret, max(l.mois) AS dernier_mois,
           bool_or(l.mois = p_mois) AS ce_mois
    FROM clause.ligne_heures l
    WHERE l.marche_id IN (SELECT id FROM actifs) AND l.mois <= p_mois
    GROUP BY l.marche_id, l.employeur_siret)
SELECT 'en_retard', a.plie, a.id, a.intitule, a.operation, e.employeur_siret, ent.raison_sociale,
       e.dernier_mois
FROM actifs a
JOIN envois e ON e.marche_id = a.id AND NOT e.ce_mois
LEFT JOIN clause.entreprise ent ON ent.siret = e.employeur_siret
UNION ALL
SELECT 'sans_heures', a.plie, a.id, a.intitule, a.operation, a.attributaire_siret, ent.raison_sociale,
       NULL::date
FROM actifs a
LEFT JOIN clause.entreprise ent ON ent.siret = a.attributaire_siret
WHERE NOT EXISTS (SELECT 1 FROM clause.ligne_heures l WHERE l.marche_id = a.id AND l.mois <= p_mois)
ORDER BY 1, 2, 3, 6
$$;
