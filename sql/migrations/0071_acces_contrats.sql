-- 0071: a facilitateur reads the batches and the employers of the contracts it may see
-- (0070: those on its PLIE's marchés), as it does those of its lines of hours (0036):
-- the suivi names the file and the employer of a contract without hours. The two
-- policies of 0036 are given again, with the contracts added.
SET search_path = clause, pg_temp;

ALTER POLICY entreprise_lecture ON entreprise
    USING (acces_plie() IS NOT NULL
           AND (siret IN (SELECT m.attributaire_siret FROM marche m)
                OR siret IN (SELECT l.employeur_siret FROM ligne_heures l)
                OR siret IN (SELECT c.partenaire_id FROM convention c WHERE c.partenaire_type = 'siae')
                OR siret IN (SELECT k.employeur_siret FROM contrat k)));

ALTER POLICY lot_import_lecture ON lot_import
    USING (acces_plie() IS NOT NULL
           AND (id IN (SELECT l.lot_id FROM ligne_heures l)
                OR id IN (SELECT c.lot_id FROM convention c)
                OR id IN (SELECT p.lot_id FROM participant p)
                OR id IN (SELECT o.lot_id FROM operation o)
                OR id IN (SELECT m.lot_id FROM marche m)
                OR id IN (SELECT d.lot_id FROM donneur d)
                OR id IN (SELECT e.lot_id FROM entreprise e)
                OR id IN (SELECT k.lot_id FROM contrat k)));
