-- Who has not sent yet (clause report attendus): for the marchés of a PLIE active in a
-- month, the employers that sent hours on the marché in earlier months but nothing yet
-- for that month, and the marchés started by then with no hours at all.
-- Try: SELECT * FROM clause.attendus('bordeaux', '2021-12-01');
SET search_path = clause, pg_temp;

DROP FUNCTION IF EXISTS attendus(text, date) CASCADE;
DROP FUNCTION IF EXISTS envois_reprendre() CASCADE;
DROP FUNCTION IF EXISTS lots_envois_a_reprendre() CASCADE;
DROP VIEW IF EXISTS v_envoi CASCADE;

-- Folds the lines of every batch not folded yet into the senders' last months: run by
-- each attribution (src/workflow/attribute*.c), in its transaction (the parallel one on
-- its driver's connection while the parts compute). They depend on the lines alone, not on
-- the rules: a whole attribution folds what is new and recomputes nothing here.
-- The batches' pairs (marché, employer) are appended to envoi_attente (0180), which
-- touches only the pages it fills. When they and the pairs already waiting would
-- outnumber envoi's rows, both go into envoi instead, so that each page of envoi is
-- written once for several months, and a first load goes straight into envoi (appended
-- then deleted, its pairs would leave as many dead rows for the next month to scan).
-- The waiting pairs and envoi's rows are counted by the statistics (a count a second late
-- only moves the moment; envoi's from the catalogue when a crash reset them).
-- One statement: the batches marked are the batches read, the rows moved are the rows
-- deleted (a batch appended meanwhile by another transaction stays waiting); a second fold
-- at the same time waits on the batches' rows, then finds them marked. Each batch's lines
-- are found through the block-range index on lot_id (the subquery kept apart by OFFSET 0
-- stays one probe per batch). Planned once with the batch unknown, a batch's lines look
-- like 1/n of the table, n the batches the statistics saw: half of it in a database of two
-- batches, and the planner read it all (0.6 s at four million lines for a month of
-- 41,666). The block-range index costs little more than a scan when the batch is the
-- whole table, so it is always taken.
-- After a move, envoi is analysed when it never was or has grown by half: attendus()
-- reads it by marché only if the planner knows a marché has tens of pairs, not thousands
-- (never analysed, a first load's envoi was read whole, 0.08 s at 4M lines, and hashed).
CREATE FUNCTION envois_reprendre() RETURNS void LANGUAGE plpgsql
    SET jit = off SET enable_seqscan = off AS $$
DECLARE
    v_deplacees bigint;
BEGIN
    WITH lots AS (
        UPDATE clause.lot_import SET envois_repris = true
        WHERE NOT envois_repris
        RETURNING id),
    nouvelles AS MATERIALIZED (
        SELECT l.marche_id, l.employeur_siret, max(l.mois) AS dernier_mois
        FROM lots b
        CROSS JOIN LATERAL (SELECT marche_id, employeur_siret, mois FROM clause.ligne_heures
                            WHERE lot_id = b.id OFFSET 0) l
        GROUP BY l.marche_id, l.employeur_siret),
    reporter AS MATERIALIZED (
        SELECT (SELECT count(*) FROM nouvelles)
               + pg_stat_get_live_tuples('clause.envoi_attente'::regclass)
               > greatest(pg_stat_get_live_tuples(c.oid), c.reltuples::bigint) AS oui
        FROM pg_class c WHERE c.oid = 'clause.envoi'::regclass),
    attente AS (
        INSERT INTO clause.envoi_attente (marche_id, employeur_siret, dernier_mois)
        SELECT marche_id, employeur_siret, dernier_mois FROM nouvelles
        WHERE NOT (SELECT oui FROM reporter)),
    repris AS (
        DELETE FROM clause.envoi_attente
        WHERE (SELECT oui FROM reporter)
        RETURNING marche_id, employeur_siret, dernier_mois)
    -- each pair's greatest month, in key order: the index and the pages met in turn, and the
    -- new pairs appended in order (attendus() reads envoi by marché)
    INSERT INTO clause.envoi AS e (marche_id, employeur_siret, dernier_mois)
    SELECT x.marche_id, x.employeur_siret, max(x.dernier_mois)
    FROM (SELECT marche_id, employeur_siret, dernier_mois FROM repris
          UNION ALL
          SELECT marche_id, employeur_siret, dernier_mois FROM nouvelles
          WHERE (SELECT oui FROM reporter)) x
    GROUP BY x.marche_id, x.employeur_siret
    ORDER BY x.marche_id, x.employeur_siret
    ON CONFLICT (marche_id, employeur_siret) DO UPDATE SET dernier_mois = excluded.dernier_mois
        WHERE excluded.dernier_mois > e.dernier_mois;
    GET DIAGNOSTICS v_deplacees = ROW_COUNT;
    -- (the rows moved, inserted or updated: the statistics do not count this transaction's yet)
    IF v_deplacees > 0 AND (SELECT c.reltuples < 0
                                   OR c.reltuples * 1.5 < pg_stat_get_live_tuples(c.oid) + v_deplacees
                            FROM pg_class c WHERE c.oid = 'clause.envoi'::regclass) THEN
        ANALYZE clause.envoi;
    END IF;
END
$$;

-- The last month each employer sent hours on each marché, from the batches folded so far:
-- the kept pairs and the waiting ones. attendus() writes the same union inline, joined to
-- its marchés first (a join is not pushed below this GROUP BY).
CREATE VIEW v_envoi AS
SELECT marche_id, employeur_siret, max(dernier_mois) AS dernier_mois
FROM (SELECT marche_id, employeur_siret, dernier_mois FROM clause.envoi
      UNION ALL
      SELECT marche_id, employeur_siret, dernier_mois FROM clause.envoi_attente) x
GROUP BY marche_id, employeur_siret;

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'clause_facilitateurs') THEN
        GRANT SELECT ON v_envoi TO clause_facilitateurs;
    END IF;
END $$;

-- The batches whose lines envoi does not hold yet, whoever asks: ids only, so that a
-- facilitateur's attendus() reads those lines as it reads every other (ligne_heures is
-- shown by marché), not through lot_import's own row-level security.
CREATE FUNCTION lots_envois_a_reprendre() RETURNS bigint[] LANGUAGE sql STABLE SECURITY DEFINER AS $$
SELECT coalesce(array_agg(id), '{}') FROM clause.lot_import WHERE NOT envois_repris
$$;

-- p_plie NULL: every PLIE (the compte-rendu of clause batch). cas: 'en_retard' (an
-- employer silent this month), 'sans_heures' (a marché with no line at all; the employer
-- shown is its attributaire). Any line received counts as sent, credited or not: the
-- question is whether the sender wrote, not whether the hours count.
CREATE FUNCTION attendus(p_plie text, p_mois date)
RETURNS TABLE (cas text, plie text, marche_id text, intitule text, operation text, siret text,
               entreprise text, dernier_mois date)
-- No JIT: planned once per call with its parameters unknown, the function looks costly
-- enough to be compiled, 1 s spent compiling a query that runs in a tenth of that.
-- work_mem: the list is sorted whole and kept whole for the caller; under the default
-- 4 MB the 27,782 late pairs of the 4M-line bench were sorted on disk (4 MB written).
LANGUAGE sql STABLE SET jit = off SET work_mem = '32MB' AS $$
WITH actifs AS (
    SELECT DISTINCT m.id, m.intitule, m.attributaire_siret, o.nom AS operation, mp.plie
    FROM clause.marche m
    JOIN clause.operation o ON o.id = m.operation_id
    JOIN clause.v_marche_plie mp ON mp.marche_id = m.id AND mp.annee = extract(year FROM p_mois)::integer
    WHERE (p_plie IS NULL OR mp.plie = p_plie)
      AND m.date_debut <= (p_mois + interval '1 month - 1 day')::date
      AND m.date_fin >= p_mois),
-- The kept pairs (marché, employer) of the active marchés with their last month sent
-- (envoi, 0160), and the rows waiting beside it (0180), read once for the two uses
-- below: a pair may come twice, as a month of each is a month it sent (envois takes the
-- greatest).
paires AS MATERIALIZED (
    SELECT e.marche_id, e.employeur_siret, e.dernier_mois
    FROM actifs a JOIN clause.envoi e ON e.marche_id = a.id
    UNION ALL
    -- joined apart: under one join with envoi, the waiting rows were scanned once per
    -- active marché (0.4 s at 4M lines)
    SELECT w.marche_id, w.employeur_siret, w.dernier_mois
    FROM actifs a JOIN clause.envoi_attente w ON w.marche_id = a.id),
-- Those with a month after p_mois: a past month asked, whose answer is in those pairs'
-- lines. None in the compte-rendu's case (the month just received), and then no line is
-- read at all (the EXISTS below is tested once).
tardifs AS MATERIALIZED (
    SELECT DISTINCT marche_id, employeur_siret FROM paires WHERE dernier_mois > p_mois),
-- Per (marché, employer), the last month sent up to p_mois and whether it is p_mois: the
-- kept months not after p_mois, the lines of the pairs with a later one, and the lines of
-- the batches no attribution has folded in yet.
envois AS (
    SELECT x.marche_id, x.employeur_siret, max(x.dernier_mois) AS dernier_mois,
           bool_or(x.ce_mois) AS ce_mois
    FROM (
        SELECT p.marche_id, p.employeur_siret, p.dernier_mois, p.dernier_mois = p_mois AS ce_mois
        FROM paires p
        WHERE p.dernier_mois <= p_mois
        UNION ALL
        SELECT l.marche_id, l.employeur_siret, l.mois, l.mois = p_mois
        FROM clause.ligne_heures l
        JOIN tardifs t ON t.marche_id = l.marche_id AND t.employeur_siret = l.employeur_siret
        WHERE EXISTS (SELECT 1 FROM tardifs)
          AND l.marche_id IN (SELECT marche_id FROM tardifs) AND l.mois <= p_mois
        UNION ALL
        SELECT l.marche_id, l.employeur_siret, l.mois, l.mois = p_mois
        FROM unnest(clause.lots_envois_a_reprendre()) b(id)
        CROSS JOIN LATERAL (SELECT marche_id, employeur_siret, mois FROM clause.ligne_heures
                            WHERE lot_id = b.id OFFSET 0) l
        WHERE l.marche_id IN (SELECT id FROM actifs) AND l.mois <= p_mois) x
    GROUP BY x.marche_id, x.employeur_siret)
SELECT 'en_retard', a.plie, a.id, a.intitule, a.operation, e.employeur_siret, ent.raison_sociale,
       e.dernier_mois
FROM actifs a
JOIN envois e ON e.marche_id = a.id AND NOT e.ce_mois
LEFT JOIN clause.entreprise ent ON ent.siret = e.employeur_siret
UNION ALL
SELECT 'sans_heures', a.plie, a.id, a.intitule, a.operation, a.attributaire_siret, ent.raison_sociale,
       NULL::date
FROM actifs a
LEFT JOIN clause.entreprise ent ON ent.siret = a.attributaire_siret
-- envois holds every pair of an active marché with a line up to p_mois, from all three
-- sources: a marché absent from it has none (asked of the lines, the question probed each
-- year's table of every active marché, 0.27 s at four million lines)
WHERE NOT EXISTS (SELECT 1 FROM envois e WHERE e.marche_id = a.id)
ORDER BY 1, 2, 3, 6
$$;
