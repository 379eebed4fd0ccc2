-- DECP marchés: the merge of an imported DECP file (run by importers/decp.c on its stage),
-- where each DECP marché is executed, and which ones no opération follows yet.
-- Rules and fields: importers/README-decp.md. Re-created with the other view files.
SET search_path = clause, pg_temp;

DROP VIEW IF EXISTS v_decp_a_suivre, v_decp_localisation CASCADE;
DROP FUNCTION IF EXISTS decp_fusionner(bigint) CASCADE;

-- Merges the temporary table decp_stage (one row per marché with a social consideration,
-- or per rejected marché: motif set) into donneur, entreprise, marche and rejet, for
-- batch p_lot. Returns the marchés created or changed, unchanged, rejected, and the
-- earlier occurrences of a marché repeated in the file (the last occurrence stands).
-- Names given by DECP replace only the names DECP itself set before (batches of nature
-- 'decp'); what a referential file said is kept. A marché that an opération follows, or
-- that came from a marchés file, keeps its data: only its DECP columns are refreshed.
CREATE FUNCTION decp_fusionner(p_lot bigint)
RETURNS TABLE (charges bigint, inchanges bigint, rejetes bigint, doublons bigint)
LANGUAGE plpgsql AS $$
DECLARE
    n bigint;
    changed bigint := 0;
