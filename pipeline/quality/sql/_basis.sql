-- The quality suite's own view of the loader's tables (loads + raw_*), as TEMP objects that
-- live only on the running connection. The rules read deliveries as delivered, independent
-- of the derived models, so a fault in the models cannot hide a fault in the data.
-- Only rows of loads with status 'loaded' count (superseded, rejected, duplicate left out).

-- Quarter labels <-> a running number (2025Q1 -> 8100), and a date's quarter.
CREATE OR REPLACE TEMP MACRO dq_kwartaalnummer(k) AS
    CAST(left(k, 4) AS INTEGER) * 4 + CAST(right(k, 1) AS INTEGER) - 1;
CREATE OR REPLACE TEMP MACRO dq_kwartaal_label(n) AS
    (n // 4)::VARCHAR || 'Q' || (n % 4 + 1)::VARCHAR;
CREATE OR REPLACE TEMP MACRO dq_kwartaal_van(d) AS
    year(d)::VARCHAR || 'Q' || quarter(d)::VARCHAR;
CREATE OR REPLACE TEMP MACRO dq_kwartaal_einde(k) AS
    (make_date(CAST(left(k, 4) AS INTEGER), 3 * CAST(right(k, 1) AS INTEGER), 1)
     + INTERVAL 1 MONTH - INTERVAL 1 DAY)::DATE;

-- Which soorten each centrumgemeente delivered for each quarter (an empty file counts).
CREATE OR REPLACE TEMP VIEW dq_leveringen AS
SELECT DISTINCT centrumgemeente, kwartaal, soort
FROM loads
WHERE status = 'loaded' AND centrumgemeente IS NOT NULL AND kwartaal IS NOT NULL;

-- Each centrumgemeente's first and last delivered quarter (as running numbers).
CREATE OR REPLACE TEMP VIEW dq_levering_span AS
SELECT centrumgemeente, min(dq_kwartaalnummer(kwartaal)) AS lo,
       max(dq_kwartaalnummer(kwartaal)) AS hi
FROM dq_leveringen GROUP BY centrumgemeente;

-- The record of the two delivery rules: one CG x quarter x required soort, delivered or not.
CREATE OR REPLACE TEMP MACRO dq_geleverd(cg, k, s) AS
    EXISTS (SELECT 1 FROM dq_leveringen AS d
            WHERE d.centrumgemeente = cg AND d.kwartaal = k AND d.soort = s);

CREATE OR REPLACE TEMP VIEW dq_instroom AS
SELECT r.centrumgemeente, r.kwartaal, r.aanmelding_id, r.aanmelddatum
FROM raw_instroom AS r JOIN loads AS l USING (load_id)
WHERE l.status = 'loaded';

CREATE OR REPLACE TEMP VIEW dq_verblijf AS
SELECT r.centrumgemeente, r.kwartaal, r.client_pseudoniem, r.verblijf_id, r.startdatum,
       r.einddatum, r.opvangvorm, r.load_id, r.bronregel
FROM raw_verblijf AS r JOIN loads AS l USING (load_id)
WHERE l.status = 'loaded';

CREATE OR REPLACE TEMP VIEW dq_uitstroom AS
SELECT r.centrumgemeente, r.kwartaal, r.client_pseudoniem, r.verblijf_id, r.uitstroomdatum
FROM raw_uitstroom AS r JOIN loads AS l USING (load_id)
WHERE l.status = 'loaded';

-- The current state of an episode (aanleverformaat section 3): its row in the latest
-- quarter whose delivery holds it. kwartaal = that quarter.
CREATE OR REPLACE TEMP VIEW dq_verblijf_actueel AS
SELECT *
FROM dq_verblijf
QUALIFY row_number() OVER (PARTITION BY centrumgemeente, verblijf_id
                           ORDER BY kwartaal DESC, load_id DESC, bronregel) = 1;
