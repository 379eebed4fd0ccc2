-- The attestation a facilitateur gives a company at the end of its marché (clause report
-- attestation): hours due and done over the marché's period, by employer and modalité,
-- people and contracts counted with masking, and the batches the figures come from.
-- p_siret NULL: the whole marché (for its attributaire); else one employer's hours.
-- A person or a contract counts through lines with credited hours above zero. Contracts
-- are those sent (the contrats kind) tied to the marché or covering its credited hours,
-- plus, for a participant and employer who sent none, one per contract type of their
-- lines (inferred, as the tableau d'impact does).
-- Try: SELECT * FROM clause.attestation_total('MA1', NULL);
SET search_path = clause, pg_temp;

DROP FUNCTION IF EXISTS attestation_total(text, text) CASCADE;
DROP FUNCTION IF EXISTS attestation_employeurs(text, text) CASCADE;
DROP FUNCTION IF EXISTS attestation_modalites(text, text) CASCADE;
DROP FUNCTION IF EXISTS attestation_sources(text, text) CASCADE;
DROP FUNCTION IF EXISTS attestation_contrats(text, text) CASCADE;

-- The contracts of the marché (and employer): one row each, sent or inferred.
CREATE FUNCTION attestation_contrats(p_marche text, p_siret text)
RETURNS TABLE (employeur_siret text, participant_id text, type_contrat text, envoye boolean)
LANGUAGE sql STABLE AS $$
WITH l AS (SELECT * FROM clause.v_impact_ligne
           WHERE marche_id = p_marche AND (p_siret IS NULL OR employeur_siret = p_siret)
             AND heures_total > 0)
SELECT c.employeur_siret, c.participant_id, c.type_contrat, true
FROM clause.contrat c
WHERE (p_siret IS NULL OR c.employeur_siret = p_siret)
  AND (c.marche_id = p_marche
       OR EXISTS (SELECT 1 FROM l WHERE l.participant_id = c.participant_id
                    AND l.employeur_siret = c.employeur_siret
                    AND l.mois >= date_trunc('month', c.date_debut)
                    AND l.mois <= coalesce(c.date_fin, c.date_fin_prevue, 'infinity')))
UNION ALL
SELECT DISTINCT l.employeur_siret, l.participant_id, l.type_contrat, false
FROM l WHERE NOT l.contrat_connu
$$;

-- One row: the marché, its period and PLIE, hours due and done, people and contracts
-- (NULL when masked: from 1 to seuil_masquage - 1).
CREATE FUNCTION attestation_total(p_marche text, p_siret text)
RETURNS TABLE (marche_id text, lot text, intitule text, operation text, donneur text,
               attributaire_siret text, attributaire text, forme text, date_debut date, date_fin date,
               plie text, plie_nom text, heures_prevues numeric, heures_realisees numeric,
               heures_travaillees numeric, heures_formation numeric, participants bigint,
               contrats bigint, seuil integer)
LANGUAGE sql STABLE AS $$
WITH prm AS (SELECT round(valeur)::integer AS seuil FROM clause.parametre WHERE cle = 'seuil_masquage'),
l AS (SELECT * FROM clause.v_impact_ligne
      WHERE marche_id = p_marche AND (p_siret IS NULL OR employeur_siret = p_siret)),
h AS (SELECT coalesce(sum(heures_total), 0) AS total, coalesce(sum(heures), 0) AS travaillees,
             coalesce(sum(heures_formation), 0) AS formation,
             count(DISTINCT participant_id) FILTER (WHERE heures_total > 0) AS participants,
             (SELECT count(*) FROM clause.attestation_contrats(p_marche, p_siret)) AS contrats
      FROM l),
mp AS (SELECT mp.plie FROM clause.v_marche_plie mp WHERE mp.marche_id = p_marche
       ORDER BY mp.annee DESC LIMIT 1)
SELECT m.id, m.lot, m.intitule, o.nom, d.nom, m.attributaire_siret, e.raison_sociale, m.forme,
       m.date_debut, m.date_fin, mp.plie, pl.nom, m.heures_prevues, h.total, h.travaillees, h.formation,
       CASE WHEN h.participants > 0 AND h.participants < prm.seuil THEN NULL ELSE h.participants END,
       CASE WHEN h.contrats > 0 AND h.contrats < prm.seuil THEN NULL ELSE h.contrats END,
       prm.seuil
FROM clause.marche m
JOIN clause.operation o ON o.id = m.operation_id
JOIN clause.donneur d ON d.id = o.donneur_id
LEFT JOIN clause.entreprise e ON e.siret = m.attributaire_siret
LEFT JOIN mp ON true
LEFT JOIN clause.plie pl ON pl.code = mp.plie
CROSS JOIN h CROSS JOIN prm
WHERE m.id = p_marche
$$;

-- By employer: hours, people and contracts (masked as above).
CREATE FUNCTION attestation_employeurs(p_marche text, p_siret text)
RETURNS TABLE (siret text, raison_sociale text, heures_travaillees numeric, heures_formation numeric,
               heures numeric, participants bigint, contrats bigint)
LANGUAGE sql STABLE AS $$
WITH prm AS (SELECT valeur AS seuil FROM clause.parametre WHERE cle = 'seuil_masquage'),
g AS (SELECT employeur_siret, sum(heures) AS travaillees, sum(heures_formation) AS formation,
             sum(heures_total) AS total,
             count(DISTINCT participant_id) FILTER (WHERE heures_total > 0) AS participants,
             (SELECT count(*) FROM clause.attestation_contrats(p_marche, l.employeur_siret)) AS contrats
      FROM clause.v_impact_ligne l
      WHERE marche_id = p_marche AND (p_siret IS NULL OR employeur_siret = p_siret)
      GROUP BY employeur_siret)
SELECT g.employeur_siret, e.raison_sociale, g.travaillees, g.formation, g.total,
       CASE WHEN g.participants > 0 AND g.participants < prm.seuil THEN NULL ELSE g.participants END,
       CASE WHEN g.contrats > 0 AND g.contrats < prm.seuil THEN NULL ELSE g.contrats END
FROM g CROSS JOIN prm
LEFT JOIN clause.entreprise e ON e.siret = g.employeur_siret
ORDER BY g.total DESC, g.employeur_siret
$$;

-- By modalité, every modalité shown (0 when none).
CREATE FUNCTION attestation_modalites(p_marche text, p_siret text)
RETURNS TABLE (modalite text, libelle text, heures numeric)
LANGUAGE sql STABLE AS $$
SELECT mo.code, mo.libelle, coalesce(sum(l.heures_total), 0)
FROM (VALUES (1, 'embauche_directe', 'Embauche directe'), (2, 'mise_a_disposition', 'Mise à disposition'),
             (3, 'sous_traitance', 'Sous-traitance / co-traitance'), (4, 'formation', 'Formation'))
     AS mo(rang, code, libelle)
LEFT JOIN clause.v_impact_ligne l ON l.modalite = mo.code AND l.marche_id = p_marche
                                 AND (p_siret IS NULL OR l.employeur_siret = p_siret)
GROUP BY mo.rang, mo.code, mo.libelle
ORDER BY mo.rang
$$;

-- The batches behind the figures: timesheets with a line counted, and the referential
-- files of the marché, its opération, donneur and the entreprises shown.
CREATE FUNCTION attestation_sources(p_marche text, p_siret text)
RETURNS TABLE (lot_id bigint, nature text, fichier text, importe_le text, sha256 text)
LANGUAGE sql STABLE AS $$
WITH lots AS (
    SELECT l.lot_id FROM clause.ligne_heures l
    WHERE l.marche_id = p_marche AND (p_siret IS NULL OR l.employeur_siret = p_siret)
    UNION SELECT m.lot_id FROM clause.marche m WHERE m.id = p_marche
    UNION SELECT o.lot_id FROM clause.marche m JOIN clause.operation o ON o.id = m.operation_id
          WHERE m.id = p_marche
    UNION SELECT d.lot_id FROM clause.marche m JOIN clause.operation o ON o.id = m.operation_id
          JOIN clause.donneur d ON d.id = o.donneur_id WHERE m.id = p_marche
    UNION SELECT e.lot_id FROM clause.entreprise e
          WHERE e.siret = coalesce(p_siret, (SELECT attributaire_siret FROM clause.marche WHERE id = p_marche))
             OR e.siret IN (SELECT l.employeur_siret FROM clause.ligne_heures l
                            WHERE l.marche_id = p_marche AND (p_siret IS NULL OR l.employeur_siret = p_siret)))
SELECT b.id, b.nature, b.fichier, to_char(b.importe_le, 'YYYY-MM-DD HH24:MI'), b.sha256::text
FROM clause.lot_import b
WHERE b.id IN (SELECT lot_id FROM lots)
ORDER BY b.id
$$;
