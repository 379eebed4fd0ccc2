-- Timesheet batch, after its COPY into ligne_heures (importers/heures_load.c): two lines of
-- one file with the same key (participant, marché, employeur) and overlapping periods are
-- an error of that file (rule 2). Every one of them is taken out and rejected, even when
-- the other was rejected already for another reason (heures_cle_rejetee): the sender must
-- say which value is right.
-- The importer lists in the temporary table heures_candidat the key-months it may have seen
-- twice (a Bloom filter: no key seen twice is missing, a few seen once are there; a period
-- running into the next month is noted under both months); only those are looked up, so a
-- file without repeats costs nothing here. The lines are found from the candidates through
-- the (participant, mois) index: a line of the key in the candidate's month, or in the
-- month before with a period running into it. (Asked the other way, of every line of the
-- batch, the million lines of a first load were read for 28 candidates: 0.44 s.)
-- Ends with the number of lines rejected.
WITH lignes AS (
    SELECT DISTINCT l.id, l.ligne, l.participant_id, l.marche_id, l.employeur_siret,
           l.date_debut IS NOT NULL AS datee,
           daterange(coalesce(l.date_debut, l.mois),
                     coalesce(l.date_fin, (l.mois + interval '1 month - 1 day')::date), '[]') AS periode
    FROM heures_candidat c
    JOIN ligne_heures l
      ON l.participant_id = c.participant_id
     AND l.mois = ANY (ARRAY[c.mois, (c.mois - interval '1 month')::date])
     AND (l.marche_id, l.employeur_siret) = (c.marche_id, c.employeur_siret)
     AND (l.mois = c.mois OR l.date_fin >= c.mois)
    WHERE l.lot_id = current_setting('clause.lot_id')::bigint),
autres AS (          -- the lines stored and the keys of rows already rejected
    SELECT ligne, participant_id, marche_id, employeur_siret, datee, periode, false AS rejetee
    FROM lignes
    UNION ALL
    SELECT ligne, participant_id, marche_id, employeur_siret, date_debut IS NOT NULL,
           daterange(coalesce(date_debut, mois),
                     coalesce(date_fin, (mois + interval '1 month - 1 day')::date), '[]'), true
    FROM heures_cle_rejetee),
conflits AS (
    SELECT a.id, a.ligne,
           bool_or(a.datee OR b.datee) AS datee,
           string_agg(b.ligne::text, ', ' ORDER BY b.ligne) FILTER (WHERE b.rejetee) AS rejetees,
           (SELECT string_agg(x::text, ', ' ORDER BY x)
            FROM unnest(array_append(array_agg(b.ligne), a.ligne)) AS x) AS toutes
    FROM lignes a
    JOIN autres b ON (b.participant_id, b.marche_id, b.employeur_siret)
                     = (a.participant_id, a.marche_id, a.employeur_siret)
                 AND b.ligne <> a.ligne AND b.periode && a.periode
    GROUP BY a.id, a.ligne),
retirees AS (
    DELETE FROM ligne_heures l
    USING conflits c
    WHERE l.id = c.id
    RETURNING c.ligne, c.datee, c.rejetees, c.toutes),
rejetees AS (
    INSERT INTO rejet (lot_id, ligne, colonne, motif, contenu)
    SELECT current_setting('clause.lot_id')::bigint, ligne, 'participant_id',
           CASE WHEN datee THEN 'même participant, marché et employeur sur des périodes qui se chevauchent'
                ELSE 'même participant, marché, employeur et mois' END
           || ' en double dans le fichier (lignes ' || toutes || ')'
           || coalesce(CASE WHEN rejetees LIKE '%,%' THEN ' ; lignes ' ELSE ' ; ligne ' END
                       || rejetees || ' rejetée' || CASE WHEN rejetees LIKE '%,%' THEN 's' ELSE '' END
                       || ' aussi pour une autre raison', ''),
           NULL
    FROM retirees
    RETURNING 1)
SELECT count(*) FROM rejetees;
