-- The tableau d'impact of a donneur d'ordre (clause report impact): every figure, one row
-- per group and indicator, already masked. Try: SELECT * FROM clause.impact('BM') WHERE niveau = 'total';
SET search_path = clause, pg_temp;

DROP VIEW IF EXISTS v_impact_ligne CASCADE;
DROP FUNCTION IF EXISTS impact(text, text, date, date) CASCADE;
DROP FUNCTION IF EXISTS impact_calcul(text, text, date, date) CASCADE;
DROP FUNCTION IF EXISTS impact_sources(text, text, date, date) CASCADE;

-- Credited lines with what the tableau d'impact groups and counts them by: opération,
-- marché, entreprise attributaire, and the participant's profile (never their name).
-- contrat_connu: the participant and employer have contracts sent (kind contrats), which
-- are counted instead of contracts inferred from these lines.
-- Rule 4: a person or a contract counts only through hours above zero, so a line
-- corrected to 0 h (which adds no hour anyway) is left out.
CREATE VIEW v_impact_ligne AS
SELECT o.donneur_id, o.id AS operation_id, m.id AS marche_id, m.attributaire_siret,
       l.participant_id, l.employeur_siret, l.mois, l.heures, l.heures_formation,
       l.heures + l.heures_formation AS heures_total, l.type_contrat,
       CASE WHEN l.modalite = 'co_traitance' THEN 'sous_traitance' ELSE l.modalite END AS modalite,
       p.sexe, p.qpv, p.criteres, p.date_naissance,
       EXISTS (SELECT 1 FROM contrat c WHERE c.participant_id = l.participant_id
                                         AND c.employeur_siret = l.employeur_siret) AS contrat_connu
FROM ligne_heures l
JOIN attribution a ON a.ligne_id = l.id AND a.motif IS NULL
JOIN marche m ON m.id = l.marche_id
JOIN operation o ON o.id = m.operation_id
JOIN participant p ON p.id = l.participant_id
WHERE l.heures + l.heures_formation > 0;

-- The tableau d'impact of p_donneur, optionally one opération and the months p_debut to
-- p_fin (first days of months; NULL = no bound). Groups (niveau): total, operation,
-- marche, entreprise (attributaire). A marché is in scope when its execution period
-- overlaps the months asked. Hours are the credited hours of the months asked; a
-- participant's age band is their age at their first credited hour in the group.
-- With months asked, heures prévues are pro rata of each marché's days in those months
-- (hours done in a window weigh against the hours due in that window, not the whole).
-- Counts of people (personnes) from 1 to seuil_masquage - 1 come back as valeur NULL
-- and masque true; 0 is shown (no one to re-identify). Reports read impact() (file
-- 25_impact_masque.sql), which adds the masking that keeps these cells masked.
-- Contracts: those sent (kind contrats) that overlap the months asked, on a marché of the
-- group or with credited hours on one in their months; plus, for a participant and
-- employer with none sent, those inferred as today (distinct participant, employer, type
-- over the credited lines). When contracts were sent for the donneur, every group also
-- gets how many were inferred, the sorties vers l'emploi durable and the sent contracts
-- by length and by how they ended.
CREATE FUNCTION impact_calcul(p_donneur text, p_operation text DEFAULT NULL,
                       p_debut date DEFAULT NULL, p_fin date DEFAULT NULL)
RETURNS TABLE (niveau text, niveau_rang integer, groupe_id text, groupe_libelle text,
               groupe_detail text, rubrique text, rang integer, cle text, libelle text,
               unite text, valeur numeric, personnes boolean, masque boolean)
LANGUAGE sql STABLE AS $$
WITH prm AS (
    SELECT (SELECT valeur FROM clause.parametre WHERE cle = 'seuil_masquage') AS seuil,
           (SELECT valeur FROM clause.parametre WHERE cle = 'heures_par_etp') AS heures_par_etp),
