-- The swap of a whole attribution computed on several connections (src/workflow/attribute_parallel.c):
-- in the driver's transaction, the one that exported the snapshot the parts read and
-- that holds, since before it, a SHARE lock on ligne_heures (no line can come or go) and
-- the attribution lock. Each part has committed its own table of attribution rows,
-- clause.attribution_tranche_<n> with its key and its bounds as a check
-- (attribution_tranche_creer(), sql/views/05_attribution.sql), and its sums into the
-- UNLOGGED tables of sql/attribution/parallele_prepare.sql. The bounds are read back from
-- attribution_tranche_bornes, which each part filled with the bounds its table checks:
-- what is attached is what the part declared, whatever the driver meant to ask. Readers
-- see the former attribution until this transaction commits, then the new one.
-- Inputs: the parts' tables, attribution_tranche_bornes, attribution_tranche_somme,
-- attribution_tranche_marche and attribution_tranche_statut.
-- Writes: attribution (its partitions replaced, attribution_tranches_basculer()),
-- fiche_heures_mois, marche_heures_mois, and pg_temp.attribution_statuts: the parts'
-- counts by status, for this session's attribute_status_counts() (src/workflow/attribute.c),
-- which removes it once read (one an earlier run of the session left unread is replaced).
SET LOCAL search_path = clause, pg_temp;

SELECT attribution_tranches_basculer();
-- the parent's statistics (autovacuum never analyses a partitioned table) and the parts'
ANALYZE attribution;

-- The sums of the parts added up: what recalcule_heures_mois(NULL) gives. Emptied by
-- TRUNCATE (deleted, their rows would stay beside the new ones, each insert checking its
-- key against a dead row); hundredths back into hours times 0.01, two decimals as a sum
-- of numeric(7, 2) has. The hundred thousand sums by marché are grouped in memory (a hash
-- of 50 MB) and their key built after them rather than row by row (0.33 s against 0.46 s
-- at a million lines).
TRUNCATE fiche_heures_mois, marche_heures_mois;
SET LOCAL work_mem = '128MB';
ALTER TABLE marche_heures_mois DROP CONSTRAINT marche_heures_mois_pkey;
INSERT INTO fiche_heures_mois (fiche, mois, plie, heures, heures_formation, lignes)
SELECT fiche, mois, plie, sum(centiemes) * 0.01, sum(centiemes_formation) * 0.01, sum(lignes)
FROM attribution_tranche_somme
GROUP BY fiche, mois, plie;

INSERT INTO marche_heures_mois (marche_id, mois, heures, heures_formation, lignes)
SELECT marche_id, mois, sum(centiemes) * 0.01, sum(centiemes_formation) * 0.01, sum(lignes)
FROM attribution_tranche_marche
GROUP BY marche_id, mois;
ALTER TABLE marche_heures_mois ADD CONSTRAINT marche_heures_mois_pkey PRIMARY KEY (marche_id, mois);

DROP TABLE IF EXISTS pg_temp.attribution_statuts;
-- the credited lines are those the sums by marché count: not grouped a second time by
-- the parts (0.1-0.2 s each at a million lines)
CREATE TEMP TABLE attribution_statuts AS
SELECT statut, sum(lignes) AS lignes, sum(centiemes) * 0.01 AS heures
FROM (SELECT statut, lignes, centiemes FROM attribution_tranche_statut
      UNION ALL
      SELECT 'credite', lignes, centiemes + centiemes_formation FROM attribution_tranche_marche) s
GROUP BY statut;
