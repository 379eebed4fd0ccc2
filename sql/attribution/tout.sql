-- Attribution, whole: stores for every timesheet line the result of the rules of
-- v_attribution_calcul (sql/views/05_attribution.sql). Runs inside the caller's
-- transaction; re-running it gives the same result. Used after a setting change (any
-- line may change status) or a change too large to recompute alone (src/workflow/attribute_after.c).
-- src/workflow/attribute.c runs it between sql/attribution/index_off.sql and
-- sql/attribution/index_on.sql when the user owns the table (the table is then already
-- empty, and its key and statistics rebuilt after the insert), then sums the credited
-- hours by fiche and by marché, month by month, again: SELECT recalcule_heures_mois(NULL).
-- Inputs: none but the clause tables (every line, the settings of v_attribution_calcul).
-- Writes: attribution (all of it); the caller sums fiche_heures_mois and marche_heures_mois after.
-- Run by hand: BEGIN; \i sql/attribution/index_off.sql \i sql/attribution/tout.sql
--              \i sql/attribution/index_on.sql
--              SELECT clause.recalcule_heures_mois(NULL); COMMIT;
SET LOCAL search_path = clause, pg_temp;
-- the window functions sort every line: in memory rather than on disk
SET LOCAL work_mem = '256MB';
-- a million rows through simple expressions: compiling them costs more than it saves
SET LOCAL jit = off;
-- past a few million lines, the planner would rather read them in the order of the
-- (participant_id, mois) index and sort each group than sort them all: one random heap
-- read per line, 37 s instead of 21 s at four million (bench-scale)
SET LOCAL enable_incremental_sort = off;

DELETE FROM attribution;

INSERT INTO attribution (ligne_id, participant_id, motif, plie, fiche)
SELECT ligne_id, participant_id, motif, plie, fiche FROM v_attribution_calcul;