marches AS (
    SELECT m.id, m.lot, m.intitule, m.attributaire_siret, e.raison_sociale,
           CASE WHEN p_debut IS NULL AND p_fin IS NULL THEN m.heures_prevues
                ELSE round(m.heures_prevues
                           * greatest(0, least(m.date_fin, coalesce((p_fin + interval '1 month - 1 day')::date, m.date_fin))
                                         - greatest(m.date_debut, coalesce(p_debut, m.date_debut)) + 1)
                           / (m.date_fin - m.date_debut + 1), 2) END AS heures_prevues,
           o.id AS operation_id, o.nom AS operation_nom, d.nom AS donneur_nom
    FROM clause.marche m
    JOIN clause.operation o ON o.id = m.operation_id
    JOIN clause.donneur d ON d.id = o.donneur_id
    JOIN clause.entreprise e ON e.siret = m.attributaire_siret
    WHERE o.donneur_id = p_donneur
      AND (p_operation IS NULL OR o.id = p_operation)
      AND (p_fin IS NULL OR m.date_debut <= (p_fin + interval '1 month - 1 day')::date)
      AND (p_debut IS NULL OR m.date_fin >= p_debut)),
membre AS (          -- each marché belongs to one group of each level
    SELECT m.id AS marche_id, g.*
    FROM marches m
    CROSS JOIN LATERAL (VALUES
        ('total', 1, p_donneur, m.donneur_nom, NULL::text),
        ('operation', 2, m.operation_id, m.operation_nom, NULL),
        ('marche', 3, m.id, m.intitule || coalesce(' (lot ' || m.lot || ')', ''),
         m.operation_nom || ' — ' || m.raison_sociale),
        ('entreprise', 4, m.attributaire_siret, m.raison_sociale, 'SIRET ' || m.attributaire_siret))
        AS g(niveau, niveau_rang, groupe_id, groupe_libelle, groupe_detail)),
groupe AS (
    SELECT DISTINCT niveau, niveau_rang, groupe_id, groupe_libelle, groupe_detail FROM membre),
prevu AS (
    SELECT g.niveau, g.groupe_id, sum(m.heures_prevues) AS heures_prevues
    FROM membre g JOIN marches m ON m.id = g.marche_id
    GROUP BY g.niveau, g.groupe_id),
toutes AS (          -- credited lines of the groups, every month (for the first hour)
    SELECT g.niveau, g.groupe_id, l.*,
           (p_debut IS NULL OR l.mois >= p_debut) AND (p_fin IS NULL OR l.mois <= p_fin) AS dans_periode
    FROM membre g JOIN clause.v_impact_ligne l ON l.marche_id = g.marche_id),
lignes AS (
    SELECT * FROM toutes WHERE dans_periode),
personne AS (        -- participants of each group in the period, profile at first hour
    SELECT t.niveau, t.groupe_id, t.participant_id,
           min(t.sexe) AS sexe, bool_or(t.qpv) AS qpv, min(t.criteres) AS criteres,
           date_part('year', age(min(t.mois), min(t.date_naissance))) AS age,
           bool_or(t.dans_periode) AS dans_periode
    FROM toutes t
    GROUP BY t.niveau, t.groupe_id, t.participant_id),
heures AS (
    SELECT niveau, groupe_id, sum(heures) AS travaillees, sum(heures_formation) AS formation,
           sum(heures_total) AS total,
           count(DISTINCT (participant_id, employeur_siret, type_contrat))
               FILTER (WHERE NOT contrat_connu) AS contrats_deduits
    FROM lignes GROUP BY niveau, groupe_id),
