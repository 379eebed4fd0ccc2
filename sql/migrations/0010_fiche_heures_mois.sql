-- 0010: credited hours by fiche and month, kept by the attribution. The progress of the
-- fiches read them from a million lines at each report (0.24 s, most of `clause report
-- progress`); this table holds the same sums, a few hundred rows, recomputed by every
-- attribution for the months it recomputed (sql/attribution*.sql, with
-- recalcule_fiche_heures_mois in sql/views/05_attribution.sql). v_fiche_heures_mois reads it.
SET search_path = clause, public;

CREATE TABLE fiche_heures_mois (
    fiche            text NOT NULL,
    mois             date NOT NULL,
    plie             text NOT NULL,     -- the fiche's PLIE, for the readers' access
    heures           numeric NOT NULL,
    heures_formation numeric NOT NULL,
    lignes           bigint NOT NULL,
    PRIMARY KEY (fiche, mois)
);

INSERT INTO fiche_heures_mois (fiche, mois, plie, heures, heures_formation, lignes)
SELECT a.fiche, l.mois, f.plie, sum(l.heures), sum(l.heures_formation), count(*)
FROM attribution a
JOIN ligne_heures l ON l.id = a.ligne_id
JOIN fiche f ON f.code = a.fiche
WHERE a.motif IS NULL
GROUP BY a.fiche, l.mois, f.plie;

-- a facilitateur reads the fiches of its PLIE, as it reads their lines (0005)
ALTER TABLE fiche_heures_mois ENABLE ROW LEVEL SECURITY;
CREATE POLICY fiche_heures_mois_lecture ON fiche_heures_mois FOR SELECT
    USING (acces_plie() IS NOT NULL AND plie = acces_plie());

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'clause_facilitateurs') THEN
        GRANT SELECT ON fiche_heures_mois TO clause_facilitateurs;
    END IF;
END $$;
