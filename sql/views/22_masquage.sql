-- Secondary suppression shared by the tableau d'impact (25_impact_masque.sql) and the
-- observatoire (50_observatoire.sql): hides cells until no hidden cell of a report can be
-- worked out from the cells shown, relation by relation (issue #12).
--
-- The rule: no hidden cell of a report can be worked out from the cells it shows,
-- through any sum a reader can write. A report is a list of cells (numbered from 1) and
-- of relations between them: a total equal to the sum of its parts (women + men =
-- participants; the opérations of a donneur add up to the donneur; the hours by month
-- add up to the hours). Each cell is shown (etat 0), masked "< seuil" (1: worth 1 to
-- min(seuil - 1, plafond)) or secret (2: worth 0 to plafond, the most the reader knows it
-- can be, NULL when unknown). Every relation is taken as an exact sum, the attacker's
-- best guess (nobody in two marchés, nobody with two criteria).
-- A relation is forced when its hidden cells can take one set of values only: a single
-- hidden cell, or their sum (the total minus the parts shown) at the least or at the
-- most they can hold (12 - 6 - 4 = 2 with two "< 3" bands: one each). Two kinds give
-- nothing away: a total of 0 shown (its parts are 0, as the reader sees), and a cover,
-- a relation that another, shown whole, proves to count someone twice (p_preuve):
-- there the hidden parts are only known to add up to the total minus the parts shown
-- at the least, and are forced only when that is the most they can hold.
-- Each round hides, in every forced relation, its smallest shown cell that the relation
-- may hide (not zero when possible: a zero hidden next to a one leaves the one found);
-- when it has none, its masked cells lose their bound (shown secret, any number).
-- Rounds go on until no relation is forced or none can be helped, so that a cell hidden
-- for one relation is checked in every other (the donneur's total, its opérations, its
-- marchés, its entreprises, and each breakdown within each).
-- Not covered: a combination of several relations (a marché given by its opération, its
-- entreprise and the total together) when each relation alone holds; and reports that
-- differ by their scope (one opération, another period), each masked on its own.
-- Try (participants 9, men 8, women "< 3"):
--   SELECT clause.masquage_secondaire('{0,0,1}', '{1,1,1}', '{1,2,3}', '{-1,1,1}', '{9,8,NULL}',
--                                     '{NULL,9,9}', '{f,t,t}', '{NULL,NULL,NULL}', 3);
SET search_path = clause, pg_temp;

DROP FUNCTION IF EXISTS masquage_secondaire(smallint[], integer[], integer[], smallint[], numeric[],
                                            numeric[], boolean[], integer[], numeric) CASCADE;

-- p_etat: one element per cell. The other arrays: one element per cell of a relation:
-- p_relation, the relation (any integer); p_cellule, the cell; p_signe, +1 for a part,
-- -1 for the total (0: a row that only names one more proof of the relation); p_valeur
-- and p_plafond, the cell's value and the most the reader knows it can be (NULL: no
-- bound known); p_cachable, whether this relation may hide the cell (a group's
-- participants are never hidden for its own breakdowns, only its masked cells lose
-- their bound); p_preuve, another relation (or NULL) that proves this one a cover when
-- all its cells are shown and its total is below the sum of its parts: the
-- participants of the opérations of a donneur, shown and adding up to more than its
-- own, prove that someone works in two, so that its sums of people are covers. The
-- hidden parts of a cover add up to the total minus the parts shown at the least, and
-- are forced only when that is the most they can hold. Returns the final etat of each
-- cell. (Values go by relation rows, not by cell: a numeric array read by index is
-- walked from its start, a smallint one is not.)
CREATE FUNCTION masquage_secondaire(p_etat smallint[], p_relation integer[], p_cellule integer[],
                                    p_signe smallint[], p_valeur numeric[], p_plafond numeric[],
                                    p_cachable boolean[], p_preuve integer[], p_seuil numeric)
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
            SELECT u.relation, u.cellule, u.signe, u.cachable, u.preuve, u.valeur, v_etat[u.cellule] AS etat,
                   -- bounds of a hidden cell (1e15 stands for no bound)
                   CASE v_etat[u.cellule] WHEN 1 THEN 1 ELSE 0 END AS bas,
                   CASE v_etat[u.cellule]
                       WHEN 1 THEN least(p_seuil - 1, coalesce(u.plafond, p_seuil - 1))
                       ELSE coalesce(u.plafond, 1e15) END AS haut
            FROM unnest(p_relation, p_cellule, p_signe, p_valeur, p_plafond, p_cachable, p_preuve)
                 AS u(relation, cellule, signe, valeur, plafond, cachable, preuve)),
        bilan AS (           -- the hidden cells' signed sum must equal reste, and lies
                             -- between somme_bas and somme_haut
            SELECT relation,
                   count(*) FILTER (WHERE etat > 0 AND signe <> 0) AS caches,
                   coalesce(-sum(signe * valeur) FILTER (WHERE etat = 0), 0) AS reste,
                   coalesce(sum(CASE WHEN signe > 0 THEN bas ELSE -haut END)
                            FILTER (WHERE etat > 0 AND signe <> 0), 0) AS somme_bas,
                   coalesce(sum(CASE WHEN signe > 0 THEN haut ELSE -bas END)
                            FILTER (WHERE etat > 0 AND signe <> 0), 0) AS somme_haut,
                   coalesce(bool_or(valeur = 0) FILTER (WHERE etat = 0 AND signe < 0), false) AS total_nul
            FROM membre GROUP BY relation),
        couverture AS (      -- relations proven covers by a relation shown whole
            SELECT DISTINCT m.relation
            FROM membre m JOIN bilan p ON p.relation = m.preuve
            WHERE p.caches = 0 AND p.reste < 0),
        ouverte AS (
            SELECT b.relation FROM bilan b LEFT JOIN couverture c ON c.relation = b.relation
            WHERE caches > 0 AND NOT total_nul
              AND CASE WHEN c.relation IS NOT NULL THEN reste >= somme_haut
                       ELSE reste BETWEEN somme_bas AND somme_haut
                            AND (caches = 1 OR reste = somme_bas OR reste = somme_haut) END),
        cacher AS (
            SELECT DISTINCT ON (m.relation) m.relation, m.cellule
            FROM membre m JOIN ouverte o ON o.relation = m.relation
            WHERE m.etat = 0 AND m.cachable AND m.signe <> 0
            ORDER BY m.relation, m.valeur = 0, m.valeur, m.signe DESC, m.cellule),
        change AS (
            SELECT cellule FROM cacher
            UNION
            SELECT m.cellule
            FROM membre m JOIN ouverte o ON o.relation = m.relation
            WHERE m.etat = 1 AND m.signe <> 0
              AND NOT EXISTS (SELECT 1 FROM cacher c WHERE c.relation = o.relation))
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