BEGIN
    UPDATE decp_stage s SET remplace = true
    FROM (SELECT ligne, row_number() OVER (PARTITION BY decp_uid ORDER BY ligne DESC) AS rang
          FROM decp_stage WHERE motif IS NULL) r
    WHERE r.ligne = s.ligne AND r.rang > 1;

    INSERT INTO clause.rejet (lot_id, ligne, colonne, motif, contenu)
    SELECT p_lot, ligne, colonne, motif, contenu FROM decp_stage WHERE motif IS NOT NULL;

    -- donneurs d'ordre: the last name given in the file, else a placeholder
    INSERT INTO clause.donneur (id, nom, type, lot_id, ligne)
    SELECT DISTINCT ON (acheteur_id) acheteur_id, coalesce(acheteur_nom, 'Acheteur SIRET ' || acheteur_id),
           coalesce(acheteur_type, 'etablissement_public'), p_lot, ligne
    FROM decp_stage WHERE motif IS NULL
    ORDER BY acheteur_id, acheteur_nom IS NULL, ligne DESC
    ON CONFLICT (id) DO NOTHING;

    UPDATE clause.donneur t SET nom = d.acheteur_nom, type = coalesce(d.acheteur_type, t.type),
                                lot_id = p_lot, ligne = d.ligne
    FROM (SELECT DISTINCT ON (acheteur_id) acheteur_id, acheteur_nom, acheteur_type, ligne
          FROM decp_stage WHERE motif IS NULL AND acheteur_nom IS NOT NULL
          ORDER BY acheteur_id, ligne DESC) d, clause.lot_import b
    WHERE t.id = d.acheteur_id AND b.id = t.lot_id AND b.nature = 'decp' AND t.lot_id <> p_lot
      AND (t.nom, t.type) IS DISTINCT FROM (d.acheteur_nom, coalesce(d.acheteur_type, t.type));

    -- titulaires identified by SIRET
    INSERT INTO clause.entreprise (siret, raison_sociale, type, lot_id, ligne)
    SELECT DISTINCT ON (u.siret) u.siret, coalesce(u.nom, 'Titulaire SIRET ' || u.siret), 'entreprise', p_lot, s.ligne
    FROM decp_stage s, unnest(s.titulaires_siret, s.titulaires_nom) AS u (siret, nom)
    WHERE s.motif IS NULL
    ORDER BY u.siret, u.nom IS NULL, s.ligne DESC
    ON CONFLICT (siret) DO NOTHING;

    UPDATE clause.entreprise t SET raison_sociale = e.nom, lot_id = p_lot, ligne = e.ligne
    FROM (SELECT DISTINCT ON (u.siret) u.siret, u.nom, s.ligne
          FROM decp_stage s, unnest(s.titulaires_siret, s.titulaires_nom) AS u (siret, nom)
          WHERE s.motif IS NULL AND u.nom IS NOT NULL
          ORDER BY u.siret, s.ligne DESC) e, clause.lot_import b
    WHERE t.siret = e.siret AND b.id = t.lot_id AND b.nature = 'decp' AND t.lot_id <> p_lot
      AND t.raison_sociale <> e.nom;

    -- marchés still in DECP's hands (no opération yet): DECP keeps them up to date
    UPDATE clause.marche m
    SET intitule = s.objet, attributaire_siret = s.titulaires_siret[1], forme = s.forme,
        date_debut = s.date_debut, date_fin = s.date_fin, montant_ht = s.montant,
        acheteur_id = s.acheteur_id, considerations_sociales = s.considerations,
        lieu_execution_code = s.lieu_code, lieu_execution_type = s.lieu_type, duree_mois = s.duree_mois,
        lot_id = p_lot, ligne = s.ligne
    FROM (SELECT *, (date_debut + make_interval(months => coalesce(duree_mois, 0)))::date AS date_fin
          FROM decp_stage WHERE motif IS NULL AND NOT remplace) s
    WHERE m.id = s.decp_uid AND m.source = 'decp' AND m.operation_id IS NULL
      AND (m.intitule, m.attributaire_siret, m.forme, m.date_debut, m.date_fin, m.montant_ht, m.acheteur_id,
           m.considerations_sociales, m.lieu_execution_code, m.lieu_execution_type, m.duree_mois)
          IS DISTINCT FROM
          (s.objet, s.titulaires_siret[1], s.forme, s.date_debut, s.date_fin, s.montant, s.acheteur_id,
           s.considerations, s.lieu_code, s.lieu_type, s.duree_mois);
    GET DIAGNOSTICS n = ROW_COUNT;
    changed := changed + n;

    -- marchés an opération follows, or from a marchés file: the facilitateur's data stands
    UPDATE clause.marche m
    SET decp_uid = s.decp_uid, acheteur_id = s.acheteur_id, considerations_sociales = s.considerations,
        lieu_execution_code = s.lieu_code, lieu_execution_type = s.lieu_type, duree_mois = s.duree_mois
    FROM decp_stage s
    WHERE s.motif IS NULL AND NOT s.remplace AND m.id = s.decp_uid
      AND NOT (m.source = 'decp' AND m.operation_id IS NULL)
      AND (m.decp_uid, m.acheteur_id, m.considerations_sociales, m.lieu_execution_code,
           m.lieu_execution_type, m.duree_mois)
          IS DISTINCT FROM
          (s.decp_uid, s.acheteur_id, s.considerations, s.lieu_code, s.lieu_type, s.duree_mois);
    GET DIAGNOSTICS n = ROW_COUNT;
    changed := changed + n;

    INSERT INTO clause.marche (id, operation_id, lot, intitule, attributaire_siret, forme, date_debut, date_fin,
                               montant_ht, heures_prevues, lot_id, ligne, source, decp_uid, acheteur_id,
                               considerations_sociales, lieu_execution_code, lieu_execution_type, duree_mois)
    SELECT s.decp_uid, NULL, NULL, s.objet, s.titulaires_siret[1], s.forme, s.date_debut,
           (s.date_debut + make_interval(months => coalesce(s.duree_mois, 0)))::date,
           s.montant, NULL, p_lot, s.ligne, 'decp', s.decp_uid, s.acheteur_id,
           s.considerations, s.lieu_code, s.lieu_type, s.duree_mois
    FROM decp_stage s
    WHERE s.motif IS NULL AND NOT s.remplace
      AND NOT EXISTS (SELECT 1 FROM clause.marche m WHERE m.id = s.decp_uid);
    GET DIAGNOSTICS n = ROW_COUNT;
    changed := changed + n;

    RETURN QUERY
    SELECT changed,
           count(*) FILTER (WHERE motif IS NULL AND NOT remplace) - changed,
           count(*) FILTER (WHERE motif IS NOT NULL),
           count(*) FILTER (WHERE remplace)
    FROM decp_stage;
END
$$;

