-- The quality suite's own view of the deliveries, as TEMP objects that live only on the
-- running connection. The rules read deliveries as delivered (the staging views: the current
-- loads' rows, pipeline/warehouse/staging/), independent of the derived models, so a fault in
-- the models cannot hide a fault in the data.

-- Quarters: the macros of pipeline/warehouse/kwartaal.sql (installed before this file).

-- Which soorten each centrumgemeente delivered for each quarter (an empty file counts).
CREATE OR REPLACE TEMP VIEW dq_leveringen AS
SELECT DISTINCT centrumgemeente, kwartaal, soort
FROM stg_leveringen
WHERE centrumgemeente IS NOT NULL AND kwartaal IS NOT NULL;

-- Each centrumgemeente's first and last delivered quarter (as running numbers).
CREATE OR REPLACE TEMP VIEW dq_levering_span AS
SELECT centrumgemeente, min(kwartaalnummer(kwartaal)) AS lo,
       max(kwartaalnummer(kwartaal)) AS hi
FROM dq_leveringen GROUP BY centrumgemeente;

-- The record of the two delivery rules: one CG x quarter x required soort, delivered or not.
CREATE OR REPLACE TEMP MACRO dq_geleverd(cg, k, s) AS
    EXISTS (SELECT 1 FROM dq_leveringen AS d
            WHERE d.centrumgemeente = cg AND d.kwartaal = k AND d.soort = s);

-- formaatversie: of the load the row came from ('1' for a v1 delivery, which has no reasons).
CREATE OR REPLACE TEMP VIEW dq_instroom AS
SELECT r.centrumgemeente, r.kwartaal, r.aanmelding_id, r.aanmelddatum, r.uitkomst,
       r.reden_niet_geplaatst, l.formaatversie
FROM stg_instroom AS r
JOIN stg_leveringen AS l USING (load_id);

CREATE OR REPLACE TEMP VIEW dq_verblijf AS
SELECT r.centrumgemeente, r.kwartaal, r.client_pseudoniem, r.verblijf_id, r.startdatum,
       r.einddatum, r.opvangvorm, r.load_id, r.bronregel
FROM stg_verblijf AS r;

CREATE OR REPLACE TEMP VIEW dq_uitstroom AS
SELECT r.centrumgemeente, r.kwartaal, r.client_pseudoniem, r.verblijf_id, r.uitstroomdatum
FROM stg_uitstroom AS r;

-- The current state of an episode (aanleverformaat section 3): its row in the latest
-- quarter whose delivery holds it (nieuwste_levering, pipeline/warehouse/core/00_definities.sql).
-- kwartaal = that quarter.
CREATE OR REPLACE TEMP VIEW dq_verblijf_actueel AS
SELECT *
FROM dq_verblijf
QUALIFY nieuwste_levering(centrumgemeente, verblijf_id, kwartaal, load_id, bronregel);
