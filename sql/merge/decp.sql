-- Merge of a DECP file (run by importers/decp.c, inside the import's transaction, after
-- the marchés have been streamed into the temporary table decp_stage: one row per marché
-- with a social consideration, or per rejected marché, motif set).
-- current_setting('clause.lot_id') is the batch being imported. Leaves in the temporary
-- table decp_compte the marchés created or changed, unchanged, rejected, and the earlier
-- occurrences of a marché repeated in the file (the last occurrence stands).
-- Names given by DECP replace only the names DECP itself set before (batches of nature
-- 'decp'); what a referential file said is kept. A marché that an opération follows, or
-- that came from a marchés file, keeps its data: only its DECP columns are refreshed.
-- (It was the function decp_fusionner(bigint) of sql/views/40_decp.sql.)
SET search_path = clause, pg_temp;

DROP TABLE IF EXISTS pg_temp.decp_change, pg_temp.decp_compte;
CREATE TEMP TABLE decp_change (n bigint) ON COMMIT DROP;

UPDATE decp_stage s SET remplace = true
FROM (SELECT ligne, row_number() OVER (PARTITION BY decp_uid ORDER BY ligne DESC) AS rang
      FROM decp_stage WHERE motif IS NULL) r
WHERE r.ligne = s.ligne AND r.rang > 1;

INSERT INTO clause.rejet (lot_id, ligne, colonne, motif, contenu)
SELECT current_setting('clause.lot_id')::bigint, ligne, colonne, motif, contenu FROM decp_stage WHERE motif IS NOT NULL;

-- donneurs d'ordre: the last name given in the file, else a placeholder
INSERT INTO clause.donneur (id, nom, type, lot_id, ligne)
SELECT DISTINCT ON (acheteur_id) acheteur_id, coalesce(acheteur_nom, 'Acheteur SIRET ' || acheteur_id),
       coalesce(acheteur_type, 'etablissement_public'), current_setting('clause.lot_id')::bigint, ligne
FROM decp_stage WHERE motif IS NULL
ORDER BY acheteur_id, acheteur_nom IS NULL, ligne DESC
ON CONFLICT (id) DO NOTHING;

UPDATE clause.donneur t SET nom = d.acheteur_nom, type = coalesce(d.acheteur_type, t.type),
                            lot_id = current_setting('clause.lot_id')::bigint, ligne = d.ligne
FROM (SELECT DISTINCT ON (acheteur_id) acheteur_id, acheteur_nom, acheteur_type, ligne
      FROM decp_stage WHERE motif IS NULL AND acheteur_nom IS NOT NULL
      ORDER BY acheteur_id, ligne DESC) d, clause.lot_import b
WHERE t.id = d.acheteur_id AND b.id = t.lot_id AND b.nature = 'decp' AND t.lot_id <> current_setting('clause.lot_id')::bigint
  AND (t.nom, t.type) IS DISTINCT FROM (d.acheteur_nom, coalesce(d.acheteur_type, t.type));

-- titulaires identified by SIRET
INSERT INTO clause.entreprise (siret, raison_sociale, type, lot_id, ligne)
SELECT DISTINCT ON (u.siret) u.siret, coalesce(u.nom, 'Titulaire SIRET ' || u.siret), 'entreprise', current_setting('clause.lot_id')::bigint, s.ligne
FROM decp_stage s, unnest(s.titulaires_siret, s.titulaires_nom) AS u (siret, nom)
WHERE s.motif IS NULL
ORDER BY u.siret, u.nom IS NULL, s.ligne DESC
ON CONFLICT (siret) DO NOTHING;

UPDATE clause.entreprise t SET raison_sociale = e.nom, lot_id = current_setting('clause.lot_id')::bigint, ligne = e.ligne
FROM (SELECT DISTINCT ON (u.siret) u.siret, u.nom, s.ligne
      FROM decp_stage s, unnest(s.titulaires_siret, s.titulaires_nom) AS u (siret, nom)
      WHERE s.motif IS NULL AND u.nom IS NOT NULL
      ORDER BY u.siret, s.ligne DESC) e, clause.lot_import b
WHERE t.siret = e.siret AND b.id = t.lot_id AND b.nature = 'decp' AND t.lot_id <> current_setting('clause.lot_id')::bigint
  AND t.raison_sociale <> e.nom;

