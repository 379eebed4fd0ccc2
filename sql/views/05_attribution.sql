-- The rules of attribution (DOMAIN.md, "How an hour counts"), as one view over every
-- timesheet line: its status (motif NULL = credited), its PLIE and its fiche.
-- Read by the attribution scripts: sql/attribution/tout.sql (every line), sql/attribution/tranche.sql
-- (the participants of one part), sql/attribution/mois_nouveaux.sql (some months) and
-- sql/attribution/perimetre_calcul.sql (some participant-months). Every rule is decided
-- within a participant-month, so their conditions on participant_id and mois are pushed
-- below the window functions.
SET search_path = clause, pg_temp;

DROP VIEW IF EXISTS v_attribution_calcul CASCADE;
DROP VIEW IF EXISTS v_remplacees_a_cheval CASCADE;
DROP FUNCTION IF EXISTS remplacees_a_cheval() CASCADE;
DROP VIEW IF EXISTS v_lots_annules CASCADE;
DROP FUNCTION IF EXISTS recalcule_fiche_heures_mois(date[]);
DROP FUNCTION IF EXISTS recalcule_heures_mois(date[]);
DROP FUNCTION IF EXISTS mois_deja_couverts(bigint[]);
DROP FUNCTION IF EXISTS attribution_tranche_creer(integer, text, text);
DROP FUNCTION IF EXISTS attribution_tranche_cle(integer);
DROP FUNCTION IF EXISTS attribution_tranches_basculer();

-- What rules 2 and 9 need beyond a line's own month, each computed once per query (the
-- rules read them as one array each, never per line): the cancelled batches, and the lines
-- replaced across a month's end (a line whose period runs into the next month, against
-- that month's lines of the same key; the later batch wins). Both are small: a few
-- cancelled batches, a few lines straddling two months (their own partial index).
CREATE VIEW v_lots_annules AS
SELECT coalesce(array_agg(b.id), '{}') AS lots, count(*) > 0 AS existe
FROM lot_import b WHERE b.annule_le IS NOT NULL;

-- A function, so that its query plans alone: the planner would otherwise start parallel
-- workers (40 ms each time) to read an index that is usually empty.
CREATE FUNCTION remplacees_a_cheval() RETURNS bigint[] LANGUAGE sql STABLE
SET max_parallel_workers_per_gather = 0 AS $$
SELECT coalesce(array_agg(DISTINCT CASE WHEN s.lot_id < n.lot_id THEN s.id ELSE n.id END), '{}')
FROM clause.ligne_heures s
JOIN clause.ligne_heures n ON n.participant_id = s.participant_id
                          AND n.mois = (s.mois + interval '1 month')::date
                          AND n.marche_id = s.marche_id AND n.employeur_siret = s.employeur_siret
WHERE s.date_fin >= (s.mois + interval '1 month')
  AND s.lot_id <> n.lot_id
  AND NOT s.lot_id = ANY ((SELECT lots FROM clause.v_lots_annules)::bigint[])
  AND NOT n.lot_id = ANY ((SELECT lots FROM clause.v_lots_annules)::bigint[])
  AND daterange(s.date_debut, s.date_fin, '[]')
      && daterange(coalesce(n.date_debut, n.mois),
                   coalesce(n.date_fin, (n.mois + interval '1 month - 1 day')::date), '[]')
$$;

