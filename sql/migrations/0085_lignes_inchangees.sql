-- 0085: a line sent again unchanged is kept aside, not dropped, so that cancelling the
-- batch it repeated does not lose it (DOMAIN.md rules 2 and 9).
-- Until now a timesheet line identical to the line that stood for its key and period was
-- deleted from its new batch (sql/merge/heures_inchangees.sql): the batch counted it as
-- unchanged. When the earlier batch was then cancelled (a sender sends the whole month
-- again with one week fixed, and the first file is cancelled as wrong), the hours the
-- later batch had sent were lost. Such lines now wait in ligne_inchangee, with the line
-- they repeated; cancelling that line's batch puts them back in ligne_heures, with the id,
-- batch and line number they had, before the batch's participant-months are re-attributed.
-- Databases of earlier releases dropped such lines: nothing to recover for them.
SET search_path = clause, pg_temp;

CREATE TABLE ligne_inchangee (
    id                bigint PRIMARY KEY,       -- its id in ligne_heures, kept for traceability
    lot_id            bigint NOT NULL,
    ligne             integer NOT NULL CHECK (ligne > 0),
    participant_id    text NOT NULL,
    employeur_siret   char(14) NOT NULL,
    marche_id         text NOT NULL,
    mois              date NOT NULL,
    date_debut        date,
    date_fin          date,
    heures            numeric(7, 2) NOT NULL,
    heures_formation  numeric(7, 2) NOT NULL,
    type_contrat      text NOT NULL,
    modalite          text NOT NULL,
    identique_a       bigint NOT NULL           -- the standing line it repeated
);
CREATE INDEX ligne_inchangee_identique_a_idx ON ligne_inchangee (identique_a);

-- personal data: the owner only (no reader role has a right on it)
ALTER TABLE ligne_inchangee ENABLE ROW LEVEL SECURITY;
REVOKE ALL ON ligne_inchangee FROM PUBLIC;

-- Whatever cancels a batch (clause lot annuler, clause serve), the lines kept aside because
-- they repeated one of its lines stand again in their own batch.
CREATE FUNCTION lot_annule_rend_inchangees() RETURNS trigger
LANGUAGE plpgsql SET search_path = clause, pg_temp AS $$
BEGIN
    WITH rendues AS (
        DELETE FROM ligne_inchangee i
        USING ligne_heures l
        WHERE l.lot_id = NEW.id AND i.identique_a = l.id
        RETURNING i.*)
    INSERT INTO ligne_heures (id, lot_id, ligne, participant_id, employeur_siret, marche_id, mois,
                              date_debut, date_fin, heures, heures_formation, type_contrat, modalite)
    SELECT id, lot_id, ligne, participant_id, employeur_siret, marche_id, mois,
           date_debut, date_fin, heures, heures_formation, type_contrat, modalite
    FROM rendues;
    RETURN NULL;
END $$;

CREATE TRIGGER lot_import_annulation_rend_inchangees
    AFTER UPDATE OF annule_le ON lot_import
    FOR EACH ROW WHEN (OLD.annule_le IS NULL AND NEW.annule_le IS NOT NULL)
    EXECUTE FUNCTION lot_annule_rend_inchangees();
