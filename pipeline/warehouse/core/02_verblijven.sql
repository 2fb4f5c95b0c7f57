-- verblijven: the current state of each episode (nieuwste_levering, 00_definities.sql).
CREATE OR REPLACE TABLE verblijven AS
SELECT centrumgemeente, verblijf_id, client_pseudoniem, startdatum, einddatum, opvangvorm,
       aanmelding_id, kwartaal AS laatste_kwartaal,
       opvangvorm IN (SELECT opvangvorm FROM ref_opvangvormen WHERE residentieel) AS residentieel
FROM stg_verblijf
QUALIFY nieuwste_levering(centrumgemeente, verblijf_id, kwartaal, load_id, bronregel);
