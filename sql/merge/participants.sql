-- Merge of a participants file: upsert by id. Eligibility (criteres, date_eligibilite)
-- is what the facilitateur recorded on entry.
UPDATE stage s SET motif = 'identifiant en double dans le fichier (lignes ' || d.lignes || ')', colonne = 'id'
FROM (SELECT id, string_agg(ligne::text, ', ' ORDER BY ligne) AS lignes
      FROM stage WHERE motif IS NULL GROUP BY id HAVING count(*) > 1) d
WHERE s.motif IS NULL AND s.id = d.id;

INSERT INTO rejet (lot_id, ligne, colonne, motif, contenu)
SELECT current_setting('clause.lot_id')::bigint, ligne, colonne, motif, contenu
FROM stage WHERE motif IS NOT NULL;

WITH changed AS (
    INSERT INTO participant AS t (id, nom, prenom, date_naissance, sexe, commune_insee, qpv, criteres,
                                  date_eligibilite, lot_id, ligne)
    SELECT id, nom, prenom, date_naissance::date, sexe, commune_insee, qpv::boolean, criteres::text[],
           date_eligibilite::date, current_setting('clause.lot_id')::bigint, ligne
    FROM stage WHERE motif IS NULL
    ON CONFLICT (id) DO UPDATE
        SET nom = EXCLUDED.nom, prenom = EXCLUDED.prenom, date_naissance = EXCLUDED.date_naissance,
            sexe = EXCLUDED.sexe, commune_insee = EXCLUDED.commune_insee, qpv = EXCLUDED.qpv,
            criteres = EXCLUDED.criteres, date_eligibilite = EXCLUDED.date_eligibilite,
            lot_id = EXCLUDED.lot_id, ligne = EXCLUDED.ligne
        WHERE (t.nom, t.prenom, t.date_naissance, t.sexe, t.commune_insee, t.qpv, t.criteres, t.date_eligibilite)
              IS DISTINCT FROM (EXCLUDED.nom, EXCLUDED.prenom, EXCLUDED.date_naissance, EXCLUDED.sexe,
                                EXCLUDED.commune_insee, EXCLUDED.qpv, EXCLUDED.criteres, EXCLUDED.date_eligibilite)
    RETURNING 1)
SELECT count(*) FROM changed;
