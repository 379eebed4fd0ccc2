-- 0100: the 2021 catalogue is data a PLIE loads (DOMAIN.md, "Years"), shipped as
-- data/reference/territoires-plie-2021.csv and fiches-2021.csv and loaded on first use
-- through the import of clause import territoires|fiches (src/catalogue.c), no longer as SQL.
--
-- Migration 0002 stays as it is (applied everywhere) and still runs first on a new
-- database; so:
--   - a database that holds nothing yet (no batch, no reader role, no declared ETP: only
--     what 0002 wrote) loses 0002's catalogue here, and the loader puts back the files' one,
--     traced by file, checksum and line, with the same fiche ids;
--   - any other database keeps 0002's rows, untouched, every figure the same; a
--     source_reference row says where they came from, and the loader, which loads only into
--     a database without catalogue, never loads them twice.
-- The loads of the shipped catalogue are not batches (lot_import): batch numbers stay
-- those the user sees, and a backup still restores into a new database, which has no batch.
SET search_path = clause, public;

CREATE TABLE source_reference (
    id              integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    nature          text NOT NULL CHECK (nature IN ('fiches', 'territoires', 'migration')),
    fichier         text NOT NULL,
    sha256          char(64) CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    lignes_lues     integer NOT NULL DEFAULT 0 CHECK (lignes_lues >= 0),
    lignes_chargees integer NOT NULL DEFAULT 0 CHECK (lignes_chargees >= 0),
    charge_le       timestamptz NOT NULL DEFAULT now(),
    CHECK ((nature = 'migration') = (sha256 IS NULL)),
    UNIQUE (sha256, nature)
);
COMMENT ON TABLE source_reference IS
    'Loads of the reference catalogue shipped with clause (data/reference/), and the migration '
    'that wrote it in databases older than 0100';

-- the reference file and line that last set a fiche or a commune's year (else lot_id, or
-- neither for 0002's rows)
ALTER TABLE fiche ADD COLUMN reference_id integer REFERENCES source_reference (id);
ALTER TABLE plie_commune ADD COLUMN reference_id integer REFERENCES source_reference (id);

DO $$
DECLARE
    origine integer;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM lot_import)
       AND NOT EXISTS (SELECT 1 FROM acces_role)
       AND NOT EXISTS (SELECT 1 FROM fiche WHERE etp_declares IS NOT NULL OR lot_id IS NOT NULL)
       AND NOT EXISTS (SELECT 1 FROM plie_commune WHERE lot_id IS NOT NULL) THEN
        -- nothing refers to the catalogue yet: the data files bring it back (src/catalogue.c)
        DELETE FROM fiche_indicateur;
        DELETE FROM fiche;
        DELETE FROM plie_commune;
        DELETE FROM plie;
        ALTER TABLE fiche ALTER COLUMN id RESTART WITH 1;
    ELSIF EXISTS (SELECT 1 FROM fiche WHERE lot_id IS NULL)
          OR EXISTS (SELECT 1 FROM plie_commune WHERE lot_id IS NULL) THEN
        INSERT INTO source_reference (nature, fichier)
        VALUES ('migration', 'sql/migrations/0002_catalogue_2021.sql')
        RETURNING id INTO origine;
        UPDATE fiche SET reference_id = origine WHERE lot_id IS NULL;
        UPDATE plie_commune SET reference_id = origine WHERE lot_id IS NULL;
    END IF;
END
$$;

-- the catalogue is public knowledge (0005), and so is where it came from
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'clause_donneurs')
       AND EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'clause_facilitateurs') THEN
        GRANT SELECT ON source_reference TO clause_donneurs, clause_facilitateurs;
    END IF;
END
$$;