connus AS (          -- contracts sent overlapping the months asked, in each group of their
                     -- marché and of the marchés where they have credited hours
    SELECT k.niveau, k.groupe_id, c.*
    FROM (SELECT g.niveau, g.groupe_id, c.id
          FROM membre g JOIN clause.contrat c ON c.marche_id = g.marche_id
          UNION
          SELECT l.niveau, l.groupe_id, c.id
          FROM lignes l
          JOIN clause.contrat c ON c.participant_id = l.participant_id AND c.employeur_siret = l.employeur_siret
                               AND l.mois >= date_trunc('month', c.date_debut)
                               AND l.mois <= coalesce(c.date_fin, c.date_fin_prevue, 'infinity')
          WHERE l.contrat_connu) k
    JOIN clause.v_contrat_compte c ON c.id = k.id
    WHERE (p_fin IS NULL OR c.date_debut <= (p_fin + interval '1 month - 1 day')::date)
      AND (p_debut IS NULL OR coalesce(c.fin, 'infinity') >= p_debut)),
contrats_connus AS (
    SELECT niveau, groupe_id, count(*) AS contrats, count(*) FILTER (WHERE emploi_durable) AS durables
    FROM connus GROUP BY niveau, groupe_id),
connus_par_type AS (
    SELECT niveau, groupe_id, type_contrat AS code, count(*) AS contrats
    FROM connus GROUP BY niveau, groupe_id, type_contrat),
connus_par_categorie AS (
    SELECT niveau, groupe_id, 'duree_' || duree AS cle, count(*) AS contrats
    FROM connus GROUP BY niveau, groupe_id, duree
    UNION ALL
    SELECT niveau, groupe_id, 'fin_' || fin_motif, count(*)
    FROM connus GROUP BY niveau, groupe_id, fin_motif),
profil AS (
    SELECT niveau, groupe_id, count(*) AS participants,
           count(*) FILTER (WHERE sexe = 'F') AS femmes,
           count(*) FILTER (WHERE sexe = 'M') AS hommes,
           count(*) FILTER (WHERE age < 26) AS moins_26,
           count(*) FILTER (WHERE age >= 26 AND age < 50) AS de_26_a_49,
           count(*) FILTER (WHERE age >= 50) AS plus_50,
           count(*) FILTER (WHERE qpv) AS qpv
    FROM personne WHERE dans_periode GROUP BY niveau, groupe_id),
-- the breakdowns below are grouped once, then joined to every group and category: a
-- subquery per group and category read all the lines each time (9 s for the biggest
-- donneur of a national year)
par_critere AS (
    SELECT niveau, groupe_id, code, count(*) AS personnes
    FROM (SELECT DISTINCT p.niveau, p.groupe_id, p.participant_id, c.code
          FROM personne p CROSS JOIN unnest(p.criteres) AS c(code)
          WHERE p.dans_periode) x
    GROUP BY niveau, groupe_id, code),
par_contrat AS (
    SELECT niveau, groupe_id, type_contrat AS code,
           count(DISTINCT (participant_id, employeur_siret)) FILTER (WHERE NOT contrat_connu) AS contrats,
           sum(heures_total) AS heures
    FROM lignes GROUP BY niveau, groupe_id, type_contrat),
par_modalite AS (
    SELECT niveau, groupe_id, modalite AS code, sum(heures_total) AS heures
    FROM lignes GROUP BY niveau, groupe_id, modalite),
critere(code, rang, libelle) AS (VALUES
    ('deld', 1, 'Demandeurs d''emploi de longue durée'),
    ('rsa', 2, 'Bénéficiaires du RSA'),
    ('ass', 3, 'Bénéficiaires de l''ASS'),
    ('aah', 4, 'Bénéficiaires de l''AAH ou d''une pension d''invalidité'),
    ('rqth', 5, 'Travailleurs handicapés (RQTH)'),
    ('jeune', 6, 'Jeunes de moins de 26 ans peu qualifiés'),
    ('senior', 7, 'Seniors de 50 ans et plus'),
    ('iae', 8, 'Salariés en parcours IAE'),
    ('plie', 9, 'Participants du PLIE'),
    ('qpv', 10, 'Résidents QPV (critère d''éligibilité)'),
    ('autre', 11, 'Autre, sur avis motivé')),
