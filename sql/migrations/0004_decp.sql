-- 0004: marchés read from the DECP (données essentielles de la commande publique, JSON):
-- a DECP marché with a social consideration is known before any opération follows it.
-- See importers/README-decp.md for the fields read and the rules.
SET search_path = clause, public;

-- A DECP file is a batch of nature 'decp'. The CHECK is rebuilt from its current
-- definition (other migrations may have added natures), with 'decp' appended.
DO $$
DECLARE
    def text;
BEGIN
    SELECT pg_get_constraintdef(c.oid) INTO def
    FROM pg_constraint c
    WHERE c.conrelid = 'clause.lot_import'::regclass AND c.conname = 'lot_import_nature_check';
    IF def IS NULL THEN
        RAISE EXCEPTION 'contrainte lot_import_nature_check introuvable';
    END IF;
    IF position('''decp''' IN def) = 0 THEN
        IF def !~ '\]\)+$' THEN
            RAISE EXCEPTION 'forme inattendue de lot_import_nature_check : %', def;
        END IF;
        EXECUTE 'ALTER TABLE clause.lot_import DROP CONSTRAINT lot_import_nature_check';
        EXECUTE 'ALTER TABLE clause.lot_import ADD CONSTRAINT lot_import_nature_check '
                || regexp_replace(def, '\](\)+)$', ', ''decp''::text]\1');
    END IF;
END
$$;

-- Records of a file that were read but deliberately not loaded (DECP: marchés without
-- any social consideration, contrats de concession): counted, so that
-- lues = chargées + inchangées + rejetées + ignorées.
ALTER TABLE lot_import ADD COLUMN lignes_ignorees integer NOT NULL DEFAULT 0 CHECK (lignes_ignorees >= 0);

-- The buyer's commune, when known (set by hand or by a referential file); the DECP
-- report falls back on it when the place of execution is not a commune.
ALTER TABLE donneur ADD COLUMN commune_insee char(5) CHECK (commune_insee ~ '^[0-9][0-9AB][0-9]{3}$');

-- A DECP marché is followed by no opération until the facilitateur attaches one (with a
-- marchés file that names it). A marché of any other source always has its opération.
-- Timesheet lines stay allowed only on marchés that have an opération (trigger below).
ALTER TABLE marche ALTER COLUMN operation_id DROP NOT NULL;
ALTER TABLE marche
    ADD COLUMN source text NOT NULL DEFAULT 'fichier' CHECK (source IN ('fichier', 'decp')),
    ADD COLUMN decp_uid text UNIQUE CHECK (decp_uid <> ''),
    ADD COLUMN acheteur_id text REFERENCES donneur (id),
    ADD COLUMN considerations_sociales text[]
        CHECK (considerations_sociales <@ ARRAY['Clause sociale', 'Critère social', 'Marché réservé']),
    ADD COLUMN lieu_execution_code text CHECK (length(lieu_execution_code) BETWEEN 1 AND 20),
    ADD COLUMN lieu_execution_type text
        CHECK (lieu_execution_type IN ('code_commune', 'code_postal', 'code_arrondissement', 'code_canton',
                                       'code_departement', 'code_region', 'code_pays', 'autre')),
    ADD COLUMN duree_mois integer CHECK (duree_mois > 0),
    ADD CONSTRAINT marche_operation_ou_decp CHECK (operation_id IS NOT NULL OR source = 'decp'),
    ADD CONSTRAINT marche_decp_uid CHECK (source <> 'decp' OR decp_uid IS NOT NULL);
CREATE INDEX marche_a_suivre_idx ON marche (acheteur_id) WHERE operation_id IS NULL;

-- Attribution credits a line through its marché's opération: a line on a marché that no
-- opération follows could be credited to nothing, so it is refused. The heures merge
-- rejects such rows first, with a readable reason; the last guard is the statement-level
-- reference check of 0003 (clause.ligne_heures_verifie_references), which refuses them too.

