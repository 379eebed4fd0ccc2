-- Views and report functions of clause: every figure of a report is read here.
-- Re-created by `clause db migrate` whenever a file of sql/views/ changes; anyone can query them in psql.
SET search_path = clause, pg_temp;

DROP VIEW IF EXISTS v_fiche_unique, v_fiche_operation, v_ligne, v_fiche_heures_mois CASCADE;
DROP FUNCTION IF EXISTS progression_fiche(integer, date) CASCADE;

-- The single clause fiche of each PLIE and year; a PLIE with two (Grand Périgueux: GP2
-- and GP4) has none here, so its opérations must name their fiche.
CREATE VIEW v_fiche_unique AS
SELECT plie, annee, min(code) AS fiche
FROM fiche
WHERE clause_insertion
GROUP BY plie, annee
HAVING count(*) = 1;

-- Which fiche follows which opération: the one it names, else its territory's single fiche.
CREATE VIEW v_fiche_operation AS
SELECT f.code AS fiche, o.id AS operation_id
FROM operation o JOIN fiche f ON f.code = o.fiche
UNION ALL
SELECT fu.fiche, o.id
FROM operation o
JOIN plie_commune pc ON pc.code_insee = o.commune_insee
JOIN v_fiche_unique fu ON fu.plie = pc.plie AND fu.annee = pc.annee
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
-- (sql/migrations/0010), equal to summing the credited lines of v_ligne by fiche and month.
CREATE VIEW v_fiche_heures_mois AS
SELECT fiche, mois, heures, heures_formation, heures + heures_formation AS heures_total
FROM fiche_heures_mois;

-- Progress of every fiche of a year at a date (DOMAIN.md rules 7 and 8).
-- realise: credited hours of the months begun by p_date, or the things active between
--   the start of the period and p_date;
-- attendu: the target pro rata of the days of the period elapsed at p_date;
-- projection: hours at the current pace to the end of the period; for counts, the
--   things known to be active at some point of the whole period.
CREATE FUNCTION progression_fiche(p_annee integer, p_date date)
RETURNS TABLE (fiche text, plie text, titre text, rang integer, cle text, libelle text, unite text,
               cible numeric, par_etp boolean, etp numeric, etp_declare boolean, cible_effective numeric,
               suivi boolean, realise numeric, attendu numeric, projection numeric, taux numeric,
               date_debut date, date_fin date, date_calcul date)
LANGUAGE sql STABLE AS $$
WITH f AS (
    SELECT f.*, least(greatest(p_date, f.date_debut - 1), f.date_fin) AS jusqu_a,
           (least(greatest(p_date, f.date_debut - 1), f.date_fin) - f.date_debut + 1)::numeric
               / (f.date_fin - f.date_debut + 1) AS part_ecoulee
    FROM clause.fiche f
    WHERE f.annee = p_annee AND f.clause_insertion),
marches AS (         -- marchés followed by each fiche, with whether active now and over the period
    SELECT f.code AS fiche, m.id, m.forme, o.id AS operation_id, o.secteur,
           (m.date_debut <= f.jusqu_a AND m.date_fin >= f.date_debut) AS actif_a_date,
           (m.date_debut <= f.date_fin AND m.date_fin >= f.date_debut) AS actif_periode
    FROM f
    JOIN clause.v_fiche_operation fo ON fo.fiche = f.code
    JOIN clause.operation o ON o.id = fo.operation_id
    JOIN clause.marche m ON m.operation_id = o.id),
compte AS (
    SELECT f.code AS fiche, k.cle,
           CASE k.cle
             WHEN 'heures' THEN (SELECT coalesce(sum(h.heures_total), 0) FROM clause.v_fiche_heures_mois h
                                 WHERE h.fiche = f.code AND h.mois <= f.jusqu_a)
             WHEN 'marches' THEN (SELECT count(DISTINCT id) FROM marches WHERE fiche = f.code AND actif_a_date)
             WHEN 'marches_reserves' THEN (SELECT count(DISTINCT id) FROM marches WHERE fiche = f.code AND actif_a_date
                                           AND forme IN ('reserve_siae', 'reserve_ea_esat', 'insertion'))
             WHEN 'operations' THEN (SELECT count(DISTINCT operation_id) FROM marches WHERE fiche = f.code AND actif_a_date)
             WHEN 'chantiers' THEN (SELECT count(DISTINCT operation_id) FROM marches WHERE fiche = f.code AND actif_a_date)
             WHEN 'operations_hors_btp' THEN (SELECT count(DISTINCT operation_id) FROM marches
                                              WHERE fiche = f.code AND actif_a_date AND secteur <> 'btp')
             WHEN 'conventions' THEN (SELECT count(*) FROM clause.convention c
                                      WHERE c.plie = f.plie AND c.date_debut <= f.jusqu_a AND c.date_fin >= f.date_debut)
           END AS realise,
           CASE k.cle
             WHEN 'marches' THEN (SELECT count(DISTINCT id) FROM marches WHERE fiche = f.code AND actif_periode)
             WHEN 'marches_reserves' THEN (SELECT count(DISTINCT id) FROM marches WHERE fiche = f.code AND actif_periode
                                           AND forme IN ('reserve_siae', 'reserve_ea_esat', 'insertion'))
             WHEN 'operations' THEN (SELECT count(DISTINCT operation_id) FROM marches WHERE fiche = f.code AND actif_periode)
             WHEN 'chantiers' THEN (SELECT count(DISTINCT operation_id) FROM marches WHERE fiche = f.code AND actif_periode)
             WHEN 'operations_hors_btp' THEN (SELECT count(DISTINCT operation_id) FROM marches
                                              WHERE fiche = f.code AND actif_periode AND secteur <> 'btp')
             WHEN 'conventions' THEN (SELECT count(*) FROM clause.convention c
                                      WHERE c.plie = f.plie AND c.date_debut <= f.date_fin AND c.date_fin >= f.date_debut)
           END AS connu_periode
    FROM f JOIN clause.fiche_indicateur k ON k.fiche = f.code AND k.cle IS NOT NULL)
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
       f.date_debut, f.date_fin, f.jusqu_a
FROM f
JOIN clause.fiche_indicateur k ON k.fiche = f.code
LEFT JOIN compte c ON c.fiche = f.code AND c.cle = k.cle
ORDER BY f.plie, f.code, k.rang
$$;
