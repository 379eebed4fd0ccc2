-- 0150: credited hours by marché and month, kept by the attribution as fiche_heures_mois is
-- (0010). The compte-rendu of clause batch prints, for every marché and month received, the
-- hours of that month and the cumul to its end: summed from every credited line of those
-- marchés, that read the whole history at each monthly inbox (12 s at a million lines,
-- issue 17). Every attribution moves these sums for what it recomputed
-- (sql/attribution*.sql, recalcule_heures_mois in sql/views/05_attribution.sql); the
-- credited lines with no PLIE count here too, as they do for their marché.
-- Only clause itself reads it (the compte-rendu, by the user who imports): no reader role
-- is granted it, and row-level security shows non-owners nothing should one ever be.
SET search_path = clause, public;

CREATE TABLE marche_heures_mois (
    marche_id        text NOT NULL,
    mois             date NOT NULL,
    heures           numeric NOT NULL,
    heures_formation numeric NOT NULL,
    lignes           bigint NOT NULL,
    PRIMARY KEY (marche_id, mois)
);

INSERT INTO marche_heures_mois (marche_id, mois, heures, heures_formation, lignes)
SELECT l.marche_id, l.mois, sum(l.heures), sum(l.heures_formation), count(*)
FROM attribution a
JOIN ligne_heures l ON l.id = a.ligne_id
WHERE a.motif IS NULL
GROUP BY l.marche_id, l.mois;

ALTER TABLE marche_heures_mois ENABLE ROW LEVEL SECURITY;
