-- 0220: a table of lines for each new month (issue 17).
-- Since 0170 a month's lines went into their year's table. A month late in a year met the
-- indexes of every month before it in that year: each of its 41,666 lines (the bench's
-- monthly box) landed on another leaf page of the year's btrees, written whole to the
-- WAL at its first change after a checkpoint (285 of the COPY's 390 ms). Into a table made
-- by the import's transaction, its indexes as small as the month and no WAL written under
-- wal_level = minimal, the same COPY took 225-283 ms, and the month's attribution, planned
-- on a table holding the month alone, 330-390 ms instead of 540.
-- From now on a month without a table gets one of its own (ligne_heures_2023_02), made by
-- its first line (ligne_heures_mois_table(), called by the importer before it sends the
-- line). A large batch, the first load of a history, still makes a table per year, narrowed
-- at its end to the months up to its last line. The years' tables made before are
-- narrowed the same way, so that the months after them in their year get tables of their
-- own. Nothing moves: the figures are the same lines in the same tables.
SET search_path = clause, public;

-- The tables of lines and the months each holds, [debut, fin), from their bounds; the
-- default partition (ligne_heures_autres) has none.
CREATE FUNCTION ligne_heures_tables() RETURNS TABLE (nom name, debut date, fin date)
LANGUAGE sql STABLE SET search_path = clause, pg_temp AS $$
    SELECT c.relname, b[1]::date, b[2]::date
    FROM pg_inherits i
    JOIN pg_class c ON c.oid = i.inhrelid
    CROSS JOIN LATERAL regexp_match(pg_get_expr(c.relpartbound, c.oid),
                                    'FROM \(''([0-9-]+)''\) TO \(''([0-9-]+)''\)') b
    WHERE i.inhparent = 'clause.ligne_heures'::regclass AND b IS NOT NULL
$$;

-- A table of lines made empty, attached nowhere yet.
CREATE FUNCTION ligne_heures_table_creer(p_table text) RETURNS void
LANGUAGE plpgsql SET search_path = clause, pg_temp AS $$
BEGIN
    EXECUTE format('CREATE TABLE clause.%I (LIKE clause.ligne_heures INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', p_table);
END $$;

-- A table of lines not attached yet, holding only lines of [p_debut, p_fin), attached as
-- that range's table: the lines of the range waiting in ligne_heures_autres move in first,
-- a check proves the bounds (the attach reads nothing again), the attach builds its
-- indexes. As the years' tables of 0170: read through ligne_heures only, row-level
-- security without policy. A month's statistics from 3,000 lines rather than 30,000: an
-- ANALYZE of ligne_heures goes through every table of lines (25 months of 41,666 lines:
-- 3.4 s at the default target, 0.4 s at 10, its own sample of the whole unchanged), and a
-- month's lines are a few lots, one month and their participants.
CREATE FUNCTION ligne_heures_table_attacher(p_table name, p_debut date, p_fin date) RETURNS void
LANGUAGE plpgsql SET search_path = clause, pg_temp AS $$
BEGIN
    EXECUTE format('INSERT INTO clause.%I SELECT * FROM ONLY clause.ligne_heures_autres '
                   'WHERE mois >= $1 AND mois < $2', p_table) USING p_debut, p_fin;
    DELETE FROM ONLY ligne_heures_autres WHERE mois >= p_debut AND mois < p_fin;
    EXECUTE format('ALTER TABLE clause.%I ADD CONSTRAINT ligne_heures_bornes_0220 '
                   'CHECK (mois >= %L AND mois < %L)', p_table, p_debut, p_fin);
    EXECUTE format('ALTER TABLE clause.ligne_heures ATTACH PARTITION clause.%I FOR VALUES FROM (%L) TO (%L)',
                   p_table, p_debut, p_fin);
    EXECUTE format('ALTER TABLE clause.%I DROP CONSTRAINT ligne_heures_bornes_0220', p_table);
    EXECUTE format('ALTER TABLE clause.%I ENABLE ROW LEVEL SECURITY', p_table);
    IF p_fin = (p_debut + interval '1 month')::date THEN
        EXECUTE (SELECT format('ALTER TABLE clause.%I ', p_table)
                        || string_agg(format('ALTER COLUMN %I SET STATISTICS 10', a.attname), ', ' ORDER BY a.attnum)
                 FROM pg_attribute a
                 WHERE a.attrelid = 'clause.ligne_heures'::regclass AND a.attnum > 0 AND NOT a.attisdropped);
    END IF;
END $$;

-- The table of the month of p_mois, made once (the lock serialises two imports reaching
-- a new month together), empty but for the lines of that month waiting in
-- ligne_heures_autres. For an import that sends its lines through ligne_heures: another
-- user's, or a large batch's. With p_annee (a large batch, whose indexes are built after
-- its COPY: a table per month would cost it an ANALYZE and the syncs of a dozen tables a
-- year), a year no table touches gets a year's table instead, narrowed when the batch ends
-- (ligne_heures_annees_resserrer()). True when a table holds the month, false for a month
-- outside 2000-2099 (a typing slip: its lines stay in ligne_heures_autres). Owned by the
-- schema's owner whoever imports, for any user who may add lines.
CREATE FUNCTION ligne_heures_mois_table(p_mois date, p_annee boolean DEFAULT false) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = clause, pg_temp AS $$
DECLARE
    m_debut date := date_trunc('month', p_mois)::date;
    m_fin   date := (date_trunc('month', p_mois) + interval '1 month')::date;
    a_debut date := date_trunc('year', p_mois)::date;
    a_fin   date := (date_trunc('year', p_mois) + interval '1 year')::date;
    nom     text := 'ligne_heures_' || to_char(p_mois, 'YYYY_MM');
BEGIN
    IF NOT has_table_privilege(session_user, 'clause.ligne_heures', 'INSERT') THEN
        RAISE EXCEPTION 'droit d''ajouter des lignes d''heures requis pour créer la table du mois %',
            to_char(p_mois, 'YYYY-MM')
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF date_part('year', p_mois) NOT BETWEEN 2000 AND 2099 THEN
        RETURN false;
    END IF;
    IF EXISTS (SELECT 1 FROM ligne_heures_tables() t WHERE m_debut >= t.debut AND m_debut < t.fin) THEN
        RETURN true;
    END IF;
    LOCK TABLE ligne_heures_autres IN SHARE ROW EXCLUSIVE MODE;
    IF EXISTS (SELECT 1 FROM ligne_heures_tables() t WHERE m_debut >= t.debut AND m_debut < t.fin) THEN
        RETURN true;
    END IF;
    IF p_annee AND NOT EXISTS (SELECT 1 FROM ligne_heures_tables() t WHERE t.debut < a_fin AND t.fin > a_debut) THEN
        m_debut := a_debut;
        m_fin := a_fin;
        nom := 'ligne_heures_' || to_char(p_mois, 'YYYY');
    END IF;
    PERFORM ligne_heures_table_creer(nom);
    PERFORM ligne_heures_table_attacher(nom, m_debut, m_fin);
    RETURN true;
END $$;

-- The owner's import of a month (importers/heures_load.c) COPYs its lines into a table of
-- the batch's own, made in its transaction and attached nowhere: no index kept up line by
-- line, no WAL under wal_level = minimal (the bench's month: 130-200 ms for the COPY and
-- the indexes built after, against 225-283 ms through a month's table attached empty).
CREATE FUNCTION ligne_heures_lot_creer(p_lot bigint) RETURNS text
LANGUAGE plpgsql SET search_path = clause, pg_temp AS $$
DECLARE
    nom text := 'ligne_heures_lot_' || p_lot;
BEGIN
    PERFORM ligne_heures_table_creer(nom);
    RETURN nom;
END $$;

-- After that COPY, the batch's lines put where they belong: those of months that have a
-- table (or none to have, outside 2000-2099) through ligne_heures; the batch's table
-- becomes the table of its new month with the most lines (renamed ligne_heures_AAAA_MM,
-- attached); any other new month gets a table of its own, filled from it. A batch of one
-- new month, the usual file, moves no line. Each new table is analysed (a month's 41,666
-- lines: 8 ms at its statistics target of 10): without statistics, the next import of the
-- same month planned its unchanged lines' lookup as a loop of each line over all the others.
CREATE FUNCTION ligne_heures_lot_ranger(p_lot bigint) RETURNS void
LANGUAGE plpgsql SET search_path = clause, pg_temp AS $$
DECLARE
    lot      text := 'ligne_heures_lot_' || p_lot;
    nouveaux date[];
    m        date;
    nom      text;
BEGIN
    LOCK TABLE ligne_heures_autres IN SHARE ROW EXCLUSIVE MODE;
    EXECUTE format('SELECT array_agg(n.mois ORDER BY n.lignes DESC, n.mois) '
                   'FROM (SELECT mois, count(*) AS lignes FROM clause.%I GROUP BY mois) n '
                   'WHERE date_part(''year'', n.mois) BETWEEN 2000 AND 2099 AND NOT EXISTS '
                   '(SELECT 1 FROM ligne_heures_tables() t WHERE n.mois >= t.debut AND n.mois < t.fin)', lot)
        INTO nouveaux;
    nouveaux := coalesce(nouveaux, '{}');
    EXECUTE format('WITH partis AS (DELETE FROM clause.%I WHERE mois <> ALL ($1) RETURNING *) '
                   'INSERT INTO ligne_heures SELECT * FROM partis', lot) USING nouveaux;
    IF cardinality(nouveaux) = 0 THEN
        EXECUTE format('DROP TABLE clause.%I', lot);
        RETURN;
    END IF;
    FOREACH m IN ARRAY nouveaux[2:] LOOP
        nom := 'ligne_heures_' || to_char(m, 'YYYY_MM');
        PERFORM ligne_heures_table_creer(nom);
        EXECUTE format('WITH partis AS (DELETE FROM clause.%I WHERE mois = $1 RETURNING *) '
                       'INSERT INTO clause.%I SELECT * FROM partis', lot, nom) USING m;
        PERFORM ligne_heures_table_attacher(nom, m, (m + interval '1 month')::date);
        EXECUTE format('ANALYZE clause.%I', nom);
    END LOOP;
    m := nouveaux[1];
    nom := 'ligne_heures_' || to_char(m, 'YYYY_MM');
    EXECUTE format('ALTER TABLE clause.%I RENAME TO %I', lot, nom);
    PERFORM ligne_heures_table_attacher(nom, m, (m + interval '1 month')::date);
    -- analysed here: building its indexes gave it a row count, and
    -- sql/bulk/ligne_heures_annees_analyse.sql takes only the tables without one
    EXECUTE format('ANALYZE clause.%I', nom);
END $$;

-- A year's table narrowed to the months up to its last line, so that the months after it
-- get tables of their own; a check proves the new bounds, so the attach reads nothing
-- again. A table without lines, or with lines in December, keeps its year.
CREATE FUNCTION ligne_heures_annee_resserrer(p_table name) RETURNS void
LANGUAGE plpgsql SET search_path = clause, pg_temp AS $$
DECLARE
    t   record;
    fin date;
BEGIN
    SELECT * INTO t FROM ligne_heures_tables() WHERE nom = p_table;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    EXECUTE format('SELECT (max(mois) + interval ''1 month'')::date FROM ONLY clause.%I', t.nom) INTO fin;
    IF fin IS NULL OR fin >= t.fin THEN
        RETURN;
    END IF;
    EXECUTE format('ALTER TABLE clause.%I ADD CONSTRAINT ligne_heures_bornes_0220 '
                   'CHECK (mois >= %L AND mois < %L)', t.nom, t.debut, fin);
    EXECUTE format('ALTER TABLE clause.ligne_heures DETACH PARTITION clause.%I', t.nom);
    EXECUTE format('ALTER TABLE clause.ligne_heures ATTACH PARTITION clause.%I FOR VALUES FROM (%L) TO (%L)',
                   t.nom, t.debut, fin);
    EXECUTE format('ALTER TABLE clause.%I DROP CONSTRAINT ligne_heures_bornes_0220', t.nom);
END $$;

-- At the end of a large batch (importers/sink_heures.c), before its indexes are built: the
-- years' tables it made (their pg_class row written by this transaction) among p_annees,
-- the years it sent lines of but none of December (a year ending in December keeps its
-- table whole: no scan of it).
CREATE FUNCTION ligne_heures_annees_resserrer(p_annees integer[]) RETURNS void
LANGUAGE plpgsql SET search_path = clause, pg_temp AS $$
DECLARE
    t name;
BEGIN
    FOR t IN SELECT c.relname FROM ligne_heures_tables() lt JOIN pg_class c
                 ON c.relname = lt.nom AND c.relnamespace = 'clause'::regnamespace
             WHERE lt.nom ~ '^ligne_heures_[0-9]{4}$' AND age(c.xmin) = 0
               AND date_part('year', lt.debut)::integer = ANY (p_annees)
             ORDER BY 1 LOOP
        PERFORM ligne_heures_annee_resserrer(t);
    END LOOP;
END $$;

-- What only the owner's imports call (they make and attach tables): no one else's to run.
REVOKE EXECUTE ON FUNCTION ligne_heures_table_creer(text), ligne_heures_table_attacher(name, date, date),
    ligne_heures_lot_creer(bigint),
    ligne_heures_lot_ranger(bigint), ligne_heures_annee_resserrer(name),
    ligne_heures_annees_resserrer(integer[]) FROM PUBLIC;

-- Every year's table made before, narrowed.
SELECT ligne_heures_annee_resserrer(nom) FROM ligne_heures_tables()
WHERE nom ~ '^ligne_heures_[0-9]{4}$' ORDER BY nom;

-- No table is made by year but by a large batch (IF EXISTS: a test of the upgrade to 0170
-- applies this migration first).
DROP FUNCTION IF EXISTS ligne_heures_annee(integer);
