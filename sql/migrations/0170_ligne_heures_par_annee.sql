-- 0170: the timesheet lines partitioned by year of their month (issue 17).
-- A month's batch went into one table holding every year behind it: at four million
-- lines its COPY took 1.1 s (0.66 s at one million), most of it in the index by
-- participant and month, whose every leaf page a month's lines touch (and write whole to
-- the WAL after each checkpoint). Now a month's lines go into their year's table, whose
-- indexes are the size of a year whatever the history behind it. A query by participant
-- probes one index a year; the whole attribution reads every year, as it did.
-- The key becomes (id, mois): a key of a partitioned table must hold the partition key;
-- ids still come from the one sequence, so id alone stays unique. Nothing refers to a
-- line by a foreign key (0003).
-- A year's table is made when its first line arrives (ligne_heures_annee(), called by the
-- importer before it sends that line); lines of a year without one (another way in, or a
-- month outside 2000-2099) land in ligne_heures_autres, and are moved into their year's
-- table when it is made.
SET search_path = clause, public;

LOCK TABLE ligne_heures IN ACCESS EXCLUSIVE MODE;

CREATE TABLE ligne_heures_par_annee (
    id                bigint NOT NULL DEFAULT nextval('ligne_heures_id_seq'),
    lot_id            bigint NOT NULL,
    ligne             integer NOT NULL,
    participant_id    text NOT NULL,
    employeur_siret   char(14) NOT NULL,
    marche_id         text NOT NULL,
    mois              date NOT NULL,
    heures            numeric(7, 2) NOT NULL,
    heures_formation  numeric(7, 2) NOT NULL DEFAULT 0,
    type_contrat      text NOT NULL,
    modalite          text NOT NULL,
    date_debut        date,
    date_fin          date,
    CONSTRAINT ligne_heures_check
        CHECK (heures + heures_formation <= 24 * ((mois + interval '1 month')::date - mois)),
    CONSTRAINT ligne_heures_heures_check CHECK (heures >= 0),
    CONSTRAINT ligne_heures_heures_formation_check CHECK (heures_formation >= 0),
    CONSTRAINT ligne_heures_ligne_check CHECK (ligne > 0),
    CONSTRAINT ligne_heures_modalite_check
        CHECK (modalite IN ('embauche_directe', 'mise_a_disposition', 'sous_traitance',
                            'co_traitance', 'formation')),
    CONSTRAINT ligne_heures_mois_check CHECK (date_part('day', mois) = 1),
    CONSTRAINT ligne_heures_periode_check CHECK (
        (date_debut IS NULL AND date_fin IS NULL)
        OR (date_debut >= mois AND date_debut < (mois + interval '1 month')
            AND date_fin >= date_debut AND date_fin < (mois + interval '2 month'))),
    CONSTRAINT ligne_heures_type_contrat_check
        CHECK (type_contrat IN ('cdi', 'cdd', 'cddi', 'ctt', 'apprentissage',
                                'professionnalisation', 'autre'))
) PARTITION BY RANGE (mois);

CREATE TABLE ligne_heures_autres PARTITION OF ligne_heures_par_annee DEFAULT;
ALTER TABLE ligne_heures_autres ENABLE ROW LEVEL SECURITY;

-- The parent is renamed before the year's tables are made so that they take their names.
ALTER SEQUENCE ligne_heures_id_seq OWNED BY NONE;
ALTER TABLE ligne_heures RENAME TO ligne_heures_avant_0170;
ALTER TABLE ligne_heures_par_annee RENAME TO ligne_heures;
ALTER SEQUENCE ligne_heures_id_seq OWNED BY ligne_heures.id;

-- A year's table, made once (the lock serialises two imports reaching a new year
-- together); the lines of that year waiting in ligne_heures_autres move into it. It is
-- read through ligne_heures only: no right on it, and row-level security without policy
-- in case one is granted by mistake. Owned by the schema's owner whoever imports: any
-- user who may add lines may make their year's table (the user logged in, since inside
-- the function the current user is the owner).
CREATE FUNCTION ligne_heures_annee(p_annee integer) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = clause, pg_temp AS $$
DECLARE
    nom   text := 'ligne_heures_' || p_annee;
    debut date;
    fin   date;
BEGIN
    IF NOT has_table_privilege(session_user, 'clause.ligne_heures', 'INSERT') THEN
        RAISE EXCEPTION 'droit d''ajouter des lignes d''heures requis pour créer la table de l''année %', p_annee
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF p_annee NOT BETWEEN 2000 AND 2099 OR to_regclass('clause.' || nom) IS NOT NULL THEN
        RETURN;
    END IF;
    LOCK TABLE ligne_heures_autres IN SHARE ROW EXCLUSIVE MODE;
    IF to_regclass('clause.' || nom) IS NOT NULL THEN
        RETURN;
    END IF;
    debut := make_date(p_annee, 1, 1);
    fin := make_date(p_annee + 1, 1, 1);
    EXECUTE format('CREATE TABLE clause.%I (LIKE clause.ligne_heures INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', nom);
    EXECUTE format('INSERT INTO clause.%I SELECT * FROM ONLY clause.ligne_heures_autres '
                   'WHERE mois >= $1 AND mois < $2', nom) USING debut, fin;
    DELETE FROM ONLY ligne_heures_autres WHERE mois >= debut AND mois < fin;
    EXECUTE format('ALTER TABLE clause.ligne_heures ATTACH PARTITION clause.%I FOR VALUES FROM (%L) TO (%L)',
                   nom, debut, fin);
    EXECUTE format('ALTER TABLE clause.%I ENABLE ROW LEVEL SECURITY', nom);