-- marchés still in DECP's hands (no opération yet): DECP keeps them up to date
WITH changed AS (
    UPDATE clause.marche m
    SET intitule = s.objet, attributaire_siret = s.titulaires_siret[1], forme = s.forme,
        date_debut = s.date_debut, date_fin = s.date_fin, montant_ht = s.montant,
        acheteur_id = s.acheteur_id, considerations_sociales = s.considerations,
        lieu_execution_code = s.lieu_code, lieu_execution_type = s.lieu_type, duree_mois = s.duree_mois,
        lot_id = current_setting('clause.lot_id')::bigint, ligne = s.ligne
    FROM (SELECT *, (date_debut + make_interval(months => coalesce(duree_mois, 0)))::date AS date_fin
          FROM decp_stage WHERE motif IS NULL AND NOT remplace) s
    WHERE m.id = s.decp_uid AND m.source = 'decp' AND m.operation_id IS NULL
      AND (m.intitule, m.attributaire_siret, m.forme, m.date_debut, m.date_fin, m.montant_ht, m.acheteur_id,
           m.considerations_sociales, m.lieu_execution_code, m.lieu_execution_type, m.duree_mois)
          IS DISTINCT FROM
          (s.objet, s.titulaires_siret[1], s.forme, s.date_debut, s.date_fin, s.montant, s.acheteur_id,
           s.considerations, s.lieu_code, s.lieu_type, s.duree_mois)
    RETURNING 1)
INSERT INTO decp_change SELECT count(*) FROM changed;

-- marchés an opération follows, or from a marchés file: the facilitateur's data stands
WITH changed AS (
    UPDATE clause.marche m
    SET decp_uid = s.decp_uid, acheteur_id = s.acheteur_id, considerations_sociales = s.considerations,
        lieu_execution_code = s.lieu_code, lieu_execution_type = s.lieu_type, duree_mois = s.duree_mois
    FROM decp_stage s
    WHERE s.motif IS NULL AND NOT s.remplace AND m.id = s.decp_uid
      AND NOT (m.source = 'decp' AND m.operation_id IS NULL)
      AND (m.decp_uid, m.acheteur_id, m.considerations_sociales, m.lieu_execution_code,
           m.lieu_execution_type, m.duree_mois)
          IS DISTINCT FROM
          (s.decp_uid, s.acheteur_id, s.considerations, s.lieu_code, s.lieu_type, s.duree_mois)
    RETURNING 1)
INSERT INTO decp_change SELECT count(*) FROM changed;

-- marchés new to the base
WITH changed AS (
    INSERT INTO clause.marche (id, operation_id, lot, intitule, attributaire_siret, forme, date_debut, date_fin,
                               montant_ht, heures_prevues, lot_id, ligne, source, decp_uid, acheteur_id,
                               considerations_sociales, lieu_execution_code, lieu_execution_type, duree_mois)
    SELECT s.decp_uid, NULL, NULL, s.objet, s.titulaires_siret[1], s.forme, s.date_debut,
           (s.date_debut + make_interval(months => coalesce(s.duree_mois, 0)))::date,
           s.montant, NULL, current_setting('clause.lot_id')::bigint, s.ligne, 'decp', s.decp_uid, s.acheteur_id,
           s.considerations, s.lieu_code, s.lieu_type, s.duree_mois
    FROM decp_stage s
    WHERE s.motif IS NULL AND NOT s.remplace
      AND NOT EXISTS (SELECT 1 FROM clause.marche m WHERE m.id = s.decp_uid)
    RETURNING 1)
INSERT INTO decp_change SELECT count(*) FROM changed;

CREATE TEMP TABLE decp_compte (charges bigint, inchanges bigint, rejetes bigint, doublons bigint)
    ON COMMIT DROP;
INSERT INTO decp_compte
SELECT changed, valid - changed, rejected, repeated
FROM (SELECT (SELECT coalesce(sum(n), 0)::bigint FROM decp_change) AS changed,
             count(*) FILTER (WHERE motif IS NULL AND NOT remplace) AS valid,
             count(*) FILTER (WHERE motif IS NOT NULL) AS rejected,
             count(*) FILTER (WHERE remplace) AS repeated
      FROM decp_stage) t;
