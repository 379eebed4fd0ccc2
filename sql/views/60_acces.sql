-- Access of the readers (roles of donneurs d'ordre and of facilitateurs, see
-- sql/migrations/0005_acces.sql): what they may call, re-granted whenever the views are
-- re-created. Every view runs with the reader's rights (security_invoker), so row-level
-- security applies through it: a view never shows a reader more than its tables would.
SET search_path = clause, pg_temp;

DROP FUNCTION IF EXISTS mon_impact(text, date, date) CASCADE;
DROP FUNCTION IF EXISTS periode_fixe(date, date) CASCADE;

-- The periods a donneur d'ordre may ask for: everything, a calendar year or a quarter
-- (months given by any of their days). Free windows could be differenced: critere_rqth
-- 3 up to May and 4 up to June told that one disabled worker started in June.
CREATE FUNCTION periode_fixe(p_debut date, p_fin date) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
SELECT (p_debut IS NULL AND p_fin IS NULL)
    OR (p_debut IS NOT NULL AND p_fin IS NOT NULL
        AND ((extract(month FROM p_debut) = 1
              AND date_trunc('month', p_fin) = date_trunc('month', p_debut) + interval '11 months')
             OR (extract(month FROM p_debut) IN (1, 4, 7, 10)
                 AND date_trunc('month', p_fin) = date_trunc('month', p_debut) + interval '2 months')))
$$;

-- The tableau d'impact of the connected donneur d'ordre, aggregated and masked (see
-- 25_impact_masque.sql), over a fixed period: the only way its role reads figures drawn
-- from participants' hours.
CREATE FUNCTION mon_impact(p_operation text DEFAULT NULL, p_debut date DEFAULT NULL,
                           p_fin date DEFAULT NULL)
RETURNS TABLE (niveau text, niveau_rang integer, groupe_id text, groupe_libelle text,
               groupe_detail text, rubrique text, rang integer, cle text, libelle text,
               unite text, valeur numeric, personnes boolean, masque boolean, secret boolean)
LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = clause, pg_temp AS
$$
BEGIN
    IF NOT clause.periode_fixe(p_debut, p_fin) THEN
        RAISE EXCEPTION 'période refusée : une année civile, un trimestre ou toute la période'
            USING ERRCODE = '22023',
                  HINT = 'p_debut et p_fin : janvier et décembre d''une même année, ou le premier '
                         'et le dernier mois d''un trimestre, ou rien';
    END IF;
    RETURN QUERY
        SELECT * FROM clause.impact(clause.acces_donneur(), p_operation,
                                    date_trunc('month', p_debut)::date, date_trunc('month', p_fin)::date)
        WHERE clause.acces_donneur() IS NOT NULL;
END
$$;

REVOKE ALL ON FUNCTION mon_impact(text, date, date) FROM PUBLIC;

DO $$
DECLARE
    v record;
BEGIN
    FOR v IN SELECT viewname FROM pg_views WHERE schemaname = 'clause' LOOP
        EXECUTE format('ALTER VIEW clause.%I SET (security_invoker = true)', v.viewname);
    END LOOP;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'clause_donneurs') THEN
        GRANT EXECUTE ON FUNCTION mon_impact(text, date, date) TO clause_donneurs;
        GRANT SELECT ON v_ligne, v_fiche_heures_mois, v_fiche_operation, v_fiche_mois,
            v_fiche_clause_mois, v_fiche_code_plie, v_territoire,
            v_contrat_compte, v_heures_hors_contrat
            TO clause_facilitateurs;
    END IF;
END $$;