-- Where each DECP marché is executed, as far as the data tells, and so which PLIE's
-- territory holds it (plie NULL: in none, or not known). In this order:
--   lieu_commune  the place of execution is an INSEE commune code ("Code commune");
--   code_postal   it is a postal code of code_postal_commune whose communes all give
--                 the same answer (all in one PLIE, or all in none);
--   acheteur      else the buyer's commune (donneur.commune_insee), when known.
-- A commune's PLIE is that of the year the marché starts, else of the nearest year known.
CREATE VIEW v_decp_localisation AS
WITH m AS (
    SELECT id, acheteur_id, lieu_execution_type, lieu_execution_code,
           extract(year FROM date_debut)::integer AS annee
    FROM marche WHERE source = 'decp'),
lieu AS (
    SELECT m.id, 'lieu_commune' AS par, upper(m.lieu_execution_code) AS code_insee, NULL::text AS nom, m.annee
    FROM m
    WHERE m.lieu_execution_type = 'code_commune' AND m.lieu_execution_code ~ '^[0-9][0-9ABab][0-9]{3}$'
    UNION ALL
    SELECT m.id, 'code_postal', cp.code_insee, cp.commune, m.annee
    FROM m JOIN code_postal_commune cp ON cp.code_postal = m.lieu_execution_code
    WHERE m.lieu_execution_type = 'code_postal'),
lieu_plie AS (
    SELECT l.id, l.par, l.code_insee, coalesce(p.commune, l.nom) AS commune, p.plie
    FROM lieu l
    LEFT JOIN LATERAL (SELECT pc.plie, pc.commune FROM plie_commune pc WHERE pc.code_insee = l.code_insee
                       ORDER BY abs(pc.annee - l.annee), pc.annee DESC LIMIT 1) p ON true),
lieu_resolu AS (
    SELECT id, min(par) AS par, min(plie) AS plie,
           CASE WHEN count(*) = 1 THEN min(code_insee) END AS code_insee,
           string_agg(coalesce(commune, code_insee), ' ou ' ORDER BY commune) AS communes
    FROM lieu_plie
    GROUP BY id
    HAVING count(DISTINCT coalesce(plie, '')) = 1)
SELECT m.id AS marche_id,
       CASE WHEN r.id IS NOT NULL THEN r.par WHEN d.commune_insee IS NOT NULL THEN 'acheteur' END AS localisation,
       CASE WHEN r.id IS NOT NULL THEN r.code_insee ELSE d.commune_insee END AS code_insee,
       CASE WHEN r.id IS NOT NULL THEN r.communes ELSE coalesce(pa.commune, d.commune_insee) END AS communes,
       CASE WHEN r.id IS NOT NULL THEN r.plie ELSE pa.plie END AS plie
FROM m
LEFT JOIN lieu_resolu r ON r.id = m.id
LEFT JOIN donneur d ON d.id = m.acheteur_id
LEFT JOIN LATERAL (SELECT pc.plie, pc.commune FROM plie_commune pc WHERE pc.code_insee = d.commune_insee
                   ORDER BY abs(pc.annee - m.annee), pc.annee DESC LIMIT 1) pa ON r.id IS NULL;

-- DECP marchés that no opération follows yet, in a PLIE's territory (clause report decp-a-suivre).
CREATE VIEW v_decp_a_suivre AS
SELECT l.plie, m.id AS marche_id, m.acheteur_id, d.nom AS acheteur, m.intitule AS objet, m.forme,
       array_to_string(m.considerations_sociales, ', ') AS considerations_sociales,
       m.date_debut AS date_notification, m.duree_mois, m.date_fin, m.montant_ht,
       m.attributaire_siret, e.raison_sociale AS attributaire,
       m.lieu_execution_type, m.lieu_execution_code, l.localisation, l.code_insee, l.communes,
       m.lot_id, b.fichier, m.ligne
FROM marche m
JOIN v_decp_localisation l ON l.marche_id = m.id
JOIN donneur d ON d.id = m.acheteur_id
JOIN entreprise e ON e.siret = m.attributaire_siret
JOIN lot_import b ON b.id = m.lot_id
WHERE m.operation_id IS NULL AND l.plie IS NOT NULL;
