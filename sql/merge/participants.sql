-- Merge of a participants file: upsert by id. Eligibility (criteres, date_eligibilite)
-- is what the facilitateur recorded on entry.
UPDATE stage s SET motif = 'identifiant en double dans le fichier (lignes ' || d.lignes || ')', colonne = 'id'
-- the lines listed for the repeated ids only: sorting every id's lines to list them took
-- twice as long as finding the repeated ones (a monthly file repeats none)
FROM (SELECT id, string_agg(ligne::text, ', ' ORDER BY ligne) AS lignes
      FROM stage
      WHERE motif IS NULL
        AND id IN (SELECT id FROM stage WHERE motif IS NULL GROUP BY id HAVING count(*) > 1)
      GROUP BY id) d
WHERE s.motif IS NULL AND s.id = d.id;

INSERT INTO rejet (lot_id, ligne, colonne, motif, contenu)
SELECT current_setting('clause.lot_id')::bigint, ligne, colonne, motif, contenu
FROM stage WHERE motif IS NOT NULL;

-- Rule 10: an optional column the file does not have (absent from clause.colonnes, set by
-- the importer) keeps the stored value; an empty cell of a column it has clears it.
-- Only the rows that change something are kept: a new id, or a value that differs. A
-- monthly file repeats every participant and changes a few; the upsert below then takes
-- those alone, where ON CONFLICT would lock (and so write) every row it meets.
-- Measured on a monthly file of 60,000 participants (1,200 changed): the columns compared
-- one by one (a row built for each side and compared as a record took 0.05 s more), the
-- columns present read once, and the stored participants hashed in memory (16 MB: under
-- the default 4 MB the hash went to disk in two batches), 0.17 s -> 0.08 s.
-- A monthly file's rows are mostly left out by the importer (0210): the few sent are
-- looked up by key, where the planner, costing each lookup as a read from disk, hashed
-- the 60,000 stored participants twice (0.07 s) for 1,200 rows. The pages are cached on
-- the machines clause runs on; a whole file (its first import) is still hashed.
SET LOCAL random_page_cost = 1.1;
SET LOCAL work_mem = '16MB';
CREATE TEMP TABLE participant_entrant ON COMMIT DROP AS
SELECT e.id, e.nom, e.prenom, e.date_naissance, e.sexe, e.commune_insee, e.qpv, e.criteres,
       e.date_eligibilite, e.ligne, e.empreinte
FROM (SELECT s.id, s.nom, s.prenom, s.date_naissance::date AS date_naissance, s.sexe, s.empreinte,
             CASE WHEN x.sans_commune THEN t.commune_insee ELSE s.commune_insee END AS commune_insee,
             CASE WHEN x.sans_qpv THEN coalesce(t.qpv, false) ELSE s.qpv::boolean END AS qpv,
             CASE WHEN x.sans_criteres THEN coalesce(t.criteres, '{}') ELSE s.criteres::text[] END AS criteres,
             CASE WHEN x.sans_date THEN t.date_eligibilite ELSE s.date_eligibilite::date END AS date_eligibilite,
             s.ligne,
             t.id IS NULL AS nouveau,
             -- compared as text where the types differ (sexe and commune_insee are
             -- character(n) here, text in the stage); the upsert's own test still decides
             t.nom AS nom_avant, t.prenom AS prenom_avant, t.date_naissance AS naissance_avant,
             t.sexe::text AS sexe_avant, t.commune_insee::text AS commune_avant, t.qpv AS qpv_avant,
             t.criteres AS criteres_avant, t.date_eligibilite AS date_avant
      FROM stage s
      -- OFFSET 0: read once; pulled up into the row's expressions, the setting was read and
      -- split four times a row (0.27 s for a monthly file of 60,000 participants)
      CROSS JOIN (SELECT NOT 'commune_insee' = ANY (p) AS sans_commune, NOT 'qpv' = ANY (p) AS sans_qpv,
                         NOT 'criteres' = ANY (p) AS sans_criteres,
                         NOT 'date_eligibilite' = ANY (p) AS sans_date
                  FROM string_to_array(current_setting('clause.colonnes'), ',') p
                  OFFSET 0) x
      LEFT JOIN participant t ON t.id = s.id
      WHERE s.motif IS NULL) e
