-- Access of the readers (roles of donneurs d'ordre and of facilitateurs, see
-- sql/migrations/0005_acces.sql): what they may call, re-granted whenever the views are
-- re-created. Every view runs with the reader's rights (security_invoker), so row-level
-- security applies through it: a view never shows a reader more than its tables would.
SET search_path = clause, pg_temp;

DROP FUNCTION IF EXISTS mon_impact(text, date, date) CASCADE;

-- The tableau d'impact of the connected donneur d'ordre, aggregated and masked: the only
-- way its role reads figures drawn from participants' hours.
CREATE FUNCTION mon_impact(p_operation text DEFAULT NULL, p_debut date DEFAULT NULL,
                           p_fin date DEFAULT NULL)
RETURNS TABLE (niveau text, niveau_rang integer, groupe_id text, groupe_libelle text,
               groupe_detail text, rubrique text, rang integer, cle text, libelle text,
               unite text, valeur numeric, personnes boolean, masque boolean)
LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = clause, pg_temp AS
$$ SELECT * FROM clause.impact(clause.acces_donneur(), p_operation, p_debut, p_fin)
   WHERE clause.acces_donneur() IS NOT NULL $$;

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
