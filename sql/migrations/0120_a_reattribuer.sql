-- 0120: what a referential file changed that the attribution reads, waiting for the next
-- attribution (issue 17). The merge of a file (sql/merge/) records, in the import's
-- transaction, the keys whose values the rules read actually changed: a participant's
-- eligibility, a marché's period or opération, an opération's commune or fiche, and the
-- opérations and months whose PLIE or fiche a fiches or territoires file moved. The next
-- attribution (src/attribute_after.c) recomputes the participant-months of those lines
-- only, then empties the table; a whole attribution empties it too.
-- A row with no key asks for everything again (a batch loaded by an earlier release and
-- still waiting for its attribution: what it changed was not recorded).
SET search_path = clause, public;

CREATE TABLE a_reattribuer (
    lot_id          bigint NOT NULL REFERENCES lot_import (id),
    participant_id  text,        -- every line of the participant
    marche_id       text,        -- every line of the marché
    operation_id    text,        -- the lines of the opération's marchés, of mois when given
    mois            date,
    CHECK (num_nonnulls(participant_id, marche_id, operation_id) <= 1),
    CHECK (mois IS NULL OR operation_id IS NOT NULL)
);

INSERT INTO a_reattribuer (lot_id)
SELECT id FROM lot_import
WHERE a_attribuer AND nature IN ('participants', 'marches', 'operations', 'fiches', 'territoires');
