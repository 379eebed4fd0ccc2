-- 0001: the schema of clause: referential data, import batches, timesheet lines.
-- Constraints hold the data's truth; the importer's checks only make errors readable.

CREATE SCHEMA IF NOT EXISTS clause;
SET search_path = clause, public;

-- Settings the users change without recompiling (clause config set KEY VALUE).
CREATE TABLE parametre (
    cle          text PRIMARY KEY,
    valeur       numeric NOT NULL CHECK (valeur > 0),
    description  text NOT NULL
);

INSERT INTO parametre (cle, valeur, description) VALUES
  ('plafond_mensuel_heures', 208,  'heures (travaillées + formation) au-delà desquelles le mois d''un participant est retenu (dépassement de plafond)'),
  ('heures_par_etp',         1607, 'heures pour un équivalent temps plein (ETP)'),
  ('seuil_masquage',         3,    'effectif en dessous duquel une case d''un rapport est masquée (< N)'),
  ('cout_horaire_charge',    30,   'coût horaire chargé (€/h) pour estimer les heures prévues d''un marché');

-- One row per imported file. A file is identified by its SHA-256 and kind:
-- importing it again is a no-op.
CREATE TABLE lot_import (
    id              bigserial PRIMARY KEY,
    nature          text NOT NULL CHECK (nature IN ('donneurs', 'operations', 'marches', 'entreprises',
                                                    'participants', 'conventions', 'heures')),
    fichier         text NOT NULL,
    sha256          char(64) NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    profil          text,
    lignes_lues     integer NOT NULL DEFAULT 0 CHECK (lignes_lues >= 0),
    lignes_chargees integer NOT NULL DEFAULT 0 CHECK (lignes_chargees >= 0),
    lignes_rejetees integer NOT NULL DEFAULT 0 CHECK (lignes_rejetees >= 0),
    lignes_inchangees integer NOT NULL DEFAULT 0 CHECK (lignes_inchangees >= 0),
    importe_le      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (sha256, nature)
);

-- Rows of a file that were not loaded, with the line, column and reason to fix.
CREATE TABLE rejet (
    lot_id    bigint NOT NULL REFERENCES lot_import (id) ON DELETE CASCADE,
    ligne     integer NOT NULL CHECK (ligne > 0),
    colonne   text,
    motif     text NOT NULL,
    contenu   text,
    PRIMARY KEY (lot_id, ligne, motif)
);

CREATE TABLE plie (
    code  text PRIMARY KEY CHECK (code ~ '^[a-z_]+$'),
    nom   text NOT NULL
);

-- Communes of each PLIE's territory, by year: territories change (Agen: 31 communes in 2021, 44 in 2022).
CREATE TABLE plie_commune (
    plie        text NOT NULL REFERENCES plie (code),
    annee       integer NOT NULL CHECK (annee BETWEEN 2000 AND 2100),
    code_insee  char(5) NOT NULL CHECK (code_insee ~ '^[0-9][0-9AB][0-9]{3}$'),
    commune     text NOT NULL,
    confirme    boolean NOT NULL DEFAULT true,
    source      text NOT NULL,
    PRIMARY KEY (annee, code_insee)          -- a commune belongs to one PLIE a year
);

CREATE TABLE fiche (
    code             text PRIMARY KEY,
    plie             text NOT NULL REFERENCES plie (code),
    titre            text NOT NULL,
    annee            integer NOT NULL,
    date_debut       date NOT NULL,
    date_fin         date NOT NULL,
    clause_insertion boolean NOT NULL,
    etp_declares     numeric CHECK (etp_declares > 0),   -- for targets set per ETP; NULL = not declared
    CHECK (date_fin >= date_debut)
);

-- Quantified targets of a fiche. cle names what clause computes; NULL means the
-- indicator is not something clause's data can show ("non suivi par clause").
CREATE TABLE fiche_indicateur (
    fiche      text NOT NULL REFERENCES fiche (code),
    rang       integer NOT NULL,
    cle        text CHECK (cle IN ('heures', 'marches', 'operations', 'chantiers', 'conventions',
                                   'marches_reserves', 'operations_hors_btp')),
    libelle    text NOT NULL,
    cible      numeric NOT NULL CHECK (cible > 0),
    unite      text NOT NULL,
    a_minima   boolean NOT NULL DEFAULT false,
    par_etp    boolean NOT NULL DEFAULT false,
    PRIMARY KEY (fiche, rang),
    UNIQUE (fiche, cle)
);

CREATE TABLE donneur (
    id        text PRIMARY KEY CHECK (id <> ''),
    nom       text NOT NULL CHECK (nom <> ''),
    type      text NOT NULL CHECK (type IN ('etat', 'region', 'departement', 'commune', 'epci', 'bailleur',
                                            'etablissement_public', 'prive')),
    lot_id    bigint NOT NULL REFERENCES lot_import (id),
    ligne     integer NOT NULL
);

CREATE TABLE entreprise (
    siret           char(14) PRIMARY KEY CHECK (siret ~ '^[0-9]{14}$'),
    raison_sociale  text NOT NULL CHECK (raison_sociale <> ''),
    type            text NOT NULL CHECK (type IN ('entreprise', 'etti', 'ai', 'ei', 'aci', 'geiq', 'ett',
                                                  'ea', 'esat', 'regie')),
    lot_id          bigint NOT NULL REFERENCES lot_import (id),
    ligne           integer NOT NULL
);

