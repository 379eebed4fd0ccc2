-- The tableau d'impact as reports and donneurs d'ordre read it: impact_calcul()
-- (20_impact.sql, counts from 1 to seuil_masquage - 1 masked) plus the masking that keeps
-- them masked (issue #12), in a layer of its own so that the figures can change below it:
-- 1. a group whose participants are masked shows no breakdown at all: everything but
--    its hours and its count of participants (profile, criteria, contracts, modalities,
--    hours by month…) is secret, zeros included
--    (femmes 0, two age bands 0 and QPV 0 named the sex and age of its one or two
--    people, and their hours by month when they worked);
-- 2. secondary suppression (masquage_secondaire(), 22_masquage.sql): no hidden cell can
--    be worked out from the cells shown through any of these sums, each taken as exact:
--    - within each group: femmes + hommes, the three age bands and the criteria add up
--      to participants; contracts by type, contracts sent by length plus those inferred,
--      and by end plus those inferred, to contrats; hours by contract type, by modalité
--      and by month to heures réalisées;
--    - across levels, for every figure but the group's hours (shown for every group):
--      the opérations add up to the donneur, so do the entreprises and the marchés; the
--      marchés of an opération, and those of an entreprise, add up to it. A month missing
--      from a group counts 0.
--    Left alone, as the reader can tell: a total of 0 shown, and a sum of people whose
--    link the participants shown prove to count someone twice (the opérations of the
--    donneur hold more participants than the donneur: a cover, forced only at its most).
--    A masked cell is never the only one hidden of a sum (participants 9 and hommes 8
--    gave femmes 1; the donneur's 14 participants minus its opération's 12 gave the
--    other's 2; the donneur's hours of July minus those of its big opération gave the
--    small one's), nor are several hidden cells whose values the sum forces (12 - 6 - 4
--    = 2 with two "< 3" bands: one each; a donneur's 4 people of 50 and over, with "< 3"
--    in one opération, left 2 or more in a small one of at most 2). The smallest other
--    shown cell is hidden too, not zero if possible, round after round until every sum
--    holds; a group's participants, contrats and hours are never hidden for their own
--    breakdowns (the masked cells lose their bound instead: participants 4 with femmes
--    and hommes both "< 3" gave two each).
-- A secret cell comes back as valeur NULL, masque true and secret true; reports show it
-- as "secret", not "< seuil", since it may be any number.
SET search_path = clause, pg_temp;

DROP FUNCTION IF EXISTS impact(text, text, date, date) CASCADE;

CREATE FUNCTION impact(p_donneur text, p_operation text DEFAULT NULL,
                       p_debut date DEFAULT NULL, p_fin date DEFAULT NULL)
RETURNS TABLE (niveau text, niveau_rang integer, groupe_id text, groupe_libelle text,
               groupe_detail text, rubrique text, rang integer, cle text, libelle text,
               unite text, valeur numeric, personnes boolean, masque boolean, secret boolean)
LANGUAGE sql STABLE AS $$
WITH brut AS (
    SELECT c.*
    FROM clause.impact_calcul(p_donneur, p_operation, p_debut, p_fin)
         WITH ORDINALITY AS c(niveau, niveau_rang, groupe_id, groupe_libelle, groupe_detail,
                              rubrique, rang, cle, libelle, unite, valeur, personnes, masque, ordre)),
prm AS (
    SELECT valeur AS seuil FROM clause.parametre WHERE cle = 'seuil_masquage'),
groupe AS (          -- what a reader knows of each group: the most its cells can be
    SELECT b.niveau, b.groupe_id,
           bool_or(b.cle = 'participants' AND b.masque) AS petit,
           max(CASE WHEN b.masque THEN prm.seuil - 1 ELSE b.valeur END)
               FILTER (WHERE b.cle = 'participants') AS participants,
           max(CASE WHEN b.masque THEN prm.seuil - 1 ELSE b.valeur END)
               FILTER (WHERE b.cle = 'contrats') AS contrats,
           max(b.valeur) FILTER (WHERE b.cle = 'heures_realisees') AS heures
    FROM brut b CROSS JOIN prm
    GROUP BY b.niveau, b.groupe_id),
cellule AS (         -- etat: 0 shown, 1 masked (< seuil), 2 secret (rule 1)
    SELECT b.*,
           CASE WHEN g.petit AND b.rubrique <> 'heures' AND b.cle <> 'participants' THEN 2
                WHEN b.masque THEN 1 ELSE 0 END::smallint AS etat,
           CASE WHEN b.rubrique = 'heures' OR b.cle IN ('participants', 'contrats') THEN NULL
                WHEN b.unite = 'heures' THEN g.heures
                WHEN b.unite = 'contrats' THEN CASE WHEN NOT g.petit THEN g.contrats END
                ELSE g.participants END AS plafond
    FROM brut b
    JOIN groupe g ON g.niveau = b.niveau AND g.groupe_id = b.groupe_id),
-- the sums within each group: a cell may be in two (contrats_deduits)
partie AS (
    SELECT c.ordre, c.niveau, c.groupe_id, c.cle, c.rubrique, p.partition,
           CASE WHEN p.partition IN ('sexe', 'age', 'critere') THEN 'participants'
                WHEN p.partition IN ('contrat', 'duree', 'fin') THEN 'contrats'
                ELSE 'heures_realisees' END AS cle_total
    FROM cellule c
    CROSS JOIN LATERAL (VALUES
        (CASE WHEN c.cle IN ('femmes', 'hommes') THEN 'sexe'
              WHEN c.cle IN ('age_moins_26', 'age_26_49', 'age_50_plus') THEN 'age'
              WHEN c.rubrique = 'criteres' THEN 'critere'
              WHEN c.rubrique = 'contrats' AND c.unite = 'contrats' THEN 'contrat'
              WHEN c.rubrique = 'contrats' THEN 'heures_contrat'
              WHEN c.rubrique = 'modalites' THEN 'modalite'
              WHEN c.rubrique = 'mois' THEN 'mois'
              WHEN c.rubrique = 'contrats_duree' OR c.cle = 'contrats_deduits' THEN 'duree' END),
        (CASE WHEN c.rubrique = 'contrats_fin' OR c.cle = 'contrats_deduits' THEN 'fin' END))
        AS p(partition)
    WHERE p.partition IS NOT NULL),
-- the sums across levels: (parent group, level of its parts)
lien AS (
    SELECT 'total' AS parent_niveau, p_donneur AS parent_id, g.niveau, g.groupe_id
    FROM groupe g WHERE g.niveau <> 'total'
    UNION ALL
    SELECT x.niveau, x.groupe_id, 'marche', m.id
    FROM clause.marche m
    JOIN groupe g ON g.niveau = 'marche' AND g.groupe_id = m.id
    CROSS JOIN LATERAL (VALUES ('operation', m.operation_id), ('entreprise', m.attributaire_siret))
        AS x(niveau, groupe_id)),
niveau_partie AS (
    SELECT l.parent_niveau, l.parent_id, c.niveau, c.cle, c.ordre, c.etat, c.valeur,
           CASE c.unite WHEN 'personnes' THEN 'participants' WHEN 'contrats' THEN 'contrats' END AS cle_compte
    FROM lien l
    JOIN cellule c ON c.niveau = l.niveau AND c.groupe_id = l.groupe_id
    WHERE c.rubrique <> 'heures'),
niveau_total AS (    -- the parent's cell of each sum across levels
    SELECT DISTINCT n.parent_niveau, n.parent_id, n.niveau, n.cle, n.cle_compte, c.ordre
    FROM niveau_partie n
    JOIN cellule c ON c.niveau = n.parent_niveau AND c.groupe_id = n.parent_id AND c.cle = n.cle),
membre AS (          -- relation key (5 texts), cell, sign, may this relation hide it,
                     -- and the key of a relation that may prove it a cover (participants
                     -- or contrats of the same link; someone in two opérations or two
                     -- entreprises is in two marchés too)
    SELECT 'groupe' AS k1, p.niveau AS k2, p.groupe_id AS k3, p.partition AS k4, NULL::text AS k5,
           p.ordre, 1::smallint AS signe,
           p.rubrique <> 'heures' AND p.cle <> 'contrats_deduits' AS cachable,
           NULL::text AS p3, NULL::text AS p5
    FROM partie p
    UNION ALL
    SELECT DISTINCT 'groupe', p.niveau, p.groupe_id, p.partition, NULL, c.ordre, -1::smallint, false,
           NULL, NULL
    FROM partie p
    JOIN cellule c ON c.niveau = p.niveau AND c.groupe_id = p.groupe_id AND c.cle = p.cle_total
    UNION ALL
    SELECT 'niveau', n.parent_niveau, n.parent_id, n.niveau, n.cle, n.ordre, 1::smallint, true,
           n.niveau, n.cle_compte
    FROM niveau_partie n
    UNION ALL
    SELECT 'niveau', t.parent_niveau, t.parent_id, t.niveau, t.cle, t.ordre, -1::smallint, true,
           t.niveau, t.cle_compte
    FROM niveau_total t
    UNION ALL
    SELECT 'niveau', t.parent_niveau, t.parent_id, t.niveau, t.cle, t.ordre, 0::smallint, false,
           x.niveau, t.cle_compte
    FROM niveau_total t
    CROSS JOIN (VALUES ('operation'), ('entreprise')) AS x(niveau)
    WHERE t.parent_niveau = 'total' AND t.niveau = 'marche' AND t.cle_compte IS NOT NULL),
numero AS (         -- one number per relation (its key as one text, so that the joins hash)
    SELECT k.cle, row_number() OVER (ORDER BY k.cle)::integer AS relation
    FROM (SELECT DISTINCT concat_ws(E'\x1f', k1, k2, k3, k4, k5) AS cle FROM membre) k),
relation AS (
    SELECT r.relation, m.ordre::integer AS ordre, m.signe, m.cachable, p.relation AS preuve
    FROM membre m
    JOIN numero r ON r.cle = concat_ws(E'\x1f', m.k1, m.k2, m.k3, m.k4, m.k5)
    LEFT JOIN numero p ON p.cle = concat_ws(E'\x1f', 'niveau', m.k2, m.k3, m.p3, m.p5)
                      AND m.p5 IS NOT NULL),
etat AS (
    SELECT clause.masquage_secondaire(
               (SELECT array_agg(etat ORDER BY ordre) FROM cellule),
               array_agg(r.relation ORDER BY r.relation, r.ordre), array_agg(r.ordre ORDER BY r.relation, r.ordre),
               array_agg(r.signe ORDER BY r.relation, r.ordre), array_agg(c.valeur ORDER BY r.relation, r.ordre),
               array_agg(c.plafond ORDER BY r.relation, r.ordre), array_agg(r.cachable ORDER BY r.relation, r.ordre),
               array_agg(r.preuve ORDER BY r.relation, r.ordre), (SELECT seuil FROM prm)) AS etat
    FROM relation r JOIN cellule c ON c.ordre = r.ordre)
SELECT c.niveau, c.niveau_rang, c.groupe_id, c.groupe_libelle, c.groupe_detail, c.rubrique, c.rang,
       c.cle, c.libelle, c.unite, CASE WHEN e.etat[c.ordre] > 0 THEN NULL ELSE c.valeur END, c.personnes,
       e.etat[c.ordre] > 0, e.etat[c.ordre] = 2
FROM cellule c CROSS JOIN etat e
ORDER BY c.ordre
$$;
