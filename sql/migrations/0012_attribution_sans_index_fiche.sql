-- 0012: the index of the credited lines by fiche (0007) served the progress of the fiches,
-- which now read the sums kept in fiche_heures_mois (0010). Nothing else searches the
-- attribution by fiche; every attribution paid to maintain it.
SET search_path = clause, public;

DROP INDEX attribution_fiche_idx;
