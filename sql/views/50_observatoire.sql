-- The yearly figures of the national observatory of social clauses (Alliance Villes Emploi
-- survey), for every PLIE or one (clause report observatoire): observatoire_calcul() and
-- observatoire_repartition_calcul() work them out, counts from 1 to seuil_masquage - 1
-- masked; observatoire() and observatoire_repartition(), which reports read, add the
-- masking that keeps them masked across the two (issue #12), as the tableau d'impact does:
-- 1. a scope whose participants are masked shows no breakdown at all: its contracts,
--    and the hours and participants of every category, are secret, zeros included;
-- 2. secondary suppression (masquage_secondaire(), 22_masquage.sql): no hidden cell can
--    be worked out through these sums: women + men, the three age bands, the criteria,
--    the contract types, the modalités and the sectors add up to participants (a person
--    with two criteria, types, modalités or sectors counts in each: such a sum is taken
--    as exact until the participants shown prove it is not); their hours add up to the
--    hours; contracts sent by length, and by end, plus those inferred add up to
--    contrats. The smallest other shown cell is hidden too, round after round, and
--    participants, hours and contrats are never hidden for their own breakdowns (masked
--    cells lose their bound instead).
-- A secret cell comes back NULL with masque and secret true (a category's hours: heures
-- and part_heures NULL, heures_secret true); reports show it "secret".
-- Try: SELECT * FROM clause.observatoire(2021);
--      SELECT * FROM clause.observatoire_repartition(2021, 'bordeaux') WHERE dimension = 'age';
SET search_path = clause, pg_temp;

DROP VIEW IF EXISTS v_observatoire_ligne CASCADE;
DROP FUNCTION IF EXISTS observatoire(integer, text) CASCADE;
DROP FUNCTION IF EXISTS observatoire_repartition(integer, text) CASCADE;
DROP FUNCTION IF EXISTS observatoire_calcul(integer, text) CASCADE;
DROP FUNCTION IF EXISTS observatoire_repartition_calcul(integer, text) CASCADE;
DROP FUNCTION IF EXISTS observatoire_cellules(integer, text) CASCADE;

-- Credited lines with their year, PLIE (rule 5: fiche named by the opération, else
-- territory), donneur, sector and the participant's profile (never their name).
-- Rule 4: lines of 0 h (no hour to add) are left out, so they count no one.
CREATE VIEW v_observatoire_ligne AS
SELECT extract(year FROM l.mois)::integer AS annee, l.mois, a.plie, o.donneur_id,
       o.id AS operation_id, o.secteur, l.marche_id, l.participant_id, l.employeur_siret,
       l.heures, l.heures_formation, l.heures + l.heures_formation AS heures_total,
       l.type_contrat,
       CASE WHEN l.modalite = 'co_traitance' THEN 'sous_traitance' ELSE l.modalite END AS modalite,
       p.sexe, p.criteres, p.date_naissance,
       EXISTS (SELECT 1 FROM contrat c WHERE c.participant_id = l.participant_id
                                         AND c.employeur_siret = l.employeur_siret) AS contrat_connu
FROM ligne_heures l
JOIN attribution a ON a.ligne_id = l.id AND a.motif IS NULL
JOIN marche m ON m.id = l.marche_id
JOIN operation o ON o.id = m.operation_id
JOIN participant p ON p.id = l.participant_id
WHERE l.heures + l.heures_formation > 0;

-- The key figures of year p_annee, for the PLIE p_plie or all (NULL):
--   heures: credited hours (worked + training) of the months of the year;
--   etp: heures ÷ heures_par_etp;
--   participants: distinct people; contrats: the contracts sent (kind contrats) that
--     overlap the year, on a marché of the scope or with credited hours in it, plus for a
--     participant and employer with none sent distinct participant × employer × type;
--     when any was sent, also how many were inferred, the sorties vers l'emploi durable
--     and the contracts sent by length and by end (rangs 10 to 25);
--   donneurs: donneurs d'ordre with credited hours in the year;
--   marches: marchés whose execution period overlaps the year (with p_plie: those the
--     PLIE follows that year, v_marche_plie);
--   facilitateurs: ETP of facilitators declared on the clause fiches whose period overlaps the year
--     (clause fiche etp), valeur NULL when none is declared ("non déclaré").
-- Counts of people (personnes) from 1 to seuil_masquage - 1 come back as valeur NULL and
-- masque true; observatoire() below adds the secondary suppression.
CREATE FUNCTION observatoire_calcul(p_annee integer, p_plie text DEFAULT NULL)
RETURNS TABLE (rang integer, cle text, libelle text, unite text, valeur numeric,
               personnes boolean, masque boolean)
LANGUAGE sql STABLE AS $$
WITH prm AS (
    SELECT (SELECT valeur FROM clause.parametre WHERE cle = 'seuil_masquage') AS seuil,
           (SELECT valeur FROM clause.parametre WHERE cle = 'heures_par_etp') AS heures_par_etp),
lignes AS (
    SELECT * FROM clause.v_observatoire_ligne l
    WHERE l.mois >= make_date(p_annee, 1, 1) AND l.mois < make_date(p_annee + 1, 1, 1)
      AND (p_plie IS NULL OR l.plie = p_plie)),
h AS (
    SELECT coalesce(sum(heures_total), 0) AS total, coalesce(sum(heures), 0) AS travaillees,
           coalesce(sum(heures_formation), 0) AS formation,
           count(DISTINCT participant_id) AS participants,
           count(DISTINCT (participant_id, employeur_siret, type_contrat))
               FILTER (WHERE NOT contrat_connu) AS contrats_deduits,
           count(DISTINCT donneur_id) AS donneurs
    FROM lignes),
connus AS (
    SELECT c.*
    FROM clause.v_contrat_compte c
    WHERE c.date_debut <= make_date(p_annee, 12, 31)
      AND coalesce(c.fin, 'infinity') >= make_date(p_annee, 1, 1)
      AND (p_plie IS NULL
           OR EXISTS (SELECT 1 FROM clause.v_marche_plie mp
                      WHERE mp.marche_id = c.marche_id AND mp.annee = p_annee AND mp.plie = p_plie)
           OR EXISTS (SELECT 1 FROM lignes l
                      WHERE l.participant_id = c.participant_id AND l.employeur_siret = c.employeur_siret
                        AND l.mois >= date_trunc('month', c.date_debut)
                        AND l.mois <= coalesce(c.fin, 'infinity')))),
cn AS (
    SELECT count(*) AS contrats, count(*) FILTER (WHERE emploi_durable) AS durables FROM connus),
categorie_contrat(rang, cle, libelle) AS (VALUES
    (12, 'duree_moins_1_mois', 'Contrats reçus de moins d''un mois'),
    (13, 'duree_de_1_a_6_mois', 'Contrats reçus de 1 à 6 mois'),
    (14, 'duree_6_mois_plus', 'Contrats reçus de 6 mois et plus'),
    (15, 'duree_inconnue', 'Contrats reçus de durée inconnue (sans fin)'),
    (16, 'fin_terme', 'Contrats arrivés à terme'),
    (17, 'fin_embauche_cdi', 'Contrats finis par une embauche en CDI'),
    (18, 'fin_embauche_cdd', 'Contrats finis par une embauche en CDD'),
    (19, 'fin_formation', 'Contrats finis par une entrée en formation'),
    (20, 'fin_demission', 'Contrats finis par une démission'),
    (21, 'fin_licenciement', 'Contrats finis par un licenciement'),
    (22, 'fin_rupture_periode_essai', 'Contrats finis par une rupture de la période d''essai'),
    (23, 'fin_autre', 'Contrats finis pour une autre raison'),
    (24, 'fin_non_renseigne', 'Contrats finis sans motif renseigné'),
    (25, 'fin_en_cours', 'Contrats en cours (pas de fin réelle connue)')),
par_categorie AS (
    SELECT 'duree_' || duree AS cle, count(*) AS contrats FROM connus GROUP BY duree
    UNION ALL
    SELECT 'fin_' || fin_motif, count(*) FROM connus GROUP BY fin_motif),
mc AS (
    SELECT count(*) AS marches
    FROM clause.marche m
    WHERE m.date_debut <= make_date(p_annee, 12, 31) AND m.date_fin >= make_date(p_annee, 1, 1)
      AND (p_plie IS NULL OR EXISTS (SELECT 1 FROM clause.v_marche_plie mp
                                     WHERE mp.marche_id = m.id AND mp.annee = p_annee
                                       AND mp.plie = p_plie))),
fac AS (
    SELECT sum(f.etp_declares) AS etp
    FROM clause.fiche f
    WHERE f.date_debut <= make_date(p_annee, 12, 31) AND f.date_fin >= make_date(p_annee, 1, 1)
      AND f.clause_insertion AND (p_plie IS NULL OR f.plie = p_plie)),
v AS (
    SELECT x.*
    FROM h CROSS JOIN mc CROSS JOIN fac CROSS JOIN prm CROSS JOIN cn
    CROSS JOIN LATERAL (VALUES
        (1, 'heures', 'Heures d''insertion réalisées', 'heures', h.total, false),
        (2, 'heures_travaillees', 'dont heures travaillées', 'heures', h.travaillees, false),
        (3, 'heures_formation', 'dont heures de formation', 'heures', h.formation, false),
        (4, 'etp', 'Équivalents temps plein (ETP)', 'etp', round(h.total / prm.heures_par_etp, 2), false),
        (5, 'participants', 'Participants', 'personnes', h.participants::numeric, true),
        (6, 'contrats', 'Contrats', 'contrats', (cn.contrats + h.contrats_deduits)::numeric, true),
        (7, 'donneurs', 'Donneurs d''ordre avec des heures dans l''année', 'donneurs', h.donneurs::numeric, false),
        (8, 'marches', 'Marchés clausés actifs dans l''année', 'marches', mc.marches::numeric, false),
        (9, 'facilitateurs', 'Facilitateurs (ETP déclarés)', 'etp', fac.etp, false))
        AS x(rang, cle, libelle, unite, valeur, personnes)
    UNION ALL
    -- only when contracts were sent in the scope: without any, every contract is inferred
    SELECT x.*
    FROM h CROSS JOIN cn
    CROSS JOIN LATERAL (VALUES
        (10, 'contrats_deduits', 'dont contrats déduits des heures (aucun contrat reçu)', 'contrats',
         h.contrats_deduits::numeric, true),
        (11, 'sorties_emploi_durable', 'Sorties vers l''emploi durable (CDI, CDD ≥ 6 mois)',
         'contrats', cn.durables::numeric, true)) AS x(rang, cle, libelle, unite, valeur, personnes)
    WHERE cn.contrats > 0
    UNION ALL
    SELECT k.rang, k.cle, k.libelle, 'contrats', coalesce(pk.contrats, 0)::numeric, true
    FROM cn CROSS JOIN categorie_contrat k
    LEFT JOIN par_categorie pk ON pk.cle = k.cle
    WHERE cn.contrats > 0)
SELECT v.rang, v.cle, v.libelle, v.unite,
       CASE WHEN v.personnes AND v.valeur > 0 AND v.valeur < prm.seuil THEN NULL ELSE v.valeur END,
       v.personnes,
       coalesce(v.personnes AND v.valeur > 0 AND v.valeur < prm.seuil, false)
FROM v CROSS JOIN prm
ORDER BY v.rang
$$;

-- The breakdowns of the same scope, in hours and in participants: by sex, age band (age
-- at the participant's first credited hour of the year), eligibility criterion (a person
-- with two criteria counts under both), contract type, modalité (co-traitance counted
-- with sous-traitance) and sector of the opération. Every category is listed, 0 included.
-- part_heures: share of the year's hours (ratio 0-1). participants from 1 to
-- seuil_masquage - 1 come back NULL with masque true; hours are not masked here
-- (observatoire_repartition() below adds the secondary suppression).
CREATE FUNCTION observatoire_repartition_calcul(p_annee integer, p_plie text DEFAULT NULL)
RETURNS TABLE (dimension text, dimension_rang integer, dimension_libelle text, rang integer,
               cle text, libelle text, heures numeric, part_heures numeric, participants numeric,
               masque boolean)
LANGUAGE sql STABLE AS $$
WITH prm AS (
    SELECT (SELECT valeur FROM clause.parametre WHERE cle = 'seuil_masquage') AS seuil),
lignes AS (
    SELECT * FROM clause.v_observatoire_ligne l
    WHERE l.mois >= make_date(p_annee, 1, 1) AND l.mois < make_date(p_annee + 1, 1, 1)
      AND (p_plie IS NULL OR l.plie = p_plie)),
total AS (
    SELECT sum(heures_total) AS heures FROM lignes),
personne AS (        -- one row per participant, profile at the first hour of the year
    SELECT participant_id, min(sexe) AS sexe, min(criteres) AS criteres,
           date_part('year', age(min(mois), min(date_naissance))) AS age,
           sum(heures_total) AS heures
    FROM lignes GROUP BY participant_id),
categorie(dimension, dimension_rang, dimension_libelle, rang, cle, libelle) AS (VALUES
    ('sexe', 1, 'Sexe', 1, 'femmes', 'Femmes'),
    ('sexe', 1, 'Sexe', 2, 'hommes', 'Hommes'),
    ('age', 2, 'Âge à la première heure de l''année', 1, 'moins_26', 'Moins de 26 ans'),
    ('age', 2, 'Âge à la première heure de l''année', 2, '26_49', 'De 26 à 49 ans'),
    ('age', 2, 'Âge à la première heure de l''année', 3, '50_plus', '50 ans et plus'),
    ('critere', 3, 'Critère d''éligibilité', 1, 'deld', 'Demandeurs d''emploi de longue durée'),
    ('critere', 3, 'Critère d''éligibilité', 2, 'rsa', 'Bénéficiaires du RSA'),
    ('critere', 3, 'Critère d''éligibilité', 3, 'ass', 'Bénéficiaires de l''ASS'),
    ('critere', 3, 'Critère d''éligibilité', 4, 'aah', 'Bénéficiaires de l''AAH ou d''une pension d''invalidité'),
    ('critere', 3, 'Critère d''éligibilité', 5, 'rqth', 'Travailleurs handicapés (RQTH)'),
    ('critere', 3, 'Critère d''éligibilité', 6, 'jeune', 'Jeunes de moins de 26 ans peu qualifiés'),
    ('critere', 3, 'Critère d''éligibilité', 7, 'senior', 'Seniors de 50 ans et plus'),
    ('critere', 3, 'Critère d''éligibilité', 8, 'iae', 'Salariés en parcours IAE'),
    ('critere', 3, 'Critère d''éligibilité', 9, 'plie', 'Participants du PLIE'),
    ('critere', 3, 'Critère d''éligibilité', 10, 'qpv', 'Résidents QPV'),
    ('critere', 3, 'Critère d''éligibilité', 11, 'autre', 'Autre, sur avis motivé'),
    ('contrat', 4, 'Type de contrat', 1, 'cdi', 'CDI'),
    ('contrat', 4, 'Type de contrat', 2, 'cdd', 'CDD'),
    ('contrat', 4, 'Type de contrat', 3, 'cddi', 'CDDI (SIAE)'),
    ('contrat', 4, 'Type de contrat', 4, 'ctt', 'Contrat de travail temporaire'),
    ('contrat', 4, 'Type de contrat', 5, 'apprentissage', 'Apprentissage'),
    ('contrat', 4, 'Type de contrat', 6, 'professionnalisation', 'Contrat de professionnalisation'),
    ('contrat', 4, 'Type de contrat', 7, 'autre', 'Autre contrat'),
    ('modalite', 5, 'Modalité', 1, 'embauche_directe', 'Embauche directe'),
    ('modalite', 5, 'Modalité', 2, 'mise_a_disposition', 'Mise à disposition'),
    ('modalite', 5, 'Modalité', 3, 'sous_traitance', 'Sous-traitance / co-traitance'),
    ('modalite', 5, 'Modalité', 4, 'formation', 'Formation'),
    ('secteur', 6, 'Secteur de l''opération', 1, 'btp', 'BTP'),
    ('secteur', 6, 'Secteur de l''opération', 2, 'proprete', 'Propreté'),
    ('secteur', 6, 'Secteur de l''opération', 3, 'espaces_verts', 'Espaces verts'),
    ('secteur', 6, 'Secteur de l''opération', 4, 'restauration', 'Restauration'),
    ('secteur', 6, 'Secteur de l''opération', 5, 'services', 'Services'),
    ('secteur', 6, 'Secteur de l''opération', 6, 'industrie', 'Industrie'),
    ('secteur', 6, 'Secteur de l''opération', 7, 'autre', 'Autre secteur')),
valeur AS (
    SELECT 'sexe' AS dimension, CASE sexe WHEN 'F' THEN 'femmes' ELSE 'hommes' END AS cle,
           sum(heures) AS heures, count(*) AS participants
    FROM personne GROUP BY 2
    UNION ALL
    SELECT 'age', CASE WHEN age < 26 THEN 'moins_26' WHEN age < 50 THEN '26_49' ELSE '50_plus' END,
           sum(heures), count(*)
    FROM personne GROUP BY 2
    UNION ALL
    SELECT 'critere', c.code, sum(p.heures), count(*)
    FROM personne p CROSS JOIN LATERAL unnest(p.criteres) AS c(code) GROUP BY c.code
    UNION ALL
    SELECT 'contrat', type_contrat, sum(heures_total), count(DISTINCT participant_id)
    FROM lignes GROUP BY type_contrat
    UNION ALL
    SELECT 'modalite', modalite, sum(heures_total), count(DISTINCT participant_id)
    FROM lignes GROUP BY modalite
    UNION ALL
    SELECT 'secteur', secteur, sum(heures_total), count(DISTINCT participant_id)
    FROM lignes GROUP BY secteur)
SELECT c.dimension, c.dimension_rang, c.dimension_libelle, c.rang, c.cle, c.libelle,
       coalesce(v.heures, 0),
       round(coalesce(v.heures, 0) / nullif(t.heures, 0), 4),
       CASE WHEN v.participants > 0 AND v.participants < prm.seuil THEN NULL
            ELSE coalesce(v.participants, 0) END,
       coalesce(v.participants > 0 AND v.participants < prm.seuil, false)
FROM categorie c
LEFT JOIN valeur v ON v.dimension = c.dimension AND v.cle = c.cle
CROSS JOIN total t
CROSS JOIN prm
ORDER BY c.dimension_rang, c.rang
$$;

-- Every cell of the two, masked together (see the top of this file): genre 'chiffre'
-- (the columns of observatoire()) or 'repartition' (those of observatoire_repartition()).
CREATE FUNCTION observatoire_cellules(p_annee integer, p_plie text DEFAULT NULL)
RETURNS TABLE (genre text, rang integer, cle text, libelle text, unite text, valeur numeric,
               personnes boolean, dimension text, dimension_rang integer, dimension_libelle text,
               heures numeric, part_heures numeric, participants numeric, masque boolean,
               secret boolean, heures_secret boolean)
LANGUAGE sql STABLE AS $$
WITH prm AS (
    SELECT valeur AS seuil FROM clause.parametre WHERE cle = 'seuil_masquage'),
chiffre AS (
    SELECT * FROM clause.observatoire_calcul(p_annee, p_plie)),
repartition AS (
    SELECT * FROM clause.observatoire_repartition_calcul(p_annee, p_plie)),
portee AS (          -- what a reader knows of the scope: the most its cells can be
    SELECT bool_or(c.cle = 'participants' AND c.masque) AS petit,
           max(CASE WHEN c.masque THEN prm.seuil - 1 ELSE c.valeur END)
               FILTER (WHERE c.cle = 'participants') AS participants,
           max(CASE WHEN c.masque THEN prm.seuil - 1 ELSE c.valeur END)
               FILTER (WHERE c.cle = 'contrats') AS contrats,
           max(c.valeur) FILTER (WHERE c.cle = 'heures') AS heures
    FROM chiffre c CROSS JOIN prm),
brut AS (            -- one cell per figure, per category's participants, per category's hours
    SELECT 'chiffre' AS sorte, NULL::text AS dimension, c.cle, c.valeur, c.masque,
           c.unite = 'contrats' AS breakdown, c.cle IN ('contrats_deduits', 'sorties_emploi_durable')
               OR c.rang >= 12 AS partie_contrat,
           CASE WHEN c.unite = 'contrats' AND c.cle <> 'contrats' THEN 'contrats' END AS borne
    FROM chiffre c
    UNION ALL
    SELECT 'participants', r.dimension, r.cle, r.participants, r.masque, true, false, 'participants'
    FROM repartition r
    UNION ALL
    SELECT 'heures', r.dimension, r.cle, r.heures, false, true, false, 'heures'
    FROM repartition r),
cellule AS (         -- etat: 0 shown, 1 masked (< seuil), 2 secret (rule 1)
    SELECT row_number() OVER (ORDER BY b.sorte, b.dimension, b.cle)::integer AS ordre, b.*,
           CASE WHEN pt.petit AND b.breakdown THEN 2 WHEN b.masque THEN 1 ELSE 0 END::smallint AS etat,
           CASE b.borne WHEN 'participants' THEN pt.participants WHEN 'heures' THEN pt.heures
                WHEN 'contrats' THEN CASE WHEN NOT pt.petit THEN pt.contrats END END AS plafond
    FROM brut b CROSS JOIN portee pt),
partie AS (          -- (sum, its total's cell, the cell)
    SELECT c.sorte || ':' || c.dimension AS somme,
           CASE c.sorte WHEN 'participants' THEN 'participants' ELSE 'heures' END AS cle_total,
           c.ordre, c.etat, c.valeur, c.sorte = 'chiffre' AND c.cle = 'contrats_deduits' AS deduits
    FROM cellule c WHERE c.sorte <> 'chiffre'
    UNION ALL
    SELECT s.somme, 'contrats', c.ordre, c.etat, c.valeur, c.cle = 'contrats_deduits'
    FROM cellule c
    CROSS JOIN LATERAL (VALUES
        (CASE WHEN c.cle LIKE 'duree\_%' OR c.cle = 'contrats_deduits' THEN 'duree' END),
        (CASE WHEN c.cle LIKE 'fin\_%' OR c.cle = 'contrats_deduits' THEN 'fin' END)) AS s(somme)
    WHERE c.sorte = 'chiffre' AND s.somme IS NOT NULL),
total AS (
    SELECT DISTINCT p.somme, t.ordre, t.etat, t.valeur
    FROM partie p
    JOIN cellule t ON t.sorte = 'chiffre' AND t.cle = p.cle_total),
membre AS (
    SELECT p.somme, p.ordre, 1::smallint AS signe, NOT p.deduits AS cachable
    FROM partie p
    UNION ALL
    SELECT t.somme, t.ordre, -1::smallint, false
    FROM total t),
relation AS (
    SELECT dense_rank() OVER (ORDER BY m.somme)::integer AS relation, m.ordre, m.signe, m.cachable
    FROM membre m),
etat AS (
    SELECT clause.masquage_secondaire(
               (SELECT array_agg(etat ORDER BY ordre) FROM cellule),
               array_agg(r.relation ORDER BY r.relation, r.ordre), array_agg(r.ordre ORDER BY r.relation, r.ordre),
               array_agg(r.signe ORDER BY r.relation, r.ordre), array_agg(c.valeur ORDER BY r.relation, r.ordre),
               array_agg(c.plafond ORDER BY r.relation, r.ordre), array_agg(r.cachable ORDER BY r.relation, r.ordre),
               array_agg(NULL::integer ORDER BY r.relation, r.ordre), (SELECT seuil FROM prm)) AS etat
    FROM relation r JOIN cellule c ON c.ordre = r.ordre),
final AS (
    SELECT c.sorte, c.dimension, c.cle, e.etat[c.ordre] AS etat FROM cellule c CROSS JOIN etat e)
SELECT 'chiffre', c.rang, c.cle, c.libelle, c.unite,
       CASE WHEN f.etat > 0 THEN NULL ELSE c.valeur END, c.personnes,
       NULL, NULL, NULL, NULL, NULL, NULL, f.etat > 0, f.etat = 2, false
FROM chiffre c JOIN final f ON f.sorte = 'chiffre' AND f.cle = c.cle
UNION ALL
SELECT 'repartition', r.rang, r.cle, r.libelle, NULL, NULL, NULL,
       r.dimension, r.dimension_rang, r.dimension_libelle,
       CASE WHEN h.etat > 0 THEN NULL ELSE r.heures END,
       CASE WHEN h.etat > 0 THEN NULL ELSE r.part_heures END,
       CASE WHEN p.etat > 0 THEN NULL ELSE r.participants END,
       p.etat > 0, p.etat = 2, h.etat > 0
FROM repartition r
JOIN final p ON p.sorte = 'participants' AND p.dimension = r.dimension AND p.cle = r.cle
JOIN final h ON h.sorte = 'heures' AND h.dimension = r.dimension AND h.cle = r.cle
$$;

-- The key figures as reports read them: observatoire_calcul() masked (see the top of
-- this file); secret: hidden so that no masked count can be worked out (any number).
CREATE FUNCTION observatoire(p_annee integer, p_plie text DEFAULT NULL)
RETURNS TABLE (rang integer, cle text, libelle text, unite text, valeur numeric,
               personnes boolean, masque boolean, secret boolean)
LANGUAGE sql STABLE AS $$
SELECT c.rang, c.cle, c.libelle, c.unite, c.valeur, c.personnes, c.masque, c.secret
FROM clause.observatoire_cellules(p_annee, p_plie) c
WHERE c.genre = 'chiffre'
ORDER BY c.rang
$$;

-- The breakdowns as reports read them: observatoire_repartition_calcul() masked;
-- secret: the participants are hidden (any number); heures_secret: the hours and their
-- share are hidden (heures and part_heures NULL).
CREATE FUNCTION observatoire_repartition(p_annee integer, p_plie text DEFAULT NULL)
RETURNS TABLE (dimension text, dimension_rang integer, dimension_libelle text, rang integer,
               cle text, libelle text, heures numeric, part_heures numeric, participants numeric,
               masque boolean, secret boolean, heures_secret boolean)
LANGUAGE sql STABLE AS $$
SELECT c.dimension, c.dimension_rang, c.dimension_libelle, c.rang, c.cle, c.libelle, c.heures,
       c.part_heures, c.participants, c.masque, c.secret, c.heures_secret
FROM clause.observatoire_cellules(p_annee, p_plie) c
WHERE c.genre = 'repartition'
ORDER BY c.dimension_rang, c.rang
$$;