CREATE TABLE operation (
    id             text PRIMARY KEY CHECK (id <> ''),
    donneur_id     text NOT NULL REFERENCES donneur (id),
    nom            text NOT NULL CHECK (nom <> ''),
    commune_insee  char(5) NOT NULL CHECK (commune_insee ~ '^[0-9][0-9AB][0-9]{3}$'),
    secteur        text NOT NULL CHECK (secteur IN ('btp', 'proprete', 'espaces_verts', 'restauration',
                                                    'services', 'industrie', 'autre')),
    fiche          text REFERENCES fiche (code),
    lot_id         bigint NOT NULL REFERENCES lot_import (id),
    ligne          integer NOT NULL
);
CREATE INDEX operation_donneur_idx ON operation (donneur_id);

CREATE TABLE marche (
    id                  text PRIMARY KEY CHECK (id <> ''),
    operation_id        text NOT NULL REFERENCES operation (id),
    lot                 text,
    intitule            text NOT NULL CHECK (intitule <> ''),
    attributaire_siret  char(14) NOT NULL REFERENCES entreprise (siret),
    forme               text NOT NULL CHECK (forme IN ('execution', 'reserve_siae', 'reserve_ea_esat',
                                                       'insertion', 'critere')),
    date_debut          date NOT NULL,
    date_fin            date NOT NULL,
    montant_ht          numeric(14, 2) CHECK (montant_ht >= 0),
    heures_prevues      numeric(10, 2) CHECK (heures_prevues >= 0),
    lot_id              bigint NOT NULL REFERENCES lot_import (id),
    ligne               integer NOT NULL,
    CHECK (date_fin >= date_debut)
);
CREATE INDEX marche_operation_idx ON marche (operation_id);

CREATE TABLE participant (
    id                text PRIMARY KEY CHECK (id <> ''),
    nom               text NOT NULL CHECK (nom <> ''),
    prenom            text NOT NULL CHECK (prenom <> ''),
    date_naissance    date NOT NULL CHECK (date_naissance > '1900-01-01'),
    sexe              char(1) NOT NULL CHECK (sexe IN ('F', 'M')),
    commune_insee     char(5) CHECK (commune_insee ~ '^[0-9][0-9AB][0-9]{3}$'),
    qpv               boolean NOT NULL,
    criteres          text[] NOT NULL DEFAULT '{}'
                      CHECK (criteres <@ ARRAY['deld', 'rsa', 'ass', 'aah', 'rqth', 'jeune', 'senior',
                                               'iae', 'plie', 'qpv', 'autre']),
    date_eligibilite  date,
    lot_id            bigint NOT NULL REFERENCES lot_import (id),
    ligne             integer NOT NULL
);

CREATE TABLE convention (
    id               text PRIMARY KEY CHECK (id <> ''),
    plie             text NOT NULL REFERENCES plie (code),
    partenaire_type  text NOT NULL CHECK (partenaire_type IN ('donneur', 'siae', 'autre')),
    partenaire_id    text NOT NULL CHECK (partenaire_id <> ''),
    date_debut       date NOT NULL,
    date_fin         date NOT NULL,
    lot_id           bigint NOT NULL REFERENCES lot_import (id),
    ligne            integer NOT NULL,
    CHECK (date_fin >= date_debut)
);

-- One timesheet line: the hours of a participant on a marché for one employer and
-- month, as one file (lot) said at one line. Lines are never updated nor deleted:
-- a later file that repeats the key supersedes them (attribution marks them remplacee).
CREATE TABLE ligne_heures (
    id                bigserial PRIMARY KEY,
    lot_id            bigint NOT NULL REFERENCES lot_import (id),
    ligne             integer NOT NULL CHECK (ligne > 0),
    participant_id    text NOT NULL REFERENCES participant (id),
    employeur_siret   char(14) NOT NULL REFERENCES entreprise (siret),
    marche_id         text NOT NULL REFERENCES marche (id),
    mois              date NOT NULL CHECK (extract(day FROM mois) = 1),
    heures            numeric(7, 2) NOT NULL CHECK (heures >= 0),
    heures_formation  numeric(7, 2) NOT NULL DEFAULT 0 CHECK (heures_formation >= 0),
    type_contrat      text NOT NULL CHECK (type_contrat IN ('cdi', 'cdd', 'cddi', 'ctt', 'apprentissage',
                                                            'professionnalisation', 'autre')),
    modalite          text NOT NULL CHECK (modalite IN ('embauche_directe', 'mise_a_disposition',
                                                        'sous_traitance', 'co_traitance', 'formation')),
    -- more hours than the month has cannot be true
    CHECK (heures + heures_formation <= 24 * extract(day FROM (mois + interval '1 month - 1 day'))),
    UNIQUE (participant_id, marche_id, employeur_siret, mois, lot_id)
);
CREATE INDEX ligne_heures_lot_idx ON ligne_heures (lot_id);
CREATE INDEX ligne_heures_participant_mois_idx ON ligne_heures (participant_id, mois);
CREATE INDEX ligne_heures_marche_idx ON ligne_heures (marche_id);

-- The result of attribution, one row per timesheet line (recomputed by sql/attribution.sql).
-- motif NULL = credited; otherwise the reason the line is non comptabilisée.
CREATE TABLE attribution (
    ligne_id      bigint PRIMARY KEY REFERENCES ligne_heures (id),
    motif         text CHECK (motif IN ('remplacee', 'non_eligible', 'hors_periode_marche',
                                         'depassement_plafond')),
    plie          text REFERENCES plie (code),
    fiche         text REFERENCES fiche (code)
);
