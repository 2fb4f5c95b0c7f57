-- verblijven: the current state of each episode = its row in the latest *quarter* whose
-- delivery holds it (not the latest load: quarters may be ingested in any order).
CREATE OR REPLACE TABLE verblijven AS
SELECT centrumgemeente, verblijf_id, client_pseudoniem, startdatum, einddatum, opvangvorm,
       aanmelding_id, kwartaal AS laatste_kwartaal,
       opvangvorm IN (SELECT opvangvorm FROM ref_opvangvormen WHERE residentieel) AS residentieel
FROM stg_verblijf
QUALIFY row_number() OVER (PARTITION BY centrumgemeente, verblijf_id
                           ORDER BY kwartaal DESC, load_id DESC, bronregel) = 1;
