-- The facilitateur's monthly sheet, contracts part (clause report suivi): hours outside
-- every known contract, and contracts with no hours. Try:
-- SELECT * FROM clause.suivi_hors_contrat('bordeaux', '2021-10-01');
SET search_path = clause, pg_temp;

DROP FUNCTION IF EXISTS suivi_hors_contrat(text, date) CASCADE;
DROP FUNCTION IF EXISTS suivi_contrats_sans_heures(text, date) CASCADE;

-- « Heures hors contrat connu »: credited lines of the PLIE from January to p_mois whose
-- participant and employer have contracts sent, none of which covers the month; with the
-- file and line they came from. Pseudonymous participant id only.
CREATE FUNCTION suivi_hors_contrat(p_plie text, p_mois date)
RETURNS TABLE (participant_id text, employeur text, marche_id text, mois date, heures numeric,
               fichier text, ligne integer)
LANGUAGE sql STABLE AS $$
SELECT h.participant_id, e.raison_sociale, h.marche_id, h.mois, h.heures_total, b.fichier, h.ligne
FROM clause.v_heures_hors_contrat h
JOIN clause.entreprise e ON e.siret = h.employeur_siret
JOIN clause.lot_import b ON b.id = h.lot_id
WHERE h.plie = p_plie AND h.mois >= date_trunc('year', p_mois) AND h.mois <= p_mois
ORDER BY h.mois, h.participant_id, h.marche_id
$$;

-- « Contrat sans heures »: contracts on a marché the PLIE follows, started by the end of
-- p_mois and not ended before January, with no credited hour above zero of their
-- participant and employer in their months up to p_mois.
CREATE FUNCTION suivi_contrats_sans_heures(p_plie text, p_mois date)
RETURNS TABLE (participant_id text, employeur text, marche_id text, type_contrat text,
               date_debut date, fin date, fichier text, ligne integer)
LANGUAGE sql STABLE AS $$
SELECT c.participant_id, e.raison_sociale, c.marche_id, c.type_contrat, c.date_debut,
       coalesce(c.date_fin, c.date_fin_prevue), b.fichier, c.ligne
FROM clause.contrat c
JOIN clause.entreprise e ON e.siret = c.employeur_siret
JOIN clause.lot_import b ON b.id = c.lot_id
JOIN clause.v_marche_plie mp ON mp.marche_id = c.marche_id AND mp.annee = extract(year FROM p_mois)::integer
WHERE mp.plie = p_plie
  AND c.date_debut < (p_mois + interval '1 month')::date
  AND coalesce(c.date_fin, c.date_fin_prevue, 'infinity') >= date_trunc('year', p_mois)
  AND NOT EXISTS (SELECT 1 FROM clause.ligne_heures l
                  JOIN clause.attribution a ON a.ligne_id = l.id AND a.motif IS NULL
                  WHERE l.participant_id = c.participant_id AND l.employeur_siret = c.employeur_siret
                    AND l.heures + l.heures_formation > 0
                    AND l.mois >= date_trunc('month', c.date_debut) AND l.mois <= p_mois
                    AND l.mois <= coalesce(c.date_fin, c.date_fin_prevue, 'infinity'))
ORDER BY c.date_debut, c.participant_id, c.employeur_siret
$$;
