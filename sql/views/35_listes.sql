-- What clause knows, listed (clause list …): each function takes an optional PLIE code
-- and an optional text searched in the row, ignoring case.
-- Try: SELECT * FROM clause.liste_marches('bordeaux', 'quais');
SET search_path = clause, pg_temp;

DROP FUNCTION IF EXISTS liste_donneurs(text, text) CASCADE;
DROP FUNCTION IF EXISTS liste_operations(text, text) CASCADE;
DROP FUNCTION IF EXISTS liste_marches(text, text) CASCADE;
DROP FUNCTION IF EXISTS liste_entreprises(text, text) CASCADE;
DROP FUNCTION IF EXISTS liste_participants(text, text) CASCADE;
DROP FUNCTION IF EXISTS liste_lots(text, text) CASCADE;
DROP FUNCTION IF EXISTS liste_trouve(text, text) CASCADE;

-- p_recherche found in p_texte, ignoring case; NULL finds everything.
CREATE FUNCTION liste_trouve(p_texte text, p_recherche text) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
SELECT p_recherche IS NULL OR strpos(lower(p_texte), lower(p_recherche)) > 0
$$;

CREATE FUNCTION liste_donneurs(p_plie text, p_recherche text)
RETURNS TABLE (id text, nom text, type text, operations bigint, marches bigint)
LANGUAGE sql STABLE AS $$
SELECT d.id, d.nom, d.type, count(DISTINCT o.id), count(m.id)
FROM clause.donneur d
LEFT JOIN clause.operation o ON o.donneur_id = d.id
     AND (p_plie IS NULL OR clause.plie_de_operation(o.fiche, o.commune_insee) = p_plie)
LEFT JOIN clause.marche m ON m.operation_id = o.id
WHERE clause.liste_trouve(concat_ws(' ', d.id, d.nom, d.type), p_recherche)
GROUP BY d.id, d.nom, d.type
HAVING p_plie IS NULL OR count(o.id) > 0
ORDER BY d.id
$$;

CREATE FUNCTION liste_operations(p_plie text, p_recherche text)
RETURNS TABLE (id text, nom text, donneur_id text, commune_insee text, secteur text, fiche text,
               plie text, marches bigint)
LANGUAGE sql STABLE AS $$
SELECT o.id, o.nom, o.donneur_id, o.commune_insee, o.secteur, o.fiche,
       clause.plie_de_operation(o.fiche, o.commune_insee), count(m.id)
FROM clause.operation o
LEFT JOIN clause.marche m ON m.operation_id = o.id
WHERE (p_plie IS NULL OR clause.plie_de_operation(o.fiche, o.commune_insee) = p_plie)
  AND clause.liste_trouve(concat_ws(' ', o.id, o.nom, o.donneur_id, o.commune_insee, o.secteur, o.fiche),
                          p_recherche)
GROUP BY o.id
ORDER BY o.id
$$;

CREATE FUNCTION liste_marches(p_plie text, p_recherche text)
RETURNS TABLE (id text, lot text, intitule text, operation_id text, attributaire text, forme text,
               date_debut date, date_fin date, heures_prevues numeric)
LANGUAGE sql STABLE AS $$
SELECT m.id, m.lot, m.intitule, m.operation_id, e.raison_sociale, m.forme, m.date_debut, m.date_fin,
       m.heures_prevues
FROM clause.marche m
JOIN clause.operation o ON o.id = m.operation_id
LEFT JOIN clause.entreprise e ON e.siret = m.attributaire_siret
WHERE (p_plie IS NULL OR clause.plie_de_operation(o.fiche, o.commune_insee) = p_plie)
  AND clause.liste_trouve(concat_ws(' ', m.id, m.lot, m.intitule, m.operation_id, o.nom,
                                    m.attributaire_siret, e.raison_sociale, m.forme), p_recherche)
ORDER BY m.id
$$;

-- Entreprises; with a PLIE, those holding one of its marchés.
CREATE FUNCTION liste_entreprises(p_plie text, p_recherche text)
RETURNS TABLE (siret text, raison_sociale text, type text, marches bigint)
LANGUAGE sql STABLE AS $$
SELECT e.siret, e.raison_sociale, e.type, count(m.id)
FROM clause.entreprise e
LEFT JOIN clause.marche m ON m.attributaire_siret = e.siret
     AND (p_plie IS NULL OR EXISTS (SELECT 1 FROM clause.operation o WHERE o.id = m.operation_id
                                    AND clause.plie_de_operation(o.fiche, o.commune_insee) = p_plie))
WHERE clause.liste_trouve(concat_ws(' ', e.siret, e.raison_sociale, e.type), p_recherche)
GROUP BY e.siret
HAVING p_plie IS NULL OR count(m.id) > 0
ORDER BY e.siret
$$;

-- Participants (personal data: the command asks for a reader allowed to see them); with a
-- PLIE, those with hours on one of its marchés.
CREATE FUNCTION liste_participants(p_plie text, p_recherche text)
RETURNS TABLE (id text, nom text, prenom text, date_eligibilite date, criteres text, lignes bigint)
LANGUAGE sql STABLE AS $$
SELECT p.id, p.nom, p.prenom, p.date_eligibilite, clause.criteres_texte(p.criteres), count(l.id)
FROM clause.participant p
LEFT JOIN clause.ligne_heures l ON l.participant_id = p.id
     AND (p_plie IS NULL OR EXISTS (SELECT 1 FROM clause.marche m JOIN clause.operation o ON o.id = m.operation_id
                                    WHERE m.id = l.marche_id
                                      AND clause.plie_de_operation(o.fiche, o.commune_insee) = p_plie))
WHERE clause.liste_trouve(concat_ws(' ', p.id, p.nom, p.prenom), p_recherche)
GROUP BY p.id
HAVING p_plie IS NULL OR count(l.id) > 0
ORDER BY p.id
$$;

-- Import batches (the numbers --lot takes); with a PLIE, those with hours on its marchés.
CREATE FUNCTION liste_lots(p_plie text, p_recherche text)
RETURNS TABLE (id bigint, nature text, fichier text, importe_le text, lignes_chargees integer,
               lignes_rejetees integer, sha256 text)
LANGUAGE sql STABLE AS $$
SELECT b.id, b.nature, b.fichier, to_char(b.importe_le, 'DD/MM/YYYY HH24:MI'), b.lignes_chargees,
       b.lignes_rejetees, b.sha256::text
FROM clause.lot_import b
WHERE (p_plie IS NULL OR EXISTS (SELECT 1 FROM clause.ligne_heures l
                                 JOIN clause.marche m ON m.id = l.marche_id
                                 JOIN clause.operation o ON o.id = m.operation_id
                                 WHERE l.lot_id = b.id
                                   AND clause.plie_de_operation(o.fiche, o.commune_insee) = p_plie))
  AND clause.liste_trouve(concat_ws(' ', b.id, b.nature, b.fichier), p_recherche)
ORDER BY b.id
$$;
