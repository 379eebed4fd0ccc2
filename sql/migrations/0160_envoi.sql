-- 0160: the last month each employer sent hours on each marché, kept by the attribution.
-- attendus() (who has not sent yet: the compte-rendu of clause batch, clause report
-- attendus) looked for it in every line of the active marchés' history at each monthly
-- inbox: 0.46 s at a million lines, 3.1 s at four million (issue 17). The pairs (marché,
-- employer) grow with the senders, not with the lines: 354,000 in the 4M bench set.
-- Every attribution folds in the batches not folded yet (envois_reprendre(), in
-- sql/views/36_attendus.sql), so a batch imported without attribution waits, and
-- attendus() reads its lines directly meanwhile. Any line received counts, credited or
-- not, cancelled or not, as attendus() always counted it.
SET search_path = clause, public;

-- Half-full pages: a month moves the last month of most of the pairs that send, and an
-- update that finds room in its page leaves the key alone (no index entry to add): the
-- fold of a month (25,782 pairs in the bench) took 0.27 s with full pages, 0.13 s so.
CREATE TABLE envoi (
    marche_id       text NOT NULL,
    employeur_siret text NOT NULL,
    dernier_mois    date NOT NULL,
    PRIMARY KEY (marche_id, employeur_siret)
) WITH (fillfactor = 50);

ALTER TABLE lot_import ADD COLUMN envois_repris boolean NOT NULL DEFAULT false;

INSERT INTO envoi (marche_id, employeur_siret, dernier_mois)
SELECT marche_id, employeur_siret, max(mois)
FROM ligne_heures
GROUP BY marche_id, employeur_siret;

-- every line of every batch is in (the batches of referential files have none)
UPDATE lot_import SET envois_repris = true;
-- attendus() is planned on these statistics at its next call, before autovacuum comes by
ANALYZE envoi;

-- read as ligne_heures is: a facilitateur sees the pairs of the marchés it sees
ALTER TABLE envoi ENABLE ROW LEVEL SECURITY;
CREATE POLICY envoi_lecture ON envoi FOR SELECT
    USING (acces_plie() IS NOT NULL AND EXISTS (SELECT 1 FROM marche m WHERE m.id = envoi.marche_id));

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'clause_facilitateurs') THEN
        GRANT SELECT ON envoi TO clause_facilitateurs;
    END IF;
END $$;
