-- 0021: what a batch lowered (DOMAIN.md rule 3: "a batch that lowers hours already credited
-- says so, line by line, when it is loaded"). One row per participant, marché and month
-- whose credited hours went down with the attribution of the batches lots (a correction to
-- a lower value, a ceiling now exceeded, an eligibility removed, a batch cancelled): the
-- hours before and after, and the reasons of the lines no longer credited. Written by
-- sql/baisses.sql, read by the import, the compte-rendu of clause batch and clause lot
-- annuler. Nothing here feeds a figure: the attribution stays the only truth.
SET search_path = clause, public;

CREATE TABLE baisse (
    lots            bigint[] NOT NULL,
    annulation      boolean NOT NULL,     -- the batches were cancelled, not loaded
    participant_id  text NOT NULL,
    marche_id       text NOT NULL,
    mois            date NOT NULL,
    avant           numeric NOT NULL,
    apres           numeric NOT NULL CHECK (apres < avant),
    motifs          text NOT NULL,
    calcule_le      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX baisse_lots_idx ON baisse USING gin (lots);
