SELECT centrumgemeente, kwartaal,
       stand_einde = stand_begin + nieuwe_verblijven - beeindigde_verblijven AS ok
FROM mart_kwartaal_cg
