-- Codes written out in French for the reader (suivi, lists, attestation): eligibility
-- criteria, reasons a line is not credited. Try: SELECT clause.criteres_texte('{jeune,qpv}');
SET search_path = clause, public;

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
