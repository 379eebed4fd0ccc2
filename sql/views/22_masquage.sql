-- Secondary suppression shared by the tableau d'impact (25_impact_masque.sql) and the
-- observatoire (50_observatoire.sql): hides cells until no hidden cell of a report can be
-- worked out from the cells shown, relation by relation (issue #12).
--
-- A report is a list of cells (numbered from 1) and of relations between them: a total
-- equal to the sum of its parts (women + men = participants; the opérations of a donneur
-- add up to the donneur; the hours by month add up to the hours). A person counted in two
-- parts (two marchés, two criteria) makes the total smaller than the sum: the layer
-- treats every relation as an exact sum all the same, since that is the attacker's best
-- guess, and a relation that the figures shown prove inexact (a total below what its
-- parts hold at the least) as giving nothing away.
-- Each cell is shown (etat 0), masked "< seuil" (1: worth 1 to min(seuil - 1, plafond))
-- or secret (2: worth 0 to plafond, the most it can be, NULL when unknown). A relation
-- is open when the values its hidden cells can take are forced: a single hidden cell, or
-- the sum of the hidden ones (the total minus the parts shown) at the least or at the
-- most they can hold (12 - 6 - 4 = 2 with two "< 3" bands: one each). For every open
-- relation, one round hides its smallest shown cell that the relation may hide (not
-- zero when possible: a zero hidden next to a one leaves the one found); when it has
-- none, its masked cells lose their bound (shown secret, any number). Rounds go on until
-- no relation is open or none can be closed, so that a cell hidden for one relation is
-- checked in every other (the donneur's total, its opérations, its marchés, its
-- entreprises, and each breakdown within each).
-- Not covered: a combination of several relations (a marché given by its opération, its
-- entreprise and the total together) when each relation alone holds; and reports that
-- differ by their scope (one opération, another period), each masked on its own.
-- Try: SELECT clause.masquage_secondaire('{9,8,1}', '{0,0,1}', NULL, '{1,1,1}', '{1,2,3}',
--                                        '{-1,1,1}', '{f,t,t}', '{f,f,f}', 3);  -- participants 9, men 8
SET search_path = clause, pg_temp;

DROP FUNCTION IF EXISTS masquage_secondaire(numeric[], smallint[], numeric[], integer[], integer[],
                                            smallint[], boolean[], boolean[], numeric) CASCADE;

-- p_valeur, p_etat, p_plafond: one element per cell (p_plafond NULL: no bound known).
-- p_relation, p_cellule, p_signe, p_cachable, p_couverture: one element per cell of a
-- relation: the relation (any integer), the cell, +1 for a part or -1 for the total,
-- whether this relation may hide the cell (a group's participants are never hidden for
-- its own breakdowns, only its masked cells lose their bound), and whether the relation
-- is a cover (true on any of its cells): a total the figures shown prove smaller than
-- the sum of its parts (people in two marchés), so that the hidden parts are known to
-- add up to the total minus the parts shown at the least, and are forced only when that
-- is the most they can hold. Returns the final etat of each cell.
CREATE FUNCTION masquage_secondaire(p_valeur numeric[], p_etat smallint[], p_plafond numeric[],
                                    p_relation integer[], p_cellule integer[], p_signe smallint[],
                                    p_cachable boolean[], p_couverture boolean[], p_seuil numeric)
RETURNS smallint[]
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    v_etat smallint[] := p_etat;
    v_suivant smallint[];
BEGIN
    IF p_relation IS NULL OR cardinality(p_relation) = 0 THEN
        RETURN v_etat;
    END IF;
    LOOP
        WITH membre AS (
            SELECT u.relation, u.cellule, u.signe, u.cachable, u.couverture, v_etat[u.cellule] AS etat,
                   p_valeur[u.cellule] AS valeur,
                   -- bounds of a hidden cell (1e15 stands for no bound)
                   CASE v_etat[u.cellule] WHEN 1 THEN 1 ELSE 0 END AS bas,
                   CASE v_etat[u.cellule]
                       WHEN 1 THEN least(p_seuil - 1, coalesce(p_plafond[u.cellule], p_seuil - 1))
                       ELSE coalesce(p_plafond[u.cellule], 1e15) END AS haut
            FROM unnest(p_relation, p_cellule, p_signe, p_cachable, p_couverture)
                 AS u(relation, cellule, signe, cachable, couverture)),
        bilan AS (           -- the hidden cells' signed sum must equal reste, and lies
                             -- between somme_bas and somme_haut
            SELECT relation, bool_or(couverture) AS couverture,
                   count(*) FILTER (WHERE etat > 0) AS caches,
                   coalesce(-sum(signe * valeur) FILTER (WHERE etat = 0), 0) AS reste,
                   coalesce(sum(CASE WHEN signe > 0 THEN bas ELSE -haut END) FILTER (WHERE etat > 0), 0) AS somme_bas,
                   coalesce(sum(CASE WHEN signe > 0 THEN haut ELSE -bas END) FILTER (WHERE etat > 0), 0) AS somme_haut,
                   coalesce(bool_or(valeur = 0) FILTER (WHERE etat = 0 AND signe < 0), false) AS total_nul
            FROM membre GROUP BY relation),
        ouverte AS (
            SELECT relation FROM bilan
            WHERE caches > 0 AND NOT total_nul
              AND CASE WHEN couverture THEN reste >= somme_haut
                       ELSE reste BETWEEN somme_bas AND somme_haut
                            AND (caches = 1 OR reste = somme_bas OR reste = somme_haut) END),
        cacher AS (
            SELECT DISTINCT ON (m.relation) m.relation, m.cellule
            FROM membre m JOIN ouverte o ON o.relation = m.relation
            WHERE m.etat = 0 AND m.cachable
            ORDER BY m.relation, m.valeur = 0, m.valeur, m.signe DESC, m.cellule),
        change AS (
            SELECT cellule FROM cacher
            UNION
            SELECT m.cellule
            FROM membre m JOIN ouverte o ON o.relation = m.relation
            WHERE m.etat = 1 AND NOT EXISTS (SELECT 1 FROM cacher c WHERE c.relation = o.relation))
        SELECT array_agg(CASE WHEN c.cellule IS NULL THEN e.etat ELSE 2::smallint END ORDER BY e.i)
        INTO v_suivant
        FROM unnest(v_etat) WITH ORDINALITY AS e(etat, i)
        LEFT JOIN change c ON c.cellule = e.i;
        EXIT WHEN v_suivant = v_etat;
        v_etat := v_suivant;
    END LOOP;
    RETURN v_etat;
END
$$;
