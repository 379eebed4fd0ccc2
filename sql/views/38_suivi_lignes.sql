-- The suivi's lines not credited in the month, each with its participant by name (the
-- facilitateur calls them; never in a donneur's report) and its reason in plain words.
-- Try: SELECT * FROM clause.suivi_lignes_non_comptabilisees('bordeaux', '2021-11-01');
SET search_path = clause, pg_temp;

DROP FUNCTION IF EXISTS suivi_lignes_non_comptabilisees(text, date) CASCADE;

-- Replaced lines are left out: a correction is not something to chase.
CREATE FUNCTION suivi_lignes_non_comptabilisees(p_plie text, p_mois date)
RETURNS TABLE (participant text, marche_id text, employeur text, heures numeric, motif text,
               fichier text, ligne integer)
LANGUAGE sql STABLE AS $$
WITH lignes AS (
    SELECT l.*,
           -- a ceiling counts every line held back with it, in any PLIE
           CASE WHEN l.motif = 'depassement_plafond'
                THEN (SELECT sum(x.heures + x.heures_formation) FROM clause.ligne_heures x
                      JOIN clause.attribution a ON a.ligne_id = x.id
                      WHERE x.participant_id = l.participant_id AND x.mois = l.mois
                        AND a.motif = 'depassement_plafond') END AS heures_mois
    FROM clause.v_ligne l
    WHERE l.plie = p_plie AND l.mois = p_mois
      AND l.motif IN ('non_eligible', 'hors_periode_marche', 'depassement_plafond'))
SELECT p.nom || ' ' || p.prenom || ' (' || p.id || ')', l.marche_id,
       coalesce(e.raison_sociale, l.employeur_siret), l.heures_total,
       clause.motif_texte(l.motif, l.mois, p.date_eligibilite, m.date_debut, m.date_fin, l.heures_mois,
                          (SELECT valeur FROM clause.parametre WHERE cle = 'plafond_mensuel_heures')),
       l.fichier, l.ligne
FROM lignes l
JOIN clause.participant p ON p.id = l.participant_id
JOIN clause.marche m ON m.id = l.marche_id
LEFT JOIN clause.entreprise e ON e.siret = l.employeur_siret
ORDER BY array_position(ARRAY['non_eligible', 'hors_periode_marche', 'depassement_plafond'], l.motif),
         p.nom, p.prenom, p.id, l.marche_id
$$;
