-- 0070: employment contracts as employers send them (DOMAIN.md "Contracts"): a batch of
-- nature 'contrats' upserts them by (participant, employer, type, start date).
SET search_path = clause, public;

-- The CHECK is rebuilt from its current definition (other migrations may have added
-- natures), with 'contrats' appended, as 0004 did for 'decp'.
DO $$
DECLARE
    def text;
BEGIN
    SELECT pg_get_constraintdef(c.oid) INTO def
    FROM pg_constraint c
    WHERE c.conrelid = 'clause.lot_import'::regclass AND c.conname = 'lot_import_nature_check';
    IF def IS NULL THEN
        RAISE EXCEPTION 'contrainte lot_import_nature_check introuvable';
    END IF;
    IF position('''contrats''' IN def) = 0 THEN
        IF def !~ '\]\)+$' THEN
            RAISE EXCEPTION 'forme inattendue de lot_import_nature_check : %', def;
        END IF;
        EXECUTE 'ALTER TABLE clause.lot_import DROP CONSTRAINT lot_import_nature_check';
        EXECUTE 'ALTER TABLE clause.lot_import ADD CONSTRAINT lot_import_nature_check '
                || regexp_replace(def, '\](\)+)$', ', ''contrats''::text]\1');
    END IF;
END
$$;

-- lot_id and ligne: the batch and line that last set the contract.
CREATE TABLE contrat (
    id               bigserial PRIMARY KEY,
    participant_id   text NOT NULL REFERENCES participant (id),
    employeur_siret  char(14) NOT NULL REFERENCES entreprise (siret),
    marche_id        text NOT NULL REFERENCES marche (id),
    type_contrat     text NOT NULL CHECK (type_contrat IN ('cdi', 'cdd', 'cddi', 'ctt', 'apprentissage',
                                                           'professionnalisation', 'autre')),
    date_debut       date NOT NULL,
    date_fin_prevue  date CHECK (date_fin_prevue >= date_debut),
    date_fin         date CHECK (date_fin >= date_debut),
    heures_hebdo     numeric(5, 2) CHECK (heures_hebdo > 0 AND heures_hebdo <= 48),
    metier           text CHECK (metier <> ''),
    motif_fin        text CHECK (motif_fin IN ('terme', 'embauche_cdi', 'embauche_cdd', 'formation',
                                               'demission', 'licenciement', 'rupture_periode_essai',
                                               'autre')),
    lot_id           bigint NOT NULL REFERENCES lot_import (id),
    ligne            integer NOT NULL CHECK (ligne > 0),
    UNIQUE (participant_id, employeur_siret, type_contrat, date_debut)
);
CREATE INDEX contrat_marche_idx ON contrat (marche_id);
CREATE INDEX contrat_lot_idx ON contrat (lot_id);

-- Read like the timesheets (0005): a facilitateur sees the contracts on the marchés it may
-- see; a donneur d'ordre's role reads only aggregated figures (mon_impact).
ALTER TABLE contrat ENABLE ROW LEVEL SECURITY;
CREATE POLICY contrat_lecture ON contrat FOR SELECT
    USING (acces_plie() IS NOT NULL AND EXISTS (SELECT 1 FROM marche m WHERE m.id = contrat.marche_id));

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'clause_facilitateurs') THEN
        GRANT SELECT ON contrat TO clause_facilitateurs;
    END IF;
END $$;
