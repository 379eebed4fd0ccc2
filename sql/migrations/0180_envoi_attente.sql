-- 0180: a month's senders are appended beside envoi, and folded into it in one go once
-- they are as many as its pairs (issue 17, the monthly inbox independent of the history).
-- Updating envoi in place, each monthly fold met the pairs of the whole history: 25,782
-- pairs of one month dirtied 5,253 pages of a 4M-line database's envoi (354,448 pairs),
-- each written whole to the WAL after a checkpoint, 0.48 s for 0.25 s at 1M lines. An
-- append touches only the pages it fills. The last month of a pair is the greatest of its
-- kept one and of its waiting ones (v_envoi, attendus()); the fold moves the waiting rows
-- into envoi when they would outnumber its pairs (envois_reprendre(),
-- sql/views/36_attendus.sql), so the rows read beside envoi never exceed its own.
SET search_path = clause, public;

-- No key and no index: appended by batch, read whole (it stays smaller than envoi), and
-- emptied by the fold that moves it.
CREATE TABLE envoi_attente (
    marche_id       text NOT NULL,
    employeur_siret text NOT NULL,
    dernier_mois    date NOT NULL
);

-- attendus() reads the pairs of a month's active marchés, a few hundred marchés: in
-- marché order they lie on a few hundred pages, scattered as 0160's fold wrote them they
-- met 29,778 pages at 4M lines. envoi is kept in place from now on (compacted in key order,
-- updated where its rows stand), so this order lasts.
CLUSTER envoi USING envoi_pkey;
ANALYZE envoi;

-- read as envoi is: a facilitateur sees the pairs of the marchés it sees
ALTER TABLE envoi_attente ENABLE ROW LEVEL SECURITY;
CREATE POLICY envoi_attente_lecture ON envoi_attente FOR SELECT
    USING (acces_plie() IS NOT NULL AND EXISTS (SELECT 1 FROM marche m WHERE m.id = envoi_attente.marche_id));

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'clause_facilitateurs') THEN
        GRANT SELECT ON envoi_attente TO clause_facilitateurs;
    END IF;
END $$;