type_contrat(code, rang, libelle) AS (VALUES
    ('cdi', 1, 'CDI'), ('cdd', 2, 'CDD'), ('cddi', 3, 'CDDI (SIAE)'),
    ('ctt', 4, 'Contrat de travail temporaire'), ('apprentissage', 5, 'Apprentissage'),
    ('professionnalisation', 6, 'Contrat de professionnalisation'), ('autre', 7, 'Autre contrat')),
categorie_contrat(rubrique, rang, cle, libelle) AS (VALUES
    ('contrats_duree', 1, 'duree_moins_1_mois', 'Moins d''un mois'),
    ('contrats_duree', 2, 'duree_de_1_a_6_mois', 'De 1 à 6 mois'),
    ('contrats_duree', 3, 'duree_6_mois_plus', '6 mois et plus'),
    ('contrats_duree', 4, 'duree_inconnue', 'Durée inconnue (ni fin ni fin prévue)'),
    ('contrats_fin', 1, 'fin_terme', 'Arrivés à terme'),
    ('contrats_fin', 2, 'fin_embauche_cdi', 'Embauche en CDI'),
    ('contrats_fin', 3, 'fin_embauche_cdd', 'Embauche en CDD'),
    ('contrats_fin', 4, 'fin_formation', 'Entrée en formation'),
    ('contrats_fin', 5, 'fin_demission', 'Démission'),
    ('contrats_fin', 6, 'fin_licenciement', 'Licenciement'),
    ('contrats_fin', 7, 'fin_rupture_periode_essai', 'Rupture de la période d''essai'),
    ('contrats_fin', 8, 'fin_autre', 'Autre fin'),
    ('contrats_fin', 9, 'fin_non_renseigne', 'Fin sans motif renseigné'),
    ('contrats_fin', 10, 'fin_en_cours', 'En cours (pas de fin réelle connue)')),
modalite(code, rang, libelle) AS (VALUES
    ('embauche_directe', 1, 'Embauche directe'), ('mise_a_disposition', 2, 'Mise à disposition'),
    ('sous_traitance', 3, 'Sous-traitance / co-traitance'), ('formation', 4, 'Formation')),
