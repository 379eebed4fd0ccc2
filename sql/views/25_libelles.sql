-- Codes written out in French for the reader (suivi, lists, attestation): eligibility
-- criteria, reasons a line is not credited. Try: SELECT clause.criteres_texte('{jeune,qpv}');
SET search_path = clause, pg_temp;

DROP FUNCTION IF EXISTS critere_libelle(text) CASCADE;
DROP FUNCTION IF EXISTS criteres_texte(text[]) CASCADE;

CREATE FUNCTION critere_libelle(p_code text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
SELECT CASE p_code
    WHEN 'deld' THEN 'demandeur d''emploi de longue durée'
    WHEN 'rsa' THEN 'bénéficiaire du RSA'
    WHEN 'ass' THEN 'bénéficiaire de l''ASS'
    WHEN 'aah' THEN 'bénéficiaire de l''AAH ou d''une pension d''invalidité'
    WHEN 'rqth' THEN 'travailleur handicapé (RQTH)'
    WHEN 'jeune' THEN 'jeune de moins de 26 ans peu qualifié'
    WHEN 'senior' THEN 'senior de 50 ans et plus'
    WHEN 'iae' THEN 'salarié en parcours IAE'
    WHEN 'plie' THEN 'participant du PLIE'
    WHEN 'qpv' THEN 'résident d''un QPV'
    WHEN 'autre' THEN 'autre, sur avis motivé'
    ELSE p_code END
$$;

-- The criteria of a participant by name, in the order recorded; "aucun critère" when none.
CREATE FUNCTION criteres_texte(p_criteres text[]) RETURNS text LANGUAGE sql IMMUTABLE AS $$
SELECT coalesce((SELECT string_agg(clause.critere_libelle(c.code), ', ' ORDER BY c.rang)
                 FROM unnest(p_criteres) WITH ORDINALITY AS c(code, rang)), 'aucun critère')
$$;

DROP FUNCTION IF EXISTS motif_libelle(text) CASCADE;
DROP FUNCTION IF EXISTS heures_texte(numeric) CASCADE;
DROP FUNCTION IF EXISTS motif_texte(text, date, date, date, date, numeric, numeric) CASCADE;

-- A reason a line is not credited, as a facilitateur says it.
CREATE FUNCTION motif_libelle(p_motif text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
SELECT CASE p_motif
    WHEN 'non_eligible' THEN 'non éligible'
    WHEN 'hors_periode_marche' THEN 'hors période du marché'
    WHEN 'depassement_plafond' THEN 'plafond mensuel dépassé'
    WHEN 'remplacee' THEN 'remplacée par un envoi plus récent'
    WHEN 'lot_annule' THEN 'lot annulé'
    ELSE p_motif END
$$;

-- Hours the French way, without useless decimals: 230 h, 12,5 h.
CREATE FUNCTION heures_texte(p_heures numeric) RETURNS text LANGUAGE sql IMMUTABLE AS $$
SELECT replace(CASE WHEN p_heures = trunc(p_heures) THEN trunc(p_heures)::text
                    ELSE rtrim(round(p_heures, 2)::text, '0') END, '.', ',') || ' h'
$$;

-- The reason of one line in plain words, with what the facilitateur must check:
-- "non éligible : aucune date d'éligibilité au 31/01/2022",
-- "hors période du marché (01/03/2021–30/06/2021)", "plafond mensuel dépassé : 230 h > 208 h".
-- p_heures_mois: the participant's hours that month over the lines held back together.
CREATE FUNCTION motif_texte(p_motif text, p_mois date, p_date_eligibilite date, p_debut date,
                            p_fin date, p_heures_mois numeric, p_plafond numeric)
RETURNS text LANGUAGE sql IMMUTABLE AS $$
SELECT CASE p_motif
    WHEN 'non_eligible' THEN
        CASE WHEN p_date_eligibilite IS NULL
             THEN 'non éligible : aucune date d''éligibilité au '
                  || to_char((p_mois + interval '1 month - 1 day')::date, 'DD/MM/YYYY')
             ELSE 'non éligible : éligibilité validée le ' || to_char(p_date_eligibilite, 'DD/MM/YYYY')
                  || ', après le ' || to_char((p_mois + interval '1 month - 1 day')::date, 'DD/MM/YYYY') END
    WHEN 'hors_periode_marche' THEN
        'hors période du marché (' || to_char(p_debut, 'DD/MM/YYYY') || '–' || to_char(p_fin, 'DD/MM/YYYY') || ')'
    WHEN 'depassement_plafond' THEN
        'plafond mensuel dépassé : ' || clause.heures_texte(p_heures_mois) || ' > '
        || clause.heures_texte(p_plafond)
    ELSE clause.motif_libelle(p_motif) END
$$;