-- Postal codes of the communes of the PLIE territories of 2021, with every commune that
-- shares each code (in or out of a territory), so that a code is known to name one
-- commune, or several of one territory, or to be ambiguous. Codes absent from this
-- table (CEDEX codes, codes of no territory commune) are not mapped.
-- Source: data/reference/codes-postaux-plie-2021.csv (how it was made: beside it, .md).
CREATE TABLE code_postal_commune (
    code_postal  char(5) NOT NULL CHECK (code_postal ~ '^[0-9]{5}$'),
    code_insee   char(5) NOT NULL CHECK (code_insee ~ '^[0-9][0-9AB][0-9]{3}$'),
    commune      text NOT NULL,
    millesime    integer NOT NULL,
    PRIMARY KEY (code_postal, code_insee, millesime)
);

INSERT INTO code_postal_commune (code_postal, code_insee, commune, millesime) VALUES
  ('24000', '24322', 'Périgueux', 2021),
  ('24110', '24061', 'Bourrou', 2021),
  ('24110', '24205', 'Grignols', 2021),
  ('24110', '24236', 'Léguillac-de-l''Auche', 2021),
  ('24110', '24251', 'Manzac-sur-Vern', 2021),
  ('24110', '24295', 'Montrem', 2021),
  ('24110', '24371', 'Saint-Aquilin', 2021),
  ('24110', '24372', 'Saint-Astier', 2021),
  ('24110', '24442', 'Saint-Léon-sur-l''Isle', 2021),
  ('24330', '24026', 'Bassillac et Auberoche', 2021),
  ('24330', '24053', 'Boulazac Isle Manoire', 2021),
  ('24330', '24156', 'La Douze', 2021),
  ('24330', '24390', 'Saint-Crépin-d''Auberoche', 2021),
  ('24330', '24421', 'Saint-Geyrac', 2021),
  ('24330', '24484', 'Saint-Pierre-de-Chignac', 2021),
  ('24350', '24069', 'Bussac', 2021),
  ('24350', '24108', 'La Chapelle-Gonaguet', 2021),
  ('24350', '24144', 'Creyssac', 2021),
  ('24350', '24154', 'Douchapt', 2021),
  ('24350', '24200', 'Grand-Brassac', 2021),
  ('24350', '24243', 'Lisle', 2021),
  ('24350', '24266', 'Mensignac', 2021),
  ('24350', '24286', 'Montagrier', 2021),
  ('24350', '24508', 'Saint-Victor', 2021),
  ('24350', '24553', 'Tocane-Saint-Apre', 2021),
  ('24380', '24094', 'Chalagnac', 2021),
  ('24380', '24146', 'Creyssensac-et-Pissot', 2021),
  ('24380', '24160', 'Église-Neuve-de-Vergt', 2021),
  ('24380', '24190', 'Fouleix', 2021),
  ('24380', '24208', 'Grun-Bordas', 2021),
  ('24380', '24220', 'Lacropte', 2021),
  ('24380', '24312', 'Sanilhac', 2021),
  ('24380', '24362', 'Val de Louyre et Caudeau', 2021),
  ('24380', '24365', 'Saint-Amand-de-Vergt', 2021),
  ('24380', '24459', 'Saint-Mayme-de-Péreyrol', 2021),
  ('24380', '24468', 'Saint-Michel-de-Villadeix', 2021),
  ('24380', '24480', 'Saint-Paul-de-Serre', 2021),
  ('24380', '24518', 'Salon', 2021),
  ('24380', '24571', 'Vergt', 2021),
  ('24380', '24576', 'Veyrines-de-Vergt', 2021),
  ('24420', '24011', 'Antonne-et-Trigonant', 2021),
  ('24420', '24137', 'Coulaures', 2021),
  ('24420', '24162', 'Escoire', 2021),
  ('24420', '24262', 'Mayac', 2021),
  ('24420', '24513', 'Saint-Vincent-sur-l''Isle', 2021),
  ('24420', '24521', 'Sarliac-sur-l''Isle', 2021),
  ('24420', '24527', 'Savignac-les-Églises', 2021),
  ('24420', '24540', 'Sorges et Ligueux en Périgord', 2021),
  ('24430', '24010', 'Annesse-et-Beaulieu', 2021),
  ('24430', '24139', 'Coursac', 2021),
  ('24430', '24256', 'Marsac-sur-l''Isle', 2021),
  ('24430', '24350', 'Razac-sur-l''Isle', 2021),
  ('24460', '24002', 'Agonac', 2021),
  ('24460', '24064', 'Brantôme en Périgord', 2021),
  ('24460', '24115', 'Château-l''Évêque', 2021),
  ('24460', '24308', 'Négrondes', 2021),
  ('24460', '24408', 'Saint-Front-d''Alemps', 2021),
  ('24460', '24540', 'Sorges et Ligueux en Périgord', 2021),
  ('24510', '24240', 'Limeuil', 2021),
  ('24510', '24318', 'Paunat', 2021),
  ('24510', '24327', 'Pezuls', 2021),
  ('24510', '24362', 'Val de Louyre et Caudeau', 2021),
  ('24510', '24405', 'Saint-Félix-de-Villadeix', 2021),
  ('24510', '24407', 'Sainte-Foy-de-Longas', 2021),
  ('24510', '24445', 'Saint-Marcel-du-Périgord', 2021),
  ('24510', '24558', 'Trémolat', 2021),
  ('24640', '24026', 'Bassillac et Auberoche', 2021),
  ('24640', '24121', 'Chourgnac', 2021),
  ('24640', '24147', 'Cubjac-Auvézère-Val d''Ans', 2021),
  ('24640', '24401', 'Sainte-Eulalie-d''Ans', 2021),
  ('24650', '24102', 'Chancelade', 2021),
  ('24660', '24138', 'Coulounieix-Chamiers', 2021),
  ('24660', '24312', 'Sanilhac', 2021),
  ('24750', '24053', 'Boulazac Isle Manoire', 2021),
  ('24750', '24098', 'Champcevinel', 2021),
  ('24750', '24135', 'Cornille', 2021),
  ('24750', '24312', 'Sanilhac', 2021),
  ('24750', '24557', 'Trélissac', 2021),
  ('33000', '33063', 'Bordeaux', 2021),
  ('33100', '33063', 'Bordeaux', 2021),
  ('33110', '33069', 'Le Bouscat', 2021),
  ('33127', '33273', 'Martignas-sur-Jalle', 2021),
  ('33127', '33422', 'Saint-Jean-d''Illac', 2021),
  ('33140', '33080', 'Cadaujac', 2021),
  ('33140', '33550', 'Villenave-d''Ornon', 2021),
  ('33160', '33376', 'Saint-Aubin-de-Médoc', 2021),
  ('33160', '33449', 'Saint-Médard-en-Jalles', 2021),
  ('33160', '33494', 'Salaunes', 2021),
  ('33170', '33192', 'Gradignan', 2021),
  ('33185', '33200', 'Le Haillan', 2021),
  ('33200', '33063', 'Bordeaux', 2021),
  ('33290', '33056', 'Blanquefort', 2021),
  ('33290', '33256', 'Ludon-Médoc', 2021),
  ('33290', '33312', 'Parempuyre', 2021),
  ('33290', '33322', 'Le Pian-Médoc', 2021),
  ('33300', '33063', 'Bordeaux', 2021),
  ('33320', '33162', 'Eysines', 2021),
  ('33320', '33519', 'Le Taillan-Médoc', 2021),
  ('33400', '33522', 'Talence', 2021),
  ('33460', '33010', 'Arcins', 2021),
  ('33460', '33012', 'Arsac', 2021),
  ('33460', '33146', 'Cussac-Fort-Médoc', 2021),
  ('33460', '33211', 'Labarde', 2021),
  ('33460', '33220', 'Lamarque', 2021),
  ('33460', '33262', 'Macau', 2021),
  ('33460', '33268', 'Margaux-Cantenac', 2021),
  ('33460', '33517', 'Soussans', 2021),
  ('33520', '33075', 'Bruges', 2021),
  ('33600', '33318', 'Pessac', 2021),
  ('33610', '33090', 'Canéjan', 2021),
  ('33610', '33122', 'Cestas', 2021),
  ('33700', '33281', 'Mérignac', 2021),
  ('33800', '33063', 'Bordeaux', 2021),
  ('47000', '47001', 'Agen', 2021),
  ('47220', '47015', 'Astaffort', 2021),
  ('47220', '47060', 'Caudecoste', 2021),
  ('47220', '47076', 'Cuq', 2021),
  ('47220', '47092', 'Fals', 2021),
  ('47220', '47158', 'Marmont-Pachas', 2021),
  ('47220', '47262', 'Saint-Nicolas-de-la-Balerme', 2021),
  ('47220', '47279', 'Saint-Sixte', 2021),
  ('47220', '47293', 'Sauveterre-Saint-Denis', 2021),
  ('47240', '47032', 'Bon-Encontre', 2021),
  ('47240', '47051', 'Castelculier', 2021),
  ('47240', '47128', 'Lafox', 2021),
  ('47270', '47067', 'Clermont-Soubiran', 2021),
  ('47270', '47113', 'Grayssas', 2021),
  ('47270', '47217', 'Puymirol', 2021),
  ('47270', '47234', 'Saint-Caprais-de-Lerm', 2021),
  ('47270', '47248', 'Saint-Jean-de-Thurac', 2021),
  ('47270', '47255', 'Saint-Martin-de-Beauville', 2021),
  ('47270', '47260', 'Saint-Maurin', 2021),
  ('47270', '47269', 'Saint-Pierre-de-Clairac', 2021),
  ('47270', '47274', 'Saint-Romain-le-Noble', 2021),
  ('47270', '47281', 'Saint-Urcisse', 2021),
  ('47270', '47289', 'La Sauvetat-de-Savères', 2021),
  ('47270', '47305', 'Tayrac', 2021),
  ('47310', '47016', 'Aubiac', 2021),
  ('47310', '47040', 'Brax', 2021),
  ('47310', '47091', 'Estillac', 2021),
  ('47310', '47133', 'Lamontjoie', 2021),
  ('47310', '47137', 'Laplume', 2021),
  ('47310', '47169', 'Moirax', 2021),
  ('47310', '47172', 'Moncaut', 2021),
  ('47310', '47225', 'Roquefort', 2021),
  ('47310', '47238', 'Sainte-Colombe-en-Bruilhois', 2021),
  ('47310', '47282', 'Saint-Vincent-de-Lamontjoie', 2021),
  ('47310', '47300', 'Sérignac-sur-Garonne', 2021),
  ('47340', '47050', 'Cassignas', 2021),
  ('47340', '47053', 'Castella', 2021),
  ('47340', '47075', 'La Croix-Blanche', 2021),
  ('47340', '47117', 'Hautefage-la-Tour', 2021),
  ('47340', '47138', 'Laroque-Timbaut', 2021),
  ('47340', '47171', 'Monbalen', 2021),
  ('47340', '47228', 'Saint-Antoine-de-Ficalba', 2021),
  ('47340', '47273', 'Saint-Robert', 2021),
  ('47340', '47288', 'Sauvagnas', 2021),
  ('47390', '47145', 'Layrac', 2021),
  ('47450', '47069', 'Colayrac-Saint-Cirq', 2021),
  ('47450', '47246', 'Saint-Hilaire-de-Lusignan', 2021),
  ('47480', '47019', 'Bajamont', 2021),
  ('47480', '47209', 'Pont-du-Casse', 2021),
  ('47510', '47100', 'Foulayronnes', 2021),
  ('47520', '47201', 'Le Passage', 2021),
  ('47550', '47031', 'Boé', 2021);