valeur AS (
    -- hours, rate, ETP, people and contracts
    SELECT g.niveau, g.groupe_id, v.*
    FROM groupe g
    LEFT JOIN prevu pv ON pv.niveau = g.niveau AND pv.groupe_id = g.groupe_id
    LEFT JOIN heures h ON h.niveau = g.niveau AND h.groupe_id = g.groupe_id
    LEFT JOIN profil p ON p.niveau = g.niveau AND p.groupe_id = g.groupe_id
    LEFT JOIN contrats_connus cc ON cc.niveau = g.niveau AND cc.groupe_id = g.groupe_id
    CROSS JOIN prm
    CROSS JOIN LATERAL (VALUES
        ('heures', 1, 'heures_prevues',
         CASE WHEN p_debut IS NULL AND p_fin IS NULL THEN 'Heures prévues'
              ELSE 'Heures prévues sur la période (prorata des jours)' END, 'heures', pv.heures_prevues, false),
        ('heures', 2, 'heures_realisees', 'Heures réalisées', 'heures', coalesce(h.total, 0), false),
        ('heures', 3, 'heures_travaillees', 'dont heures travaillées', 'heures', coalesce(h.travaillees, 0), false),
        ('heures', 4, 'heures_formation', 'dont heures de formation', 'heures', coalesce(h.formation, 0), false),
        ('heures', 5, 'taux_realisation', 'Taux de réalisation', 'ratio',
         round(coalesce(h.total, 0) / nullif(pv.heures_prevues, 0), 4), false),
        ('heures', 6, 'etp', 'Équivalents temps plein (ETP)', 'etp',
         round(coalesce(h.total, 0) / prm.heures_par_etp, 2), false),
        ('personnes', 1, 'participants', 'Participants', 'personnes', coalesce(p.participants, 0), true),
        ('personnes', 2, 'contrats', 'Contrats', 'contrats',
         coalesce(cc.contrats, 0) + coalesce(h.contrats_deduits, 0), true),
        ('profil', 1, 'femmes', 'Femmes', 'personnes', coalesce(p.femmes, 0), true),
        ('profil', 2, 'hommes', 'Hommes', 'personnes', coalesce(p.hommes, 0), true),
        ('profil', 3, 'age_moins_26', 'Moins de 26 ans', 'personnes', coalesce(p.moins_26, 0), true),
        ('profil', 4, 'age_26_49', 'De 26 à 49 ans', 'personnes', coalesce(p.de_26_a_49, 0), true),
        ('profil', 5, 'age_50_plus', '50 ans et plus', 'personnes', coalesce(p.plus_50, 0), true),
        ('profil', 6, 'qpv', 'Résidents d''un QPV', 'personnes', coalesce(p.qpv, 0), true))
        AS v(rubrique, rang, cle, libelle, unite, valeur, personnes)
    UNION ALL
    -- only when contracts were sent for the donneur (every group alike, for the sheets'
    -- columns): without any, every contract is inferred, as before
    SELECT g.niveau, g.groupe_id, 'personnes', x.rang, x.cle, x.libelle, 'contrats', x.valeur, true
    FROM groupe g
    LEFT JOIN contrats_connus cc ON cc.niveau = g.niveau AND cc.groupe_id = g.groupe_id
    LEFT JOIN heures h ON h.niveau = g.niveau AND h.groupe_id = g.groupe_id
    CROSS JOIN LATERAL (VALUES
        (3, 'contrats_deduits', 'dont contrats déduits des heures (aucun contrat reçu)',
         coalesce(h.contrats_deduits, 0)),
        (4, 'sorties_emploi_durable', 'Sorties vers l''emploi durable (CDI, CDD ≥ 6 mois)',
         coalesce(cc.durables, 0))) AS x(rang, cle, libelle, valeur)
    WHERE EXISTS (SELECT 1 FROM contrats_connus WHERE niveau = 'total')
    UNION ALL
    SELECT g.niveau, g.groupe_id, k.rubrique, k.rang, k.cle, k.libelle, 'contrats',
           coalesce(pk.contrats, 0), true
    FROM groupe g CROSS JOIN categorie_contrat k
    LEFT JOIN connus_par_categorie pk ON pk.niveau = g.niveau AND pk.groupe_id = g.groupe_id
                                     AND pk.cle = k.cle
    WHERE EXISTS (SELECT 1 FROM contrats_connus WHERE niveau = 'total')
    UNION ALL
    SELECT g.niveau, g.groupe_id, 'criteres', c.rang, 'critere_' || c.code, c.libelle, 'personnes',
           coalesce(pc.personnes, 0), true
    FROM groupe g CROSS JOIN critere c
    LEFT JOIN par_critere pc ON pc.niveau = g.niveau AND pc.groupe_id = g.groupe_id AND pc.code = c.code
    UNION ALL
    SELECT g.niveau, g.groupe_id, 'contrats', 2 * t.rang - 1, 'contrats_' || t.code, t.libelle, 'contrats',
           coalesce(pt.contrats, 0) + coalesce(ct.contrats, 0), true
    FROM groupe g CROSS JOIN type_contrat t
    LEFT JOIN par_contrat pt ON pt.niveau = g.niveau AND pt.groupe_id = g.groupe_id AND pt.code = t.code
    LEFT JOIN connus_par_type ct ON ct.niveau = g.niveau AND ct.groupe_id = g.groupe_id AND ct.code = t.code
    UNION ALL
    SELECT g.niveau, g.groupe_id, 'contrats', 2 * t.rang, 'heures_' || t.code, t.libelle, 'heures',
           coalesce(pt.heures, 0), false
    FROM groupe g CROSS JOIN type_contrat t
    LEFT JOIN par_contrat pt ON pt.niveau = g.niveau AND pt.groupe_id = g.groupe_id AND pt.code = t.code
    UNION ALL
    SELECT g.niveau, g.groupe_id, 'modalites', mo.rang, 'modalite_' || mo.code, mo.libelle, 'heures',
           coalesce(pm.heures, 0), false
    FROM groupe g CROSS JOIN modalite mo
    LEFT JOIN par_modalite pm ON pm.niveau = g.niveau AND pm.groupe_id = g.groupe_id AND pm.code = mo.code
    UNION ALL
    SELECT l.niveau, l.groupe_id, 'mois', (extract(year FROM l.mois) * 100 + extract(month FROM l.mois))::integer,
           'mois_' || to_char(l.mois, 'YYYY-MM'), to_char(l.mois, 'YYYY-MM'), 'heures', sum(l.heures_total), false
    FROM lignes l GROUP BY l.niveau, l.groupe_id, l.mois)
