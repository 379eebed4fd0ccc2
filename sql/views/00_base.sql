-- Views and report functions of clause: every figure of a report is read here.
-- Re-created by `clause db migrate` whenever a file of sql/views/ changes; anyone can query them in psql.
SET search_path = clause, pg_temp;

DROP VIEW IF EXISTS v_territoire, v_fiche_mois, v_fiche_clause_mois, v_fiche_code_plie,
    v_fiche_operation, v_ligne, v_fiche_heures_mois CASCADE;
DROP FUNCTION IF EXISTS progression_fiche(integer, date) CASCADE;
DROP FUNCTION IF EXISTS territoire_repli(integer, text) CASCADE;
DROP FUNCTION IF EXISTS heures_sans_fiche(date, date, text) CASCADE;

-- Each commune's PLIE as years: a PLIE's territory of a year holds until a later year of
-- that PLIE replaces it (DOMAIN.md, "Years"), or until a later year of another PLIE lists
-- the commune. The intervals of one commune never overlap (plie_commune holds one PLIE per
-- commune and year), so a join on (code_insee, annee BETWEEN) finds at most one row.
-- annee_fin 9999: no later year is known.
CREATE VIEW v_territoire AS
WITH annees AS (
    SELECT plie, annee, lead(annee) OVER (PARTITION BY plie ORDER BY annee) AS suivante
    FROM (SELECT DISTINCT plie, annee FROM plie_commune) y)
SELECT pc.plie, pc.code_insee, pc.commune, pc.confirme, pc.annee AS annee_debut,
       least(coalesce(a.suivante, 10000),
             coalesce(lead(pc.annee) OVER (PARTITION BY pc.code_insee ORDER BY pc.annee), 10000)) - 1
           AS annee_fin
FROM plie_commune pc
JOIN annees a ON a.plie = pc.plie AND a.annee = pc.annee;

-- Every month of every fiche's period (a month counts when the period holds any of its days).
CREATE VIEW v_fiche_mois AS
SELECT f.id AS fiche_id, f.plie, f.code, f.clause_insertion, m.mois::date AS mois
FROM fiche f
CROSS JOIN LATERAL generate_series(date_trunc('month', f.date_debut), f.date_fin::timestamp,
                                   interval '1 month') AS m(mois);

-- The clause fiches of each PLIE and month. nombre = 1: the single one, which follows the
-- opérations that name none; Grand Périgueux has two (GP2 ou GP4), so its opérations must
-- name theirs.
CREATE VIEW v_fiche_clause_mois AS
SELECT plie, mois, count(*) AS nombre, min(fiche_id) AS fiche_id, min(code) AS fiche,
       string_agg(code, ' ou ' ORDER BY code) AS fiches
FROM v_fiche_mois
WHERE clause_insertion
GROUP BY plie, mois;

-- The PLIE of each fiche code, whatever the period (an opération naming B1 belongs to
-- Bordeaux even in a month no B1 covers); a code of two PLIE names neither.
CREATE VIEW v_fiche_code_plie AS
SELECT code, min(plie) AS plie
FROM fiche
GROUP BY code
HAVING count(DISTINCT plie) = 1;

-- Which fiche follows which opération: every fiche of the code it names, else the single
-- clause fiche of the PLIE whose territory holds its commune in some month of the period.
CREATE VIEW v_fiche_operation AS
SELECT f.id AS fiche_id, f.code AS fiche, o.id AS operation_id
FROM operation o JOIN fiche f ON f.code = o.fiche
UNION
SELECT fc.fiche_id, fc.fiche, o.id
FROM operation o
JOIN v_territoire t ON t.code_insee = o.commune_insee
JOIN v_fiche_clause_mois fc ON fc.plie = t.plie AND fc.nombre = 1
                           AND extract(year FROM fc.mois)::integer BETWEEN t.annee_debut AND t.annee_fin
WHERE o.fiche IS NULL;

-- Every timesheet line with its attribution and its provenance (batch, file, checksum, line).
CREATE VIEW v_ligne AS
SELECT l.id AS ligne_id, l.participant_id, l.employeur_siret, l.marche_id, m.operation_id,
       o.donneur_id, a.plie, a.fiche, l.mois, l.heures, l.heures_formation,
       l.heures + l.heures_formation AS heures_total,
       l.type_contrat, l.modalite,
       a.motif, a.motif IS NULL AS credite,
       l.lot_id, b.fichier, b.sha256, l.ligne
FROM ligne_heures l
JOIN attribution a ON a.ligne_id = l.id
JOIN lot_import b ON b.id = l.lot_id
JOIN marche m ON m.id = l.marche_id
JOIN operation o ON o.id = m.operation_id;