END $$;

DO $$
DECLARE
    annee integer;
BEGIN
    FOR annee IN SELECT DISTINCT date_part('year', mois)::integer FROM ligne_heures_avant_0170 LOOP
        PERFORM ligne_heures_annee(annee);
    END LOOP;
END $$;

-- in id order, as the lines came; the indexes are built after, in one pass each
INSERT INTO ligne_heures SELECT * FROM ligne_heures_avant_0170;

-- With the old table go the views reading it (sql/views/, re-created after this
-- migration: their record is removed below) and the policies naming it, restored below.
DROP TABLE ligne_heures_avant_0170 CASCADE;
DELETE FROM schema_migration WHERE nom = 'views/';

SET LOCAL maintenance_work_mem = '256MB';
ALTER TABLE ligne_heures ADD CONSTRAINT ligne_heures_pkey PRIMARY KEY (id, mois);
CREATE INDEX ligne_heures_participant_mois_idx ON ligne_heures (participant_id, mois);
CREATE INDEX ligne_heures_marche_idx ON ligne_heures (marche_id);
CREATE INDEX ligne_heures_a_cheval_idx ON ligne_heures (participant_id, mois)
    WHERE date_fin >= (mois + interval '1 month');
CREATE INDEX ligne_heures_lot_brin ON ligne_heures USING brin (lot_id)
    WITH (pages_per_range = 16, autosummarize = on);
CREATE INDEX ligne_heures_mois_brin ON ligne_heures USING brin (mois)
    WITH (pages_per_range = 16, autosummarize = on);

CREATE TRIGGER ligne_heures_references
    AFTER INSERT ON ligne_heures REFERENCING NEW TABLE AS nouvelles
    FOR EACH STATEMENT EXECUTE FUNCTION ligne_heures_verifie_references();

ALTER TABLE ligne_heures ENABLE ROW LEVEL SECURITY;
CREATE POLICY ligne_heures_lecture ON ligne_heures FOR SELECT
    USING (acces_plie() IS NOT NULL AND EXISTS (SELECT 1 FROM marche m WHERE m.id = ligne_heures.marche_id));
-- as 0005, 0036 and 0071 left them
CREATE POLICY participant_lecture ON participant FOR SELECT
    USING (acces_plie() IS NOT NULL
           AND (EXISTS (SELECT 1 FROM ligne_heures l WHERE l.participant_id = participant.id)
                OR commune_insee IN (SELECT code_insee FROM plie_commune WHERE plie = acces_plie())));
CREATE POLICY entreprise_lecture ON entreprise FOR SELECT
    USING (acces_plie() IS NOT NULL
           AND (siret IN (SELECT m.attributaire_siret FROM marche m)
                OR siret IN (SELECT l.employeur_siret FROM ligne_heures l)
                OR siret IN (SELECT c.partenaire_id FROM convention c WHERE c.partenaire_type = 'siae')
                OR siret IN (SELECT k.employeur_siret FROM contrat k)));
CREATE POLICY lot_import_lecture ON lot_import FOR SELECT
    USING (acces_plie() IS NOT NULL
           AND (id IN (SELECT l.lot_id FROM ligne_heures l)
                OR id IN (SELECT c.lot_id FROM convention c)
                OR id IN (SELECT p.lot_id FROM participant p)
                OR id IN (SELECT o.lot_id FROM operation o)
                OR id IN (SELECT m.lot_id FROM marche m)
                OR id IN (SELECT d.lot_id FROM donneur d)
                OR id IN (SELECT e.lot_id FROM entreprise e)
                OR id IN (SELECT k.lot_id FROM contrat k)));

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'clause_facilitateurs') THEN
        GRANT SELECT ON ligne_heures TO clause_facilitateurs;
    END IF;
END $$;

-- Lines counted by the catalogue's estimate: the years' tables are analysed by
-- autovacuum, the parent never is (ligne_heures_estimation() sums its years).
CREATE FUNCTION ligne_heures_estimation() RETURNS bigint LANGUAGE sql STABLE
SET search_path = clause, pg_temp AS $$
    SELECT coalesce(sum(greatest(c.reltuples, 0)), 0)::bigint
    FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = 'clause.ligne_heures'::regclass
$$;

-- the parent's statistics (joins over every year are planned on them) and its years'
ANALYZE ligne_heures;
