-- 0005: access per reader. A donneur d'ordre's role sees its own donneur, opérations and
-- marchés, and its aggregated tableau d'impact (clause.mon_impact), never a participant;
-- a facilitateur's role sees the data of its PLIE. Row-level security filters the rows;
-- the owner of the tables (the user clause runs as) is not subject to it.
-- Readers belong to two group roles, clause_donneurs and clause_facilitateurs, created here
-- when the user migrating may create roles (CREATEROLE); without it, access per reader is
-- simply not set up and `clause role` says so.
SET search_path = clause, public;

CREATE TABLE acces_role (
    role        name PRIMARY KEY,
    donneur_id  text REFERENCES donneur (id),
    plie        text REFERENCES plie (code),
    cree_le     timestamptz NOT NULL DEFAULT now(),
    CHECK (num_nonnulls(donneur_id, plie) = 1)
);

-- What the connected reader may see; NULL for everyone else (the owner sees all anyway).
-- session_user: inside a SECURITY DEFINER function current_user is the function's owner.
CREATE FUNCTION acces_donneur() RETURNS text LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = clause, pg_temp AS
$$ SELECT donneur_id FROM clause.acces_role WHERE role = session_user $$;

CREATE FUNCTION acces_plie() RETURNS text LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = clause, pg_temp AS
$$ SELECT plie FROM clause.acces_role WHERE role = session_user $$;

-- The PLIE that follows an opération: the one of the fiche it names, else the PLIE whose
-- territory holds its commune (latest year known).
CREATE FUNCTION plie_de_operation(p_fiche text, p_commune text) RETURNS text LANGUAGE sql STABLE AS
$$ SELECT coalesce((SELECT f.plie FROM clause.fiche f WHERE f.code = p_fiche),
                   (SELECT pc.plie FROM clause.plie_commune pc WHERE pc.code_insee = p_commune
                    ORDER BY pc.annee DESC LIMIT 1)) $$;

ALTER TABLE donneur ENABLE ROW LEVEL SECURITY;
ALTER TABLE operation ENABLE ROW LEVEL SECURITY;
ALTER TABLE marche ENABLE ROW LEVEL SECURITY;
ALTER TABLE participant ENABLE ROW LEVEL SECURITY;
ALTER TABLE ligne_heures ENABLE ROW LEVEL SECURITY;
ALTER TABLE attribution ENABLE ROW LEVEL SECURITY;
ALTER TABLE convention ENABLE ROW LEVEL SECURITY;

CREATE POLICY operation_lecture ON operation FOR SELECT
    USING (donneur_id = acces_donneur() OR plie_de_operation(fiche, commune_insee) = acces_plie());
-- the subqueries below see only what the reader may see of the tables they read
CREATE POLICY donneur_lecture ON donneur FOR SELECT
    USING (id = acces_donneur() OR EXISTS (SELECT 1 FROM operation o WHERE o.donneur_id = donneur.id));
CREATE POLICY marche_lecture ON marche FOR SELECT
    USING (EXISTS (SELECT 1 FROM operation o WHERE o.id = marche.operation_id));
CREATE POLICY ligne_heures_lecture ON ligne_heures FOR SELECT
    USING (acces_plie() IS NOT NULL AND EXISTS (SELECT 1 FROM marche m WHERE m.id = ligne_heures.marche_id));
CREATE POLICY attribution_lecture ON attribution FOR SELECT
    USING (acces_plie() IS NOT NULL AND plie = acces_plie());
CREATE POLICY participant_lecture ON participant FOR SELECT
    USING (acces_plie() IS NOT NULL
           AND (EXISTS (SELECT 1 FROM ligne_heures l WHERE l.participant_id = participant.id)
                OR commune_insee IN (SELECT code_insee FROM plie_commune WHERE plie = acces_plie())));
CREATE POLICY convention_lecture ON convention FOR SELECT
    USING (plie = acces_plie());

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'clause_donneurs') THEN
        CREATE ROLE clause_donneurs NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'clause_facilitateurs') THEN
        CREATE ROLE clause_facilitateurs NOLOGIN;
    END IF;
EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'accès par lecteur non installé : l''utilisateur n''a pas le droit CREATEROLE';
END $$;

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'clause_donneurs') THEN
        GRANT USAGE ON SCHEMA clause TO clause_donneurs, clause_facilitateurs;
        -- the catalogue is public knowledge
        GRANT SELECT ON plie, plie_commune, fiche, fiche_indicateur, parametre
            TO clause_donneurs, clause_facilitateurs;
        GRANT SELECT ON donneur, operation, marche TO clause_donneurs, clause_facilitateurs;
        GRANT SELECT ON participant, ligne_heures, attribution, convention, lot_import, entreprise
            TO clause_facilitateurs;
    END IF;
END $$;