SELECT g.niveau, g.niveau_rang, g.groupe_id, g.groupe_libelle, g.groupe_detail,
       v.rubrique, v.rang, v.cle, v.libelle, v.unite,
       CASE WHEN v.personnes AND v.valeur > 0 AND v.valeur < prm.seuil THEN NULL ELSE v.valeur END,
       v.personnes,
       v.personnes AND v.valeur > 0 AND v.valeur < prm.seuil
FROM groupe g
JOIN valeur v ON v.niveau = g.niveau AND v.groupe_id = g.groupe_id
CROSS JOIN prm
ORDER BY g.niveau_rang, g.groupe_id,
         array_position(ARRAY['heures', 'personnes', 'profil', 'criteres', 'contrats', 'contrats_duree',
                              'contrats_fin', 'modalites', 'mois'],
                        v.rubrique),
         v.rang
$$;

-- The batches the figures of a tableau d'impact come from: the timesheet files with a line
-- on a marché in scope in the months asked, and the referential files of the donneur,
-- its opérations, marchés, entreprises and the participants counted.
CREATE FUNCTION impact_sources(p_donneur text, p_operation text DEFAULT NULL,
                               p_debut date DEFAULT NULL, p_fin date DEFAULT NULL)
RETURNS TABLE (lot_id bigint, nature text, fichier text, importe_le timestamptz, sha256 text)
LANGUAGE sql STABLE AS $$
WITH marches AS (
    SELECT m.id, m.lot_id, m.attributaire_siret, o.lot_id AS operation_lot_id
    FROM clause.marche m JOIN clause.operation o ON o.id = m.operation_id
    WHERE o.donneur_id = p_donneur
      AND (p_operation IS NULL OR o.id = p_operation)
      AND (p_fin IS NULL OR m.date_debut <= (p_fin + interval '1 month - 1 day')::date)
      AND (p_debut IS NULL OR m.date_fin >= p_debut)),
lignes AS (
    SELECT l.lot_id, l.participant_id
    FROM clause.ligne_heures l
    WHERE l.marche_id IN (SELECT id FROM marches)
      AND (p_debut IS NULL OR l.mois >= p_debut) AND (p_fin IS NULL OR l.mois <= p_fin)),
lots AS (
    SELECT lot_id FROM lignes
    UNION SELECT lot_id FROM marches
    UNION SELECT operation_lot_id FROM marches
    UNION SELECT d.lot_id FROM clause.donneur d WHERE d.id = p_donneur
    UNION SELECT e.lot_id FROM clause.entreprise e WHERE e.siret IN (SELECT attributaire_siret FROM marches)
    UNION SELECT p.lot_id FROM clause.participant p WHERE p.id IN (SELECT participant_id FROM lignes)
    UNION SELECT c.lot_id FROM clause.contrat c WHERE c.marche_id IN (SELECT id FROM marches))
SELECT b.id, b.nature, b.fichier, b.importe_le, b.sha256::text
FROM clause.lot_import b
WHERE b.id IN (SELECT lot_id FROM lots)
ORDER BY b.id
$$;
