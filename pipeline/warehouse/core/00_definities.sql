-- The episode definitions of kerncijfers.md, in one place. Every model, the key figures
-- (pipeline/figures/) and the quality rules use these macros, never their own copy.
-- (Quarter bounds live in ../kwartaal.sql, installed on every connection; places x days, the
-- capaciteitsdagen, is a column of the capaciteit model, core/05_capaciteit.sql.)

-- The current state of a record re-delivered in several quarters: its row in the latest
-- *quarter* whose delivery holds it (not the latest load: quarters may be ingested in any
-- order), within a quarter the latest load, then the first line. For QUALIFY, over the rows of
-- one soort: key = (centrumgemeente, id). Used by the core models verblijven, aanmeldingen
-- and uitstroom and by the quality suite's dq_verblijf_actueel.
CREATE OR REPLACE MACRO nieuwste_levering(centrumgemeente, id, kwartaal, load_id, bronregel) AS
    row_number() OVER (PARTITION BY centrumgemeente, id
                       ORDER BY kwartaal DESC, load_id DESC, bronregel) = 1;

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

-- A running episode (or traject) is censored at a date R: it ends at einddatum, or at R
-- when it has none (R = the peildatum of its centrumgemeente, core/01_peildata.sql, for the
-- durations; the end of its latest delivered quarter for the quality rule
-- overlappende_verblijven). Whether it ended (the event of Kaplan-Meier) is
-- einddatum IS NOT NULL.
CREATE OR REPLACE MACRO eind_of_peildatum(einddatum, peildatum) AS
    coalesce(einddatum, peildatum);

-- The duration of an episode or traject in days, censored at the peildatum R.
CREATE OR REPLACE MACRO duur_tot_peildatum(startdatum, einddatum, peildatum) AS
    eind_of_peildatum(einddatum, peildatum) - startdatum;

-- A traject goes on while the next episode of the client starts at most 1 day after the
-- previous one ended; a running previous episode (no einddatum) keeps it going. Used by the
-- trajecten model and by the quality rule verblijf_zonder_uitstroom.
CREATE OR REPLACE MACRO sluit_aan(vorige_eind, volgende_start) AS
    vorige_eind IS NULL OR volgende_start <= vorige_eind + 1;
