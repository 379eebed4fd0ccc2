-- Merge of a fiches file (clause import fiches): one row per indicator of a fiche opération,
-- the fiche's columns repeated (DOMAIN.md, "Years"). A fiche is (plie, code, date_debut):
-- importing it again updates its title, end and indicators (replaced as the file lists
-- them, in its order); its declared ETP stays. The rows of one fiche stand or fall
-- together: a fiche loads whole or not at all.
-- Columns of stage: plie, code, titre, date_debut, date_fin, clause_insertion, indicateur,
-- libelle, cible, par_etp, unite, a_minima (canonical text, see importers/kinds.c).
-- The batch is clause.lot_id, or, for the catalogue shipped with clause (src/workflow/catalogue.c),
-- clause.reference_id (a row of source_reference; clause.lot_id is then empty and no row is
-- rejected into rejet: such a file loads whole or not at all).

-- what the catalogue decides for the lines before this file (0120; compared at the end)
CREATE TEMP TABLE rattachement_avant ON COMMIT DROP AS SELECT * FROM rattachement_catalogue();

UPDATE stage s SET motif = 'PLIE inconnu « ' || s.plie || ' » (chargez son territoire : '
                           || 'clause import territoires, colonne plie_nom)', colonne = 'plie'
WHERE s.motif IS NULL AND NOT EXISTS (SELECT 1 FROM plie p WHERE p.code = s.plie);

UPDATE stage s SET motif = 'la cible doit être supérieure à zéro', colonne = 'cible'
WHERE s.motif IS NULL AND s.cible::numeric <= 0;

-- rows of one fiche (same PLIE, code and start) that disagree on its title, end or kind
UPDATE stage s SET motif = 'les lignes de la fiche ' || s.code || ' ne donnent pas le même titre, '
                           || 'la même période ou la même valeur de clause_insertion (lignes '
                           || d.lignes || ')', colonne = 'titre'
FROM (SELECT plie, code, date_debut, string_agg(ligne::text, ', ' ORDER BY ligne) AS lignes
      FROM stage WHERE plie IS NOT NULL AND code IS NOT NULL AND date_debut IS NOT NULL
      GROUP BY plie, code, date_debut
      HAVING count(DISTINCT (titre, date_fin, clause_insertion)) > 1) d
WHERE s.motif IS NULL AND s.plie = d.plie AND s.code = d.code AND s.date_debut = d.date_debut;

-- two periods of one code in the file that overlap (a start given two ways, or two fiches)
UPDATE stage s SET motif = 'la fiche ' || s.code || ' a dans le fichier deux périodes qui se chevauchent '
                           || '(lignes ' || d.lignes || ')', colonne = 'date_debut'
FROM (SELECT a.code, string_agg(DISTINCT a.ligne::text, ', ') AS lignes
      FROM stage a JOIN stage b ON b.code = a.code AND b.date_debut <> a.date_debut
                               AND b.date_debut <= a.date_fin AND b.date_fin >= a.date_debut
      GROUP BY a.code) d
WHERE s.motif IS NULL AND s.code = d.code;

-- a stored fiche of the code whose period overlaps but starts elsewhere: a month would
-- have two fiches of one code (in this PLIE or another)
UPDATE stage s SET motif = 'la période chevauche celle de la fiche ' || f.code || ' de ' || f.plie
                           || ' déjà chargée (du ' || to_char(f.date_debut, 'DD/MM/YYYY') || ' au '
                           || to_char(f.date_fin, 'DD/MM/YYYY') || ')', colonne = 'date_debut'
FROM fiche f
WHERE s.motif IS NULL AND f.code = s.code
  AND f.date_debut <= s.date_fin::date AND f.date_fin >= s.date_debut::date
  AND (f.plie, f.date_debut) IS DISTINCT FROM (s.plie, s.date_debut::date);

-- an indicator listed twice in one fiche
UPDATE stage s SET motif = 'indicateur « ' || s.indicateur || ' » en double dans la fiche ' || s.code
                           || ' (lignes ' || d.lignes || ')', colonne = 'indicateur'
FROM (SELECT plie, code, date_debut, indicateur, string_agg(ligne::text, ', ' ORDER BY ligne) AS lignes
      FROM stage WHERE indicateur IS NOT NULL
      GROUP BY plie, code, date_debut, indicateur HAVING count(*) > 1) d
WHERE s.motif IS NULL AND s.plie = d.plie AND s.code = d.code AND s.date_debut = d.date_debut
  AND s.indicateur = d.indicateur;

-- one rejected row takes its whole fiche out: a fiche loads with all its indicators or not
UPDATE stage s SET motif = 'fiche ' || s.code || ' non chargée : sa ligne ' || d.ligne || ' est rejetée',
                   colonne = 'code'
FROM (SELECT plie, code, min(ligne) AS ligne FROM stage
      WHERE motif IS NOT NULL AND plie IS NOT NULL AND code IS NOT NULL
      GROUP BY plie, code) d
WHERE s.motif IS NULL AND s.plie = d.plie AND s.code = d.code;

INSERT INTO rejet (lot_id, ligne, colonne, motif, contenu)
SELECT nullif(current_setting('clause.lot_id'), '')::bigint, ligne, colonne, motif, contenu
FROM stage WHERE motif IS NOT NULL AND current_setting('clause.lot_id') <> '';