WHERE e.nouveau
   OR e.nom_avant IS DISTINCT FROM e.nom::text OR e.prenom_avant IS DISTINCT FROM e.prenom::text
   OR e.naissance_avant IS DISTINCT FROM e.date_naissance OR e.sexe_avant IS DISTINCT FROM e.sexe::text
   OR e.commune_avant IS DISTINCT FROM e.commune_insee::text OR e.qpv_avant IS DISTINCT FROM e.qpv
   OR e.criteres_avant IS DISTINCT FROM e.criteres OR e.date_avant IS DISTINCT FROM e.date_eligibilite;
RESET work_mem;

-- The participants whose eligibility the file changes: what the attribution reads of a
-- participant (not a name or an address); their lines are attributed again (0120,
-- src/workflow/attribute_after.c). A new participant has no line yet.
CREATE TEMP TABLE eligibilite_changee ON COMMIT DROP AS
SELECT e.id, e.ligne, t.criteres AS criteres_avant, t.date_eligibilite AS date_avant,
       e.criteres, e.date_eligibilite
FROM participant_entrant e
JOIN participant t ON t.id = e.id
WHERE (t.criteres, t.date_eligibilite) IS DISTINCT FROM (e.criteres, e.date_eligibilite);

INSERT INTO a_reattribuer (lot_id, participant_id)
SELECT current_setting('clause.lot_id')::bigint, id FROM eligibilite_changee;

-- Eligibility is recorded once, on entry: a change to a participant whose hours are
-- already credited is shown when the file is loaded (only the changed ones are summed).
INSERT INTO signalement (ligne, message)
SELECT e.ligne,
       format('participant %s : éligibilité modifiée alors que %s h sont déjà comptées '
              '(critères %s → %s, date %s → %s)',
              e.id, replace(trim(to_char(h.heures, 'FM999999990.00')), '.', ','),
              coalesce(nullif(array_to_string(e.criteres_avant, '|'), ''), 'aucun'),
              coalesce(nullif(array_to_string(e.criteres, '|'), ''), 'aucun'),
              coalesce(to_char(e.date_avant, 'DD/MM/YYYY'), 'aucune'),
              coalesce(to_char(e.date_eligibilite, 'DD/MM/YYYY'), 'aucune'))
FROM eligibilite_changee e
CROSS JOIN LATERAL (SELECT sum(l.heures + l.heures_formation) AS heures
                    FROM ligne_heures l JOIN attribution a ON a.ligne_id = l.id AND a.motif IS NULL
                    WHERE l.participant_id = e.id) h
WHERE h.heures > 0;

-- The rows equal to the stored ones keep the digest of this file's row (0210): the next
-- file that gives them alike leaves them out (importers/sink_staged.c). The first file
-- after 0210, or after a change of this script, digests every row once.
UPDATE participant t SET empreinte = s.empreinte
FROM stage s
WHERE s.motif IS NULL AND s.empreinte IS NOT NULL AND t.id = s.id
  AND t.empreinte IS DISTINCT FROM s.empreinte
  AND NOT EXISTS (SELECT 1 FROM participant_entrant e WHERE e.id = s.id);
RESET random_page_cost;

WITH changed AS (
    INSERT INTO participant AS t (id, nom, prenom, date_naissance, sexe, commune_insee, qpv, criteres,
                                  date_eligibilite, lot_id, ligne, empreinte)
    SELECT id, nom, prenom, date_naissance, sexe, commune_insee, qpv, criteres,
           date_eligibilite, current_setting('clause.lot_id')::bigint, ligne, empreinte
    FROM participant_entrant
    ON CONFLICT (id) DO UPDATE
        SET nom = EXCLUDED.nom, prenom = EXCLUDED.prenom, date_naissance = EXCLUDED.date_naissance,
            sexe = EXCLUDED.sexe, commune_insee = EXCLUDED.commune_insee, qpv = EXCLUDED.qpv,
            criteres = EXCLUDED.criteres, date_eligibilite = EXCLUDED.date_eligibilite,
            lot_id = EXCLUDED.lot_id, ligne = EXCLUDED.ligne, empreinte = EXCLUDED.empreinte
        WHERE (t.nom, t.prenom, t.date_naissance, t.sexe, t.commune_insee, t.qpv, t.criteres, t.date_eligibilite)
              IS DISTINCT FROM (EXCLUDED.nom, EXCLUDED.prenom, EXCLUDED.date_naissance, EXCLUDED.sexe,
                                EXCLUDED.commune_insee, EXCLUDED.qpv, EXCLUDED.criteres, EXCLUDED.date_eligibilite)
    RETURNING 1)
SELECT count(*) FROM changed;
