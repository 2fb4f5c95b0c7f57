-- The episode definitions of kerncijfers.md, in one place. Every model, the key figures
-- (pipeline/figures/kerncijfers.py) and the quality rules use these macros, never their own copy.
-- (Quarter bounds live in ../kwartaal.sql, installed on every connection.)

-- E overlaps P: startdatum <= end(P) and (einddatum empty or einddatum >= start(P)).
CREATE OR REPLACE MACRO overlapt(startdatum, einddatum, p_start, p_end) AS
    startdatum <= p_end AND (einddatum IS NULL OR einddatum >= p_start);

-- stand_begin: started before P and still running on its first day.
CREATE OR REPLACE MACRO loopt_bij_begin(startdatum, einddatum, p_start) AS
    startdatum < p_start AND (einddatum IS NULL OR einddatum >= p_start);

-- stand_einde: started by the end of P and still running after its last day.
CREATE OR REPLACE MACRO loopt_bij_einde(startdatum, einddatum, p_end) AS
    startdatum <= p_end AND (einddatum IS NULL OR einddatum > p_end);

-- ligdagen: days d in P with startdatum <= d < einddatum (empty einddatum = end(P) + 1).
CREATE OR REPLACE MACRO ligdagen_in(startdatum, einddatum, p_start, p_end) AS
    greatest(0, least(coalesce(einddatum, p_end + 1), p_end + 1) - greatest(startdatum, p_start));

-- A traject goes on while the next episode of the client starts at most 1 day after the
-- previous one ended; a running previous episode (no einddatum) keeps it going. Used by the
-- trajecten model and by the quality rule verblijf_zonder_uitstroom.
CREATE OR REPLACE MACRO sluit_aan(vorige_eind, volgende_start) AS
    vorige_eind IS NULL OR volgende_start <= vorige_eind + 1;
