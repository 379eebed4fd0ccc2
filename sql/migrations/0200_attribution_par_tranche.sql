-- 0200: attribution partitioned by ranges of participants (issue 17, the whole
-- recomputation on both cores). A whole attribution on several connections computed each
-- part into an UNLOGGED table, then its driver copied the million rows into attribution
-- and built its key, alone on one core: 1.5-1.8 s of a 6-7 s run at a million lines. Now
-- each part writes a table of its own, made in its transaction (no WAL under
-- wal_level = minimal), builds its key there, both parts at once, and the driver's swap
-- drops the former partitions and attaches the new ones (sql/views/05_attribution.sql,
-- attribution_tranches_basculer()): no row is copied.
-- A part holds the lines of a range of participants, so the key becomes
-- (ligne_id, participant_id): a key of a partitioned table must hold the partition key.
-- A line's participant never changes, so ligne_id alone stays unique. The first
-- partition takes every participant; a run on several connections replaces it with one
-- per part, whose bounds follow the lines (sql/attribution/tranche_bornes.sql).
SET search_path = clause, public;

LOCK TABLE attribution IN ACCESS EXCLUSIVE MODE;

CREATE TABLE attribution_par_tranche (
    ligne_id       bigint NOT NULL,
    participant_id text NOT NULL,
    motif          text,
    plie           text,
    fiche          text,
    CONSTRAINT attribution_motif_check
        CHECK (motif IN ('remplacee', 'non_eligible', 'hors_periode_marche',
                         'depassement_plafond', 'lot_annule'))
) PARTITION BY RANGE (participant_id);

-- every row of the former table, with its line's participant
CREATE TABLE attribution_1 PARTITION OF attribution_par_tranche
    FOR VALUES FROM (MINVALUE) TO (MAXVALUE);
INSERT INTO attribution_par_tranche (ligne_id, participant_id, motif, plie, fiche)
SELECT a.ligne_id, l.participant_id, a.motif, a.plie, a.fiche
FROM attribution a
JOIN ligne_heures l ON l.id = a.ligne_id
ORDER BY a.ligne_id;

-- With the old table go the views reading it (sql/views/, re-created after this
-- migration: their record is removed below) and its policy, made again below.
DROP TABLE attribution CASCADE;
DELETE FROM schema_migration WHERE nom = 'views/';
ALTER TABLE attribution_par_tranche RENAME TO attribution;

SET LOCAL maintenance_work_mem = '256MB';
ALTER TABLE attribution ADD CONSTRAINT attribution_pkey PRIMARY KEY (ligne_id, participant_id);

-- Statistics from a sample of 3,000 rows a table rather than 30,000: every whole
-- attribution analyses the new rows in its transaction, 0.14-0.25 s at a million lines
-- against 0.03 s. The columns hold few values (motif, plie, fiche: a handful each, which
-- fit the ten most common values) or one per row (ligne_id, read as unique all the same);
-- only participant_id's count of values is estimated more roughly. A part's table takes
-- these targets from attribution (attribution_tranche_creer()).
ALTER TABLE attribution
    ALTER COLUMN ligne_id SET STATISTICS 10,
    ALTER COLUMN participant_id SET STATISTICS 10,
    ALTER COLUMN motif SET STATISTICS 10,
    ALTER COLUMN plie SET STATISTICS 10,
    ALTER COLUMN fiche SET STATISTICS 10;

-- as 0005 left it; a partition read directly shows nothing to another user
ALTER TABLE attribution ENABLE ROW LEVEL SECURITY;
ALTER TABLE attribution_1 ENABLE ROW LEVEL SECURITY;
CREATE POLICY attribution_lecture ON attribution FOR SELECT
    USING (acces_plie() IS NOT NULL AND plie = acces_plie());

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'clause_facilitateurs') THEN
        GRANT SELECT ON attribution TO clause_facilitateurs;
    END IF;
END $$;

-- the parent's statistics (autovacuum never analyses a partitioned table) and its part's
ANALYZE attribution;