-- the indicators as the file lists them, ranked in its order
CREATE TEMP TABLE fiche_fichier ON COMMIT DROP AS
SELECT s.plie, s.code, s.date_debut::date AS date_debut, s.titre, s.date_fin::date AS date_fin,
       s.clause_insertion::boolean AS clause_insertion, s.ligne,
       row_number() OVER (PARTITION BY s.plie, s.code, s.date_debut ORDER BY s.ligne)::integer AS rang,
       s.indicateur AS cle, s.libelle, s.cible::numeric AS cible, s.unite,
       s.par_etp::boolean AS par_etp, s.a_minima::boolean AS a_minima,
       min(s.ligne) OVER (PARTITION BY s.plie, s.code, s.date_debut) AS premiere_ligne
FROM stage s WHERE s.motif IS NULL;

INSERT INTO fiche AS t (plie, code, titre, date_debut, date_fin, clause_insertion, lot_id, reference_id, ligne)
SELECT DISTINCT ON (plie, code, date_debut) plie, code, titre, date_debut, date_fin, clause_insertion,
       nullif(current_setting('clause.lot_id'), '')::bigint,
       nullif(current_setting('clause.reference_id', true), '')::integer, premiere_ligne
FROM fiche_fichier
ORDER BY plie, code, date_debut
ON CONFLICT (plie, code, date_debut) DO UPDATE
    SET titre = EXCLUDED.titre, date_fin = EXCLUDED.date_fin,
        clause_insertion = EXCLUDED.clause_insertion, lot_id = EXCLUDED.lot_id,
        reference_id = EXCLUDED.reference_id, ligne = EXCLUDED.ligne
    WHERE (t.titre, t.date_fin, t.clause_insertion)
          IS DISTINCT FROM (EXCLUDED.titre, EXCLUDED.date_fin, EXCLUDED.clause_insertion);

-- the new indicators; a unit not given keeps the stored one of that rank and label, else
-- is named after the indicator
CREATE TEMP TABLE indicateur_fichier ON COMMIT DROP AS
SELECT f.id AS fiche_id, x.rang, x.cle, x.libelle, x.cible,
       coalesce(x.unite, k.unite,
                CASE x.cle WHEN 'heures' THEN 'heures' WHEN 'marches' THEN 'marchés'
                           WHEN 'marches_reserves' THEN 'marchés' WHEN 'operations' THEN 'opérations'
                           WHEN 'operations_hors_btp' THEN 'opérations' WHEN 'chantiers' THEN 'chantiers'
                           WHEN 'conventions' THEN 'conventions' ELSE '' END) AS unite,
       x.a_minima, x.par_etp, x.ligne
FROM fiche_fichier x
JOIN fiche f ON f.plie = x.plie AND f.code = x.code AND f.date_debut = x.date_debut
LEFT JOIN fiche_indicateur k ON k.fiche_id = f.id AND k.rang = x.rang AND k.libelle = x.libelle;

-- fiches whose header or indicators the file changes
CREATE TEMP TABLE fiche_changee ON COMMIT DROP AS
SELECT f.id
FROM fiche f
WHERE f.id IN (SELECT fiche_id FROM indicateur_fichier)
  AND (f.lot_id = nullif(current_setting('clause.lot_id'), '')::bigint
       OR f.reference_id = nullif(current_setting('clause.reference_id', true), '')::integer
       OR EXISTS (SELECT rang, cle, libelle, cible, unite, a_minima, par_etp
                  FROM indicateur_fichier WHERE fiche_id = f.id
                  EXCEPT
                  SELECT rang, cle, libelle, cible, unite, a_minima, par_etp
                  FROM fiche_indicateur WHERE fiche_id = f.id)
       OR EXISTS (SELECT rang, cle, libelle, cible, unite, a_minima, par_etp
                  FROM fiche_indicateur WHERE fiche_id = f.id
                  EXCEPT
                  SELECT rang, cle, libelle, cible, unite, a_minima, par_etp
                  FROM indicateur_fichier WHERE fiche_id = f.id));

DELETE FROM fiche_indicateur WHERE fiche_id IN (SELECT id FROM fiche_changee);
INSERT INTO fiche_indicateur (fiche_id, rang, cle, libelle, cible, unite, a_minima, par_etp)
SELECT fiche_id, rang, cle, libelle, cible, unite, a_minima, par_etp
FROM indicateur_fichier WHERE fiche_id IN (SELECT id FROM fiche_changee);
UPDATE fiche SET lot_id = nullif(current_setting('clause.lot_id'), '')::bigint,
                 reference_id = nullif(current_setting('clause.reference_id', true), '')::integer
WHERE id IN (SELECT id FROM fiche_changee);

-- the opérations and months whose PLIE or fiche this file moved since rattachement_avant,
-- for the next attribution (sql/views/06_rattachement.sql); none for the shipped catalogue
SELECT rattachement_a_reattribuer(nullif(current_setting('clause.lot_id', true), '')::bigint);

SELECT count(*) FROM indicateur_fichier WHERE fiche_id IN (SELECT id FROM fiche_changee);
