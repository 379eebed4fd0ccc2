-- Merge of a territoires file (clause import territoires): the communes of a PLIE's
-- territory from a year on (DOMAIN.md, "Years"). The rows of one PLIE and year replace
-- that PLIE's territory of that year, whole; that territory holds until a later year
-- replaces it (v_territoire). plie_nom creates a PLIE not yet known.
-- Columns of stage: plie, annee, code_insee, commune, plie_nom, confirme.
-- The batch is clause.lot_id, or clause.reference_id for the shipped catalogue (see
-- sql/merge/fiches.sql).

-- what the catalogue decides for the lines before this file (0120; compared at the end)
CREATE TEMP TABLE rattachement_avant ON COMMIT DROP AS SELECT * FROM rattachement_catalogue();

UPDATE stage s SET motif = 'code de PLIE invalide « ' || s.plie || ' » (lettres minuscules et _)',
                   colonne = 'plie'
WHERE s.motif IS NULL AND s.plie !~ '^[a-z_]+$';

UPDATE stage s SET motif = 'PLIE inconnu « ' || s.plie || ' » : donnez son nom (colonne plie_nom) pour le créer',
                   colonne = 'plie'
WHERE s.motif IS NULL AND s.plie_nom IS NULL AND NOT EXISTS (SELECT 1 FROM plie p WHERE p.code = s.plie);

-- a commune twice in one year of the file
UPDATE stage s SET motif = 'commune ' || s.code_insee || ' en double pour ' || s.annee
                           || ' dans le fichier (lignes ' || d.lignes || ')', colonne = 'code_insee'
FROM (SELECT annee, code_insee, string_agg(ligne::text, ', ' ORDER BY ligne) AS lignes
      FROM stage WHERE motif IS NULL GROUP BY annee, code_insee HAVING count(*) > 1) d
WHERE s.motif IS NULL AND s.annee = d.annee AND s.code_insee = d.code_insee;

-- a commune belongs to one PLIE a year: another PLIE's stored territory of that year holds
-- it, and the file does not replace that territory
UPDATE stage s SET motif = 'la commune ' || s.code_insee || ' est déjà dans le territoire ' || s.annee
                           || ' de ' || pc.plie, colonne = 'code_insee'
FROM plie_commune pc
WHERE s.motif IS NULL AND pc.annee = s.annee::integer AND pc.code_insee = s.code_insee
  AND pc.plie <> s.plie
  AND NOT EXISTS (SELECT 1 FROM stage o WHERE o.plie = pc.plie AND o.annee = s.annee);

-- a territory is replaced whole: one rejected row keeps that PLIE's year as it was
UPDATE stage s SET motif = 'territoire ' || s.annee || ' de ' || s.plie || ' non chargé : sa ligne '
                           || d.ligne || ' est rejetée', colonne = 'plie'
FROM (SELECT plie, annee, min(ligne) AS ligne FROM stage
      WHERE motif IS NOT NULL AND plie IS NOT NULL AND annee IS NOT NULL
      GROUP BY plie, annee) d
WHERE s.motif IS NULL AND s.plie = d.plie AND s.annee = d.annee;

INSERT INTO rejet (lot_id, ligne, colonne, motif, contenu)
SELECT nullif(current_setting('clause.lot_id'), '')::bigint, ligne, colonne, motif, contenu
FROM stage WHERE motif IS NOT NULL AND current_setting('clause.lot_id') <> '';

INSERT INTO plie (code, nom)
SELECT plie, min(plie_nom) FROM stage
WHERE motif IS NULL AND plie_nom IS NOT NULL
GROUP BY plie
ON CONFLICT (code) DO NOTHING;

-- the PLIE-years whose communes (or their names, or confirmation) the file changes
CREATE TEMP TABLE territoire_change ON COMMIT DROP AS
SELECT DISTINCT s.plie, s.annee::integer AS annee
FROM stage s
WHERE s.motif IS NULL
  AND (EXISTS (SELECT s2.code_insee, s2.commune, s2.confirme::boolean FROM stage s2
               WHERE s2.motif IS NULL AND s2.plie = s.plie AND s2.annee = s.annee
               EXCEPT
               SELECT pc.code_insee, pc.commune, pc.confirme FROM plie_commune pc
               WHERE pc.plie = s.plie AND pc.annee = s.annee::integer)
       OR EXISTS (SELECT pc.code_insee, pc.commune, pc.confirme FROM plie_commune pc
                  WHERE pc.plie = s.plie AND pc.annee = s.annee::integer
                  EXCEPT
                  SELECT s2.code_insee, s2.commune, s2.confirme::boolean FROM stage s2
                  WHERE s2.motif IS NULL AND s2.plie = s.plie AND s2.annee = s.annee));

DELETE FROM plie_commune pc
USING territoire_change c
WHERE pc.plie = c.plie AND pc.annee = c.annee;

CREATE TEMP TABLE territoire_insere ON COMMIT DROP AS
WITH lot AS (
    SELECT b.id AS lot_id, NULL::integer AS reference_id, b.fichier
    FROM lot_import b WHERE b.id = nullif(current_setting('clause.lot_id'), '')::bigint
    UNION ALL
    SELECT NULL, r.id, r.fichier
    FROM source_reference r WHERE r.id = nullif(current_setting('clause.reference_id', true), '')::integer),
changed AS (
    INSERT INTO plie_commune (plie, annee, code_insee, commune, confirme, source, lot_id, reference_id, ligne)
    SELECT s.plie, s.annee::integer, s.code_insee, s.commune, s.confirme::boolean,
           b.fichier || ':' || s.ligne, b.lot_id, b.reference_id, s.ligne
    FROM stage s
    JOIN territoire_change c ON c.plie = s.plie AND c.annee = s.annee::integer
    CROSS JOIN lot b
    WHERE s.motif IS NULL
    RETURNING 1)
SELECT count(*) AS n FROM changed;

-- the opérations and months whose PLIE or fiche this file moved since rattachement_avant,
-- for the next attribution (sql/views/06_rattachement.sql); none for the shipped catalogue
SELECT rattachement_a_reattribuer(nullif(current_setting('clause.lot_id', true), '')::bigint);

SELECT n FROM territoire_insere;
