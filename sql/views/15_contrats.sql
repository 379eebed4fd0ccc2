-- Employment contracts as employers sent them (kind contrats, DOMAIN.md "Contracts"):
-- what reports count of each, and the hours and contracts the facilitateur should look at.
-- Try: SELECT * FROM clause.v_contrat_compte; SELECT * FROM clause.v_heures_hors_contrat;
SET search_path = clause, pg_temp;

DROP VIEW IF EXISTS v_contrat_compte CASCADE;
DROP VIEW IF EXISTS v_heures_hors_contrat CASCADE;

-- Each known contract with its end (the real one, else the planned one; NULL = open),
-- its length band from start to that end and how it ended. A contract is a sortie vers
-- l'emploi durable when it ended by a hire on a CDI, or by a hire on a CDD that is known
-- (a contract of the participant, type cdd, starting within a month of the end) and
-- lasts 6 months or more.
CREATE VIEW v_contrat_compte AS
SELECT c.id, c.participant_id, c.employeur_siret, c.marche_id, c.type_contrat, c.date_debut,
       c.date_fin, c.motif_fin, f.fin,
       CASE WHEN f.fin IS NULL THEN 'inconnue'
            WHEN f.fin + 1 < c.date_debut + interval '1 month' THEN 'moins_1_mois'
            WHEN f.fin + 1 < c.date_debut + interval '6 months' THEN 'de_1_a_6_mois'
            ELSE '6_mois_plus' END AS duree,
       CASE WHEN c.date_fin IS NULL THEN 'en_cours'
            ELSE coalesce(c.motif_fin, 'non_renseigne') END AS fin_motif,
       c.date_fin IS NOT NULL
       AND (c.motif_fin = 'embauche_cdi'
            OR (c.motif_fin = 'embauche_cdd'
                AND EXISTS (SELECT 1 FROM contrat n
                            WHERE n.participant_id = c.participant_id AND n.type_contrat = 'cdd'
                              AND n.date_debut > c.date_fin
                              AND n.date_debut <= c.date_fin + interval '1 month'
                              AND coalesce(n.date_fin, n.date_fin_prevue) + 1
                                  >= n.date_debut + interval '6 months'))) AS emploi_durable
FROM contrat c
CROSS JOIN LATERAL (SELECT coalesce(c.date_fin, c.date_fin_prevue) AS fin) f;

-- Credited lines of a participant and employer who have known contracts, in a month that
-- none of those contracts covers: credited by the rules all the same (rule 3), shown to
-- the facilitateur as « heures hors contrat connu ».
CREATE VIEW v_heures_hors_contrat AS
SELECT l.id AS ligne_id, l.lot_id, l.ligne, l.participant_id, l.employeur_siret, l.marche_id,
       l.mois, l.heures + l.heures_formation AS heures_total, a.plie
FROM ligne_heures l
JOIN attribution a ON a.ligne_id = l.id AND a.motif IS NULL
WHERE EXISTS (SELECT 1 FROM contrat c
              WHERE c.participant_id = l.participant_id AND c.employeur_siret = l.employeur_siret)
  AND NOT EXISTS (SELECT 1 FROM contrat c
                  WHERE c.participant_id = l.participant_id AND c.employeur_siret = l.employeur_siret
                    AND c.date_debut < (l.mois + interval '1 month')::date
                    AND coalesce(c.date_fin, c.date_fin_prevue, 'infinity') >= l.mois);