-- Credited hours by fiche and month (worked + training): the sums the attribution keeps
-- (sql/migrations/0010), equal to summing the credited lines of v_ligne by fiche and month;
-- fiche_id is the fiche of that PLIE and code whose period holds the month.
CREATE VIEW v_fiche_heures_mois AS
SELECT h.fiche, fm.fiche_id, h.plie, h.mois, h.heures, h.heures_formation,
       h.heures + h.heures_formation AS heures_total
FROM fiche_heures_mois h
JOIN v_fiche_mois fm ON fm.plie = h.plie AND fm.code = h.fiche AND fm.mois = h.mois;

-- Progress at a date of every clause fiche whose period overlaps the year p_annee
-- (DOMAIN.md rules 7 and 8); a fiche over several years has its targets for its whole period.
-- realise: credited hours of the months begun by p_date, or the things active between
--   the start of the period and p_date;
-- attendu: the target pro rata of the days of the whole period elapsed at p_date;
-- projection: hours at the current pace to the end of the period; for counts, the
--   things known to be active at some point of the whole period.
CREATE FUNCTION progression_fiche(p_annee integer, p_date date)
RETURNS TABLE (fiche text, plie text, titre text, rang integer, cle text, libelle text, unite text,
               cible numeric, par_etp boolean, etp numeric, etp_declare boolean, cible_effective numeric,
               suivi boolean, realise numeric, attendu numeric, projection numeric, taux numeric,
               date_debut date, date_fin date, date_calcul date, fiche_id integer)
LANGUAGE sql STABLE AS $$
WITH f AS (
    SELECT f.*, least(greatest(p_date, f.date_debut - 1), f.date_fin) AS jusqu_a,
           (least(greatest(p_date, f.date_debut - 1), f.date_fin) - f.date_debut + 1)::numeric
               / (f.date_fin - f.date_debut + 1) AS part_ecoulee
    FROM clause.fiche f
    WHERE f.date_debut <= make_date(p_annee, 12, 31) AND f.date_fin >= make_date(p_annee, 1, 1)
      AND f.clause_insertion),
marches AS (         -- marchés followed by each fiche, with whether active now and over the period
    SELECT f.id AS fiche, m.id, m.forme, o.id AS operation_id, o.secteur,
           (m.date_debut <= f.jusqu_a AND m.date_fin >= f.date_debut) AS actif_a_date,
           (m.date_debut <= f.date_fin AND m.date_fin >= f.date_debut) AS actif_periode
    FROM f
    JOIN clause.v_fiche_operation fo ON fo.fiche_id = f.id
    JOIN clause.operation o ON o.id = fo.operation_id
    JOIN clause.marche m ON m.operation_id = o.id),
compte AS (
    SELECT f.id AS fiche, k.cle,
           CASE k.cle
             WHEN 'heures' THEN (SELECT coalesce(sum(h.heures + h.heures_formation), 0)
                                 FROM clause.fiche_heures_mois h
                                 WHERE h.plie = f.plie AND h.fiche = f.code
                                   AND h.mois >= date_trunc('month', f.date_debut) AND h.mois <= f.jusqu_a)
             WHEN 'marches' THEN (SELECT count(DISTINCT id) FROM marches WHERE fiche = f.id AND actif_a_date)
             WHEN 'marches_reserves' THEN (SELECT count(DISTINCT id) FROM marches WHERE fiche = f.id AND actif_a_date
                                           AND forme IN ('reserve_siae', 'reserve_ea_esat', 'insertion'))
             WHEN 'operations' THEN (SELECT count(DISTINCT operation_id) FROM marches WHERE fiche = f.id AND actif_a_date)
             WHEN 'chantiers' THEN (SELECT count(DISTINCT operation_id) FROM marches WHERE fiche = f.id AND actif_a_date)
             WHEN 'operations_hors_btp' THEN (SELECT count(DISTINCT operation_id) FROM marches
                                              WHERE fiche = f.id AND actif_a_date AND secteur <> 'btp')
             WHEN 'conventions' THEN (SELECT count(*) FROM clause.convention c
                                      WHERE c.plie = f.plie AND c.date_debut <= f.jusqu_a AND c.date_fin >= f.date_debut)
           END AS realise,
           CASE k.cle
             WHEN 'marches' THEN (SELECT count(DISTINCT id) FROM marches WHERE fiche = f.id AND actif_periode)
             WHEN 'marches_reserves' THEN (SELECT count(DISTINCT id) FROM marches WHERE fiche = f.id AND actif_periode
                                           AND forme IN ('reserve_siae', 'reserve_ea_esat', 'insertion'))
             WHEN 'operations' THEN (SELECT count(DISTINCT operation_id) FROM marches WHERE fiche = f.id AND actif_periode)
             WHEN 'chantiers' THEN (SELECT count(DISTINCT operation_id) FROM marches WHERE fiche = f.id AND actif_periode)
             WHEN 'operations_hors_btp' THEN (SELECT count(DISTINCT operation_id) FROM marches
                                              WHERE fiche = f.id AND actif_periode AND secteur <> 'btp')
             WHEN 'conventions' THEN (SELECT count(*) FROM clause.convention c
                                      WHERE c.plie = f.plie AND c.date_debut <= f.date_fin AND c.date_fin >= f.date_debut)
           END AS connu_periode
    FROM f JOIN clause.fiche_indicateur k ON k.fiche_id = f.id AND k.cle IS NOT NULL)
