-- 0036: a facilitateur reads only its part of lot_import and entreprise (issue #12);
-- until now it read every PLIE's batches (file names, counts) and every entreprise.
-- - lot_import: the batches that brought a row the facilitateur may see (a line of
--   hours, a convention, a participant, an opération, a marché, a donneur or an
--   entreprise of its PLIE). A file that mixes several PLIEs is seen by each of them.
-- - entreprise: the attributaires of its PLIE's marchés, the employers of its lines of
--   hours and the SIAE partners of its conventions.
-- The subqueries see only what the reader may see of the tables they read (their own
-- row-level security), so no policy names a PLIE twice. Donneurs d'ordre have no right
-- on either table; the policies also hold for them (acces_plie() is NULL for them).
SET search_path = clause, pg_temp;

ALTER TABLE lot_import ENABLE ROW LEVEL SECURITY;
ALTER TABLE entreprise ENABLE ROW LEVEL SECURITY;

CREATE POLICY entreprise_lecture ON entreprise FOR SELECT
    USING (acces_plie() IS NOT NULL
           AND (siret IN (SELECT m.attributaire_siret FROM marche m)
                OR siret IN (SELECT l.employeur_siret FROM ligne_heures l)
                OR siret IN (SELECT c.partenaire_id FROM convention c WHERE c.partenaire_type = 'siae')));

CREATE POLICY lot_import_lecture ON lot_import FOR SELECT
    USING (acces_plie() IS NOT NULL
           AND (id IN (SELECT l.lot_id FROM ligne_heures l)
                OR id IN (SELECT c.lot_id FROM convention c)
                OR id IN (SELECT p.lot_id FROM participant p)
                OR id IN (SELECT o.lot_id FROM operation o)
                OR id IN (SELECT m.lot_id FROM marche m)
                OR id IN (SELECT d.lot_id FROM donneur d)
                OR id IN (SELECT e.lot_id FROM entreprise e)));
