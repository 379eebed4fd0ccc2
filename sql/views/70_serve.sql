-- What clause serve's pages read beyond the reports' own functions (src/serve/serve_pages.c):
-- the batches behind the connected donneur's own tableau d'impact, for its page footer;
-- and the views of the suivi and observatoire for the facilitateurs and directors (they
-- run with the reader's rights, so row-level security still limits them to the PLIE).
SET search_path = clause, pg_temp;

DROP FUNCTION IF EXISTS mes_sources_impact() CASCADE;

-- SECURITY DEFINER like mon_impact(): a donneur's role may not read lot_import itself;
-- it gets the file, date and SHA-256 of the batches its own figures come from.
CREATE FUNCTION mes_sources_impact()
RETURNS TABLE (lot_id bigint, nature text, fichier text, importe_le timestamptz, sha256 text)
LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = clause, pg_temp AS
$$ SELECT * FROM clause.impact_sources(clause.acces_donneur())
   WHERE clause.acces_donneur() IS NOT NULL $$;

REVOKE ALL ON FUNCTION mes_sources_impact() FROM PUBLIC;

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'clause_donneurs') THEN
        GRANT EXECUTE ON FUNCTION mes_sources_impact() TO clause_donneurs;
        GRANT SELECT ON v_marche_plie, v_observatoire_ligne TO clause_facilitateurs;
    END IF;
END $$;
