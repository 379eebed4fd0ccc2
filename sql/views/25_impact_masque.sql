-- The tableau d'impact as reports and donneurs d'ordre read it: impact_calcul()
-- (20_impact.sql, counts from 1 to seuil_masquage - 1 masked) plus the masking that keeps
-- them masked (issue #12), in a layer of its own so that the figures can change below it:
-- 1. a group whose participants are masked shows no breakdown at all: everything but
--    its hours and its count of participants (profile, criteria, contracts, modalities,
--    hours by month…) is secret, zeros included
--    (femmes 0, two age bands 0 and QPV 0 named the sex and age of its one or two
--    people, and their hours by month when they worked);
-- 2. secondary suppression: in a breakdown that adds up to a total shown (femmes +
--    hommes = participants, the three age bands = participants, contracts by type =
--    contrats, contracts sent by length or by end plus those inferred = contrats), a
--    masked cell is never the only one hidden: the smallest other shown
--    cell, not zero if possible, is secret too (participants 9 and hommes 8 gave
--    femmes 1). The same when several masked cells could only be all ones or all
--    seuil - 1 (12 - 6 - 4 = 2 with two bands masked: one each).
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
petit AS (           -- groups of 1 to seuil - 1 participants
    SELECT b.niveau, b.groupe_id FROM brut b WHERE b.cle = 'participants' AND b.masque),
-- the breakdowns that add up to a total of their group: sexes and age bands to
-- participants; contracts by type to contrats; contracts sent by length, and by how
-- they ended, plus those inferred from the hours, to contrats (a cell may be in two)
cellule AS (
    SELECT b.*, p.partition,
           CASE WHEN p.partition IN ('sexe', 'age') THEN 'participants' ELSE 'contrats' END AS cle_total
    FROM brut b
    CROSS JOIN LATERAL (VALUES
        (CASE WHEN b.cle IN ('femmes', 'hommes') THEN 'sexe'
              WHEN b.cle IN ('age_moins_26', 'age_26_49', 'age_50_plus') THEN 'age'
              WHEN b.rubrique = 'contrats' AND b.unite = 'contrats' THEN 'contrat'
              WHEN b.rubrique = 'contrats_duree' OR b.cle = 'contrats_deduits' THEN 'duree' END),
        (CASE WHEN b.rubrique = 'contrats_fin' OR b.cle = 'contrats_deduits' THEN 'fin' END))
        AS p(partition)
    WHERE p.partition IS NOT NULL),
masquee AS (         -- breakdowns whose masked cells the others would give away: one
                     -- masked cell (total minus the others), or several whose sum can only
                     -- be made of ones, or only of seuil - 1 (each "< seuil" is 1 or more)
    SELECT c.niveau, c.groupe_id, c.partition
    FROM cellule c
    JOIN brut t ON t.niveau = c.niveau AND t.groupe_id = c.groupe_id AND t.cle = c.cle_total
    CROSS JOIN (SELECT valeur AS seuil FROM clause.parametre WHERE cle = 'seuil_masquage') prm
    WHERE NOT t.masque
    GROUP BY c.niveau, c.groupe_id, c.partition, t.valeur, prm.seuil
    HAVING count(*) FILTER (WHERE c.masque) = 1
        OR (count(*) FILTER (WHERE c.masque) > 1
            AND (t.valeur - coalesce(sum(c.valeur), 0) <= count(*) FILTER (WHERE c.masque)
                 OR t.valeur - coalesce(sum(c.valeur), 0)
                    >= count(*) FILTER (WHERE c.masque) * (prm.seuil - 1)))),
seconde AS (         -- the smallest other shown cell of each, not zero if possible; never
                     -- contrats_deduits, which is in two breakdowns (hiding it for one
                     -- would leave it alone in the other)
    SELECT DISTINCT ON (c.niveau, c.groupe_id, c.partition) c.niveau, c.groupe_id, c.partition, c.cle
    FROM cellule c
    JOIN masquee m ON m.niveau = c.niveau AND m.groupe_id = c.groupe_id AND m.partition = c.partition
    WHERE NOT c.masque AND c.cle <> 'contrats_deduits'
    ORDER BY c.niveau, c.groupe_id, c.partition, c.valeur = 0, c.valeur, c.cle),
sans_bornes AS (     -- no other cell left to hide (participants 4, femmes and hommes both
                     -- "< 3": two each): the masked cells lose their bound, shown secret
    SELECT c.niveau, c.groupe_id, c.cle
    FROM cellule c
    JOIN masquee m ON m.niveau = c.niveau AND m.groupe_id = c.groupe_id AND m.partition = c.partition
    WHERE c.masque
      AND NOT EXISTS (SELECT 1 FROM seconde s WHERE s.niveau = m.niveau AND s.groupe_id = m.groupe_id
                                                AND s.partition = m.partition)),
decision AS (        -- joins, not a subquery per row: a national year has 10^5 rows
    SELECT b.*,
           (p.groupe_id IS NOT NULL AND b.rubrique <> 'heures' AND b.cle <> 'participants')
           OR s.cle IS NOT NULL OR n.cle IS NOT NULL AS cache
    FROM brut b
    LEFT JOIN petit p ON p.niveau = b.niveau AND p.groupe_id = b.groupe_id
    LEFT JOIN (SELECT DISTINCT niveau, groupe_id, cle FROM seconde) s
           ON s.niveau = b.niveau AND s.groupe_id = b.groupe_id AND s.cle = b.cle
    LEFT JOIN (SELECT DISTINCT niveau, groupe_id, cle FROM sans_bornes) n
           ON n.niveau = b.niveau AND n.groupe_id = b.groupe_id AND n.cle = b.cle)
SELECT d.niveau, d.niveau_rang, d.groupe_id, d.groupe_libelle, d.groupe_detail, d.rubrique, d.rang,
       d.cle, d.libelle, d.unite, CASE WHEN d.cache THEN NULL ELSE d.valeur END, d.personnes,
       d.masque OR d.cache, d.cache
FROM decision d
ORDER BY d.ordre
$$;