SELECT f.code, f.plie, f.titre, k.rang, k.cle, k.libelle, k.unite,
       k.cible, k.par_etp, coalesce(f.etp_declares, 1), f.etp_declares IS NOT NULL,
       CASE WHEN k.par_etp THEN k.cible * coalesce(f.etp_declares, 1) ELSE k.cible END,
       k.cle IS NOT NULL,
       c.realise,
       CASE WHEN k.cle IS NOT NULL THEN
           round((CASE WHEN k.par_etp THEN k.cible * coalesce(f.etp_declares, 1) ELSE k.cible END)
                 * f.part_ecoulee, 2) END,
       CASE WHEN k.cle = 'heures' THEN
                CASE WHEN f.part_ecoulee > 0 THEN round(c.realise / f.part_ecoulee, 2) END
            ELSE c.connu_periode END,
       CASE WHEN k.cle IS NOT NULL THEN
           round(c.realise / (CASE WHEN k.par_etp THEN k.cible * coalesce(f.etp_declares, 1) ELSE k.cible END), 4) END,
       f.date_debut, f.date_fin, f.jusqu_a, f.id
FROM f
JOIN clause.fiche_indicateur k ON k.fiche_id = f.id
LEFT JOIN compte c ON c.fiche = f.id AND c.cle = k.cle
ORDER BY f.plie, f.code, f.date_debut, k.rang
$$;

-- The PLIE whose territory of year p_annee is an earlier year's, because that year's was
-- never loaded (DOMAIN.md, "Years"): the reports say which year they used.
CREATE FUNCTION territoire_repli(p_annee integer, p_plie text DEFAULT NULL)
RETURNS TABLE (plie text, annee_territoire integer)
LANGUAGE sql STABLE AS $$
SELECT pc.plie, max(pc.annee)
FROM clause.plie_commune pc
WHERE pc.annee <= p_annee AND (p_plie IS NULL OR pc.plie = p_plie)
GROUP BY pc.plie
HAVING max(pc.annee) < p_annee
ORDER BY pc.plie
$$;

-- Credited hours of the months p_debut to p_fin that no fiche takes, by PLIE and reason
-- (DOMAIN.md rule 5), read from the sums the attribution keeps (fiche_heures_mois, fiche '').
-- The reason is the month's: when the PLIE has several clause fiches that month, its
-- opérations must name theirs; when it has one, the hours come from opérations naming a
-- fiche whose period does not hold the month; when it has none, no fiche covers the month.
CREATE FUNCTION heures_sans_fiche(p_debut date, p_fin date, p_plie text DEFAULT NULL)
RETURNS TABLE (plie text, motif text, mois integer, lignes bigint, heures numeric)
LANGUAGE sql STABLE AS $$
SELECT h.plie,
       CASE WHEN fc.nombre > 1
                THEN 'opération sans fiche (' || p.nom || ') : ' || fc.fiches || ' à choisir'
            WHEN fc.nombre = 1
                THEN 'opération nommant une fiche dont la période ne couvre pas le mois'
            ELSE 'aucune fiche clause du PLIE ne couvre le mois'
       END,
       count(*)::integer, sum(h.lignes)::bigint, sum(h.heures + h.heures_formation)
FROM clause.fiche_heures_mois h
JOIN clause.plie p ON p.code = h.plie
LEFT JOIN clause.v_fiche_clause_mois fc ON fc.plie = h.plie AND fc.mois = h.mois
WHERE h.fiche = '' AND h.mois >= p_debut AND h.mois <= p_fin
  AND (p_plie IS NULL OR h.plie = p_plie)
GROUP BY 1, 2
ORDER BY 1, 5 DESC, 2
$$;
