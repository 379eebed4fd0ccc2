-- 0041: the credited hours no fiche takes (DOMAIN.md rule 5), kept beside the sums by fiche:
-- fiche_heures_mois rows of fiche '' (no code is empty), by PLIE and month, so that
-- report progress and report suivi show them without reading every line (heures_sans_fiche()
-- in sql/views/00_base.sql). The attribution keeps them from now on
-- (recalcule_fiche_heures_mois, sql/attribution_mois_nouveaux.sql); this fills them once.
SET search_path = clause, public;

INSERT INTO fiche_heures_mois (fiche, mois, plie, heures, heures_formation, lignes)
SELECT '', l.mois, a.plie, sum(l.heures), sum(l.heures_formation), count(*)
FROM attribution a
JOIN ligne_heures l ON l.id = a.ligne_id
WHERE a.motif IS NULL AND a.fiche IS NULL AND a.plie IS NOT NULL
GROUP BY l.mois, a.plie;