CREATE VIEW v_attribution_calcul AS
WITH ranked AS (     -- rules 2 and 9, for each line: cancelled, or replaced by a later line
    SELECT r.id, r.participant_id, r.marche_id, r.mois, r.fin_mois, r.heures, r.heures_formation,
           r.total, r.annulee,
           -- a later line starting in the same month overlaps a whole month; a line with
           -- dates is compared with those lines' periods; then across a month's end
           (r.rang > 1
            AND (r.date_debut IS NULL OR EXISTS (
                SELECT 1 FROM ligne_heures n
                WHERE n.participant_id = r.participant_id AND n.mois = r.mois
                  AND n.marche_id = r.marche_id AND n.employeur_siret = r.employeur_siret
                  AND n.lot_id > r.lot_id AND NOT n.lot_id = ANY ((SELECT lots FROM v_lots_annules)::bigint[])
                  AND daterange(coalesce(n.date_debut, n.mois),
                                coalesce(n.date_fin, (n.mois + interval '1 month - 1 day')::date), '[]')
                      && daterange(r.date_debut, r.date_fin, '[]'))))
           OR r.remplacee_a_cheval AS remplacee
    FROM (-- rank > 1: a line of a later batch, not cancelled, starts in the same month (the
          -- lines of one batch tie: a weekly file's weeks do not replace each other)
          SELECT l.*,
                 rank() OVER (PARTITION BY l.participant_id, l.mois, l.marche_id, l.employeur_siret
                              ORDER BY l.annulee, l.lot_id DESC) AS rang
          FROM (SELECT l.id, l.participant_id, l.marche_id, l.employeur_siret, l.lot_id, l.mois,
                       l.date_debut, l.date_fin,
                       (l.mois + interval '1 month - 1 day')::date AS fin_mois,
                       l.heures, l.heures_formation, l.heures + l.heures_formation AS total,
                       -- the array only read when a batch was cancelled: a million lines pay nothing
                       (SELECT existe FROM v_lots_annules)
                       AND l.lot_id = ANY ((SELECT lots FROM v_lots_annules)::bigint[]) AS annulee,
                       -- replaced by a line of the next or the previous month (rule 2)
                       l.id = ANY ((SELECT remplacees_a_cheval())::bigint[]) AS remplacee_a_cheval
                FROM ligne_heures l) l) r),
checked AS (         -- rules 2 and 9, then rule 3's first two checks, in this order
    SELECT r.id, r.participant_id, r.marche_id, m.operation_id, r.mois, r.heures, r.heures_formation, r.total,
           CASE
               WHEN r.annulee THEN 'lot_annule'
               WHEN r.remplacee THEN 'remplacee'
               WHEN p.date_eligibilite IS NULL OR cardinality(p.criteres) = 0
                    OR p.date_eligibilite > r.fin_mois THEN 'non_eligible'
               WHEN m.date_debut > r.fin_mois OR m.date_fin < r.mois THEN 'hors_periode_marche'
           END AS motif
    FROM ranked r
    JOIN participant p ON p.id = r.participant_id
    JOIN marche m ON m.id = r.marche_id),
capped AS (          -- rule 3, third check: the monthly ceiling over the lines still standing
    SELECT c.*,
           CASE WHEN c.motif IS NULL
                 AND sum(c.total) FILTER (WHERE c.motif IS NULL)
                         OVER (PARTITION BY c.participant_id, c.mois)
                     > (SELECT valeur FROM parametre WHERE cle = 'plafond_mensuel_heures')
                THEN 'depassement_plafond'
                ELSE c.motif
           END AS motif_final
    FROM checked c)
SELECT c.id AS ligne_id,
       c.participant_id,
       c.mois,
       c.motif_final AS motif,
       coalesce(fn.plie, cp.plie, t.plie) AS plie,
       -- rule 5, by the month: the fiche of the code the opération names whose period holds
       -- the month, else the single clause fiche of the PLIE whose territory holds the
       -- commune that month (v_territoire) and whose period holds it; a month outside
       -- every period counts for no fiche. Small tables, joined by equality (no per-line
       -- subquery): (plie, fiche code) names one fiche in a month (0040).
       coalesce(fn.code, fu.fiche) AS fiche,
       c.heures,
       c.heures_formation,
       c.marche_id          -- for the sums by marché and month (marche_heures_mois)
FROM capped c
JOIN operation o ON o.id = c.operation_id   -- the marché's, carried from checked
LEFT JOIN v_fiche_mois fn ON fn.code = o.fiche AND fn.mois = c.mois
LEFT JOIN v_fiche_code_plie cp ON cp.code = o.fiche
LEFT JOIN v_territoire t ON t.code_insee = o.commune_insee
                        AND extract(year FROM c.mois)::integer BETWEEN t.annee_debut AND t.annee_fin
LEFT JOIN v_fiche_clause_mois fu ON o.fiche IS NULL AND fu.plie = t.plie AND fu.mois = c.mois
                                AND fu.nombre = 1;

-- The credited hours by fiche and month (fiche_heures_mois; fiche '' for the hours of a PLIE
-- that no fiche takes, migration 0041) and by marché and month (marche_heures_mois, 0150) of
-- the given months, or of all months when p_mois is NULL, summed again from the stored
-- attribution: src/workflow/attribute.c calls it after the whole attribution (once the new rows are
-- analysed), when every line has its row in attribution. (The incremental scripts move the
-- sums by what they recomputed instead: this join would read every stored attribution for
-- one month, 0.2 s.) The sums by marché take every credited line, 90 % of them: read as
-- every line but the few not credited (a hash of those), rather than a join of all the
-- credited ones, 3.7 s instead of 6 s at a million lines on a loaded machine. Hours are
-- summed in hundredths, as integers, then times 0.01 (two decimals, as a sum of
-- numeric(7, 2)): a sum of numeric adds in numeric, 0.5 s per two sums of a million lines.
CREATE FUNCTION recalcule_heures_mois(p_mois date[]) RETURNS void LANGUAGE sql AS $$
DELETE FROM clause.fiche_heures_mois WHERE p_mois IS NULL OR mois = ANY (p_mois);
INSERT INTO clause.fiche_heures_mois (fiche, mois, plie, heures, heures_formation, lignes)
SELECT coalesce(a.fiche, ''), l.mois, a.plie, sum((l.heures * 100)::bigint) * 0.01,
       sum((l.heures_formation * 100)::bigint) * 0.01, count(*)
FROM clause.attribution a
JOIN clause.ligne_heures l ON l.id = a.ligne_id
WHERE a.motif IS NULL AND a.plie IS NOT NULL AND (p_mois IS NULL OR l.mois = ANY (p_mois))
GROUP BY coalesce(a.fiche, ''), l.mois, a.plie;
DELETE FROM clause.marche_heures_mois WHERE p_mois IS NULL OR mois = ANY (p_mois);
INSERT INTO clause.marche_heures_mois (marche_id, mois, heures, heures_formation, lignes)
SELECT l.marche_id, l.mois, sum((l.heures * 100)::bigint) FILTER (WHERE n.ligne_id IS NULL) * 0.01,
       sum((l.heures_formation * 100)::bigint) FILTER (WHERE n.ligne_id IS NULL) * 0.01,
       count(*) FILTER (WHERE n.ligne_id IS NULL)
FROM clause.ligne_heures l
LEFT JOIN (SELECT ligne_id FROM clause.attribution WHERE motif IS NOT NULL) n ON n.ligne_id = l.id
WHERE p_mois IS NULL OR l.mois = ANY (p_mois)
GROUP BY l.marche_id, l.mois
HAVING count(*) FILTER (WHERE n.ligne_id IS NULL) > 0;
$$;

-- Whether another timesheet batch covers a month between the first and the last month of
-- the batches p_lots (lot_import.mois_min, mois_max); NULL when they have no month. When
-- not, no line of those months can repeat an earlier key: the importer skips its search
-- for unchanged lines, and the attribution computes those months alone
-- (sql/attribution/mois_nouveaux.sql).
CREATE FUNCTION mois_deja_couverts(p_lots bigint[]) RETURNS boolean LANGUAGE sql STABLE AS $$
SELECT CASE WHEN r.lo IS NOT NULL THEN EXISTS (
           SELECT 1 FROM clause.lot_import o
           WHERE o.nature = 'heures' AND NOT o.id = ANY (p_lots)
             AND o.mois_min <= r.hi AND o.mois_max >= r.lo)
       END
FROM (SELECT min(mois_min) AS lo, max(mois_max) AS hi
      FROM clause.lot_import WHERE id = ANY (p_lots)) r
$$;

-- A whole attribution on several connections (src/workflow/attribute_parallel.c) writes
-- each part into a table of its own, attached in place of the former partitions of
-- attribution (0200) by its driver's swap: no row is copied, each key is built by its part.
-- The names below come from the part's number, the bounds go through format's %L.

-- In a part's transaction, before its rows (sql/attribution/tranche.sql): its table
-- clause.attribution_tranche_<p_rang>, with attribution's columns and checks and the
-- part's bounds (participants from p_debut included to p_fin excluded; NULL: no bound) as
-- a check, so that attaching it reads no row; made in this transaction, it is written
-- without WAL under wal_level = minimal. pg_temp.attribution_cible is this session's name
-- for it, which the part's statement writes into (a simple view: the rows go to the
-- table). The bounds are kept in clause.attribution_tranche_bornes for the swap.
CREATE FUNCTION attribution_tranche_creer(p_rang integer, p_debut text, p_fin text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    c record;
    v_table text := 'attribution_tranche_' || p_rang;
    v_bornes text := concat_ws(' AND ',
                               CASE WHEN p_debut IS NOT NULL THEN format('participant_id >= %L', p_debut) END,
                               CASE WHEN p_fin IS NOT NULL THEN format('participant_id < %L', p_fin) END);
BEGIN
    EXECUTE format('CREATE TABLE clause.%I (LIKE clause.attribution INCLUDING CONSTRAINTS)', v_table);
    IF v_bornes <> '' THEN
        EXECUTE format('ALTER TABLE clause.%I ADD CONSTRAINT %I CHECK (%s)',
                       v_table, v_table || '_bornes', v_bornes);
    END IF;
    EXECUTE format('ALTER TABLE clause.%I ENABLE ROW LEVEL SECURITY', v_table);
    -- attribution's statistics targets (0200), which LIKE does not copy
    FOR c IN SELECT a.attname, a.attstattarget FROM pg_attribute a
             WHERE a.attrelid = 'clause.attribution'::regclass AND a.attnum > 0
               AND NOT a.attisdropped AND a.attstattarget >= 0
    LOOP
        EXECUTE format('ALTER TABLE clause.%I ALTER COLUMN %I SET STATISTICS %s',
                       v_table, c.attname, c.attstattarget);
    END LOOP;
    EXECUTE format('CREATE OR REPLACE TEMP VIEW attribution_cible AS SELECT * FROM clause.%I', v_table);
    INSERT INTO clause.attribution_tranche_bornes (rang, debut, fin) VALUES (p_rang, p_debut, p_fin);
END
$$;

-- In a part's transaction, after its rows: its key, built in one pass, by the part's
-- process alone: the parts build theirs at once, one per core, and parallel workers beside
-- them only contend (0.19-0.22 s a part against 0.26-0.29 s with a worker each, 1M lines).
CREATE FUNCTION attribution_tranche_cle(p_rang integer) RETURNS void
LANGUAGE plpgsql SET maintenance_work_mem = '256MB' SET max_parallel_maintenance_workers = 0 AS $$
BEGIN
    EXECUTE format('ALTER TABLE clause.%I ADD CONSTRAINT %I PRIMARY KEY (ligne_id, participant_id)',
                   'attribution_tranche_' || p_rang, 'attribution_tranche_' || p_rang || '_pkey');
END
$$;

-- The swap (sql/attribution/parallele_bascule.sql), in the driver's transaction once
-- the parts have committed: the former partitions dropped, each part's table attached
-- for its bounds (MINVALUE and MAXVALUE at the ends) under the name attribution_<rang>.
-- A part whose bounds meet (a bound met twice by tranche_bornes.sql) is empty: dropped.
CREATE FUNCTION attribution_tranches_basculer() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    t regclass;
    b record;
BEGIN
    FOR t IN SELECT i.inhrelid::regclass FROM pg_inherits i
             WHERE i.inhparent = 'clause.attribution'::regclass
    LOOP
        EXECUTE format('DROP TABLE %s', t);
    END LOOP;
    FOR b IN SELECT rang, debut, fin FROM clause.attribution_tranche_bornes ORDER BY rang
    LOOP
        IF b.debut IS NOT NULL AND b.fin IS NOT NULL AND b.debut >= b.fin THEN
            EXECUTE format('DROP TABLE clause.%I', 'attribution_tranche_' || b.rang);
            CONTINUE;
        END IF;
        EXECUTE format('ALTER TABLE clause.attribution ATTACH PARTITION clause.%I FOR VALUES FROM (%s) TO (%s)',
                       'attribution_tranche_' || b.rang,
                       coalesce(quote_literal(b.debut), 'MINVALUE'), coalesce(quote_literal(b.fin), 'MAXVALUE'));
        EXECUTE format('ALTER TABLE clause.%I RENAME TO %I',
                       'attribution_tranche_' || b.rang, 'attribution_' || b.rang);
        EXECUTE format('ALTER INDEX clause.%I RENAME TO %I',
                       'attribution_tranche_' || b.rang || '_pkey', 'attribution_' || b.rang || '_pkey');
        IF b.debut IS NOT NULL OR b.fin IS NOT NULL THEN
            EXECUTE format('ALTER TABLE clause.%I RENAME CONSTRAINT %I TO %I', 'attribution_' || b.rang,
                           'attribution_tranche_' || b.rang || '_bornes', 'attribution_' || b.rang || '_bornes');
        END IF;
    END LOOP;
END
$$;
