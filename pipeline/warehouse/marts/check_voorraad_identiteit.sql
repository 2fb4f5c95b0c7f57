-- Invariant beside the mart: stand_einde = stand_begin + nieuwe_verblijven - beeindigde_verblijven
-- for every CG x quarter. Returns the violating rows (none when the model is right).
SELECT centrumgemeente, kwartaal, stand_begin, nieuwe_verblijven, beeindigde_verblijven,
       stand_einde
FROM mart_kwartaal_cg
WHERE stand_einde <> stand_begin + nieuwe_verblijven - beeindigde_verblijven;
