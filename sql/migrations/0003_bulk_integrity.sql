-- 0003: integrity of the timesheet lines checked per statement, not per row.
-- A national year is a million lines a file: row-level foreign keys cost one index probe
-- per line and per reference (about 30 s a million, 30 times the COPY itself). The same
-- truth is held by statement-level triggers that check the new lines against the
-- referential tables in one anti-join each, and by guards that stop a referenced
-- participant, employer or marché from being deleted or renamed.
-- attribution is derived data, recomputed whole from ligne_heures: its rows are
-- correct by construction and carry no foreign key.
SET search_path = clause, public;

ALTER TABLE ligne_heures
    DROP CONSTRAINT ligne_heures_participant_id_fkey,
    DROP CONSTRAINT ligne_heures_employeur_siret_fkey,
    DROP CONSTRAINT ligne_heures_marche_id_fkey,
    DROP CONSTRAINT ligne_heures_lot_id_fkey;

ALTER TABLE attribution
    DROP CONSTRAINT attribution_ligne_id_fkey,
    DROP CONSTRAINT attribution_plie_fkey,
    DROP CONSTRAINT attribution_fiche_fkey;

-- NOT IN over a subquery runs as one hashed lookup table per reference: a million new
-- lines are checked in a fraction of a second, where a join per row would take seconds.
CREATE FUNCTION ligne_heures_verifie_references() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    bad record;
BEGIN
    SELECT n.participant_id, n.employeur_siret, n.marche_id, n.lot_id INTO bad
      FROM nouvelles n
     WHERE n.participant_id NOT IN (SELECT id FROM participant)
        OR n.employeur_siret NOT IN (SELECT siret FROM entreprise)
        OR n.marche_id NOT IN (SELECT id FROM marche WHERE operation_id IS NOT NULL)
        OR n.lot_id NOT IN (SELECT id FROM lot_import)
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'ligne d''heures sans référence valable : participant %, employeur %, marché % '
                        '(inconnu ou suivi par aucune opération), lot %',
                        bad.participant_id, bad.employeur_siret, bad.marche_id, bad.lot_id
              USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER ligne_heures_references
    AFTER INSERT ON ligne_heures REFERENCING NEW TABLE AS nouvelles
    FOR EACH STATEMENT EXECUTE FUNCTION ligne_heures_verifie_references();

-- The referential rows that lines point to keep their key and cannot be deleted.
-- TG_ARGV: the column of ligne_heures, the key column of the guarded table.
CREATE FUNCTION referentiel_garde_lignes() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    old_key text := to_jsonb(OLD) ->> TG_ARGV[1];
    referenced boolean;
BEGIN
    IF TG_OP = 'UPDATE' AND old_key = to_jsonb(NEW) ->> TG_ARGV[1] THEN
        RETURN NEW;
    END IF;
    EXECUTE format('SELECT EXISTS (SELECT 1 FROM clause.ligne_heures WHERE %I = $1)', TG_ARGV[0])
       INTO referenced USING old_key;
    IF referenced THEN
        RAISE EXCEPTION '% « % » : des lignes d''heures y font référence', TG_TABLE_NAME, old_key
              USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
END $$;

CREATE TRIGGER participant_garde BEFORE DELETE OR UPDATE OF id ON participant
    FOR EACH ROW EXECUTE FUNCTION referentiel_garde_lignes('participant_id', 'id');
CREATE TRIGGER marche_garde BEFORE DELETE OR UPDATE OF id ON marche
    FOR EACH ROW EXECUTE FUNCTION referentiel_garde_lignes('marche_id', 'id');
CREATE TRIGGER entreprise_garde BEFORE DELETE OR UPDATE OF siret ON entreprise
    FOR EACH ROW EXECUTE FUNCTION referentiel_garde_lignes('employeur_siret', 'siret');

-- The same key twice in one file is refused by the heures merge (sql/merge/heures.sql),
-- set-based; the five-column unique index only made every insert slower.
ALTER TABLE ligne_heures DROP CONSTRAINT ligne_heures_participant_id_marche_id_employeur_siret_mois__key;
