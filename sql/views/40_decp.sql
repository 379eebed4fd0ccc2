-- DECP marchés: where each DECP marché is executed, and which ones no opération follows
-- yet (the merge of a DECP file is sql/merge/decp.sql).
-- Rules and fields: importers/README-decp.md. Re-created with the other view files.
SET search_path = clause, pg_temp;

DROP VIEW IF EXISTS v_decp_a_suivre, v_decp_localisation CASCADE;
-- the merge was a function here: it is sql/merge/decp.sql now
DROP FUNCTION IF EXISTS decp_fusionner(bigint) CASCADE;

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
