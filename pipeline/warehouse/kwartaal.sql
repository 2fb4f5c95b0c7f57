-- Quarters, in one place (the SQL twin of pipeline/periods.py quarter_bounds): every model
-- and every quality rule uses these macros, never its own copy. TEMP macros, installed on
-- every connection by pipeline.warehouse.db (also read-only ones), so nothing persistent
-- depends on them.

-- '2025Q1' -> its first and last day.
CREATE OR REPLACE TEMP MACRO kwartaal_begin(k) AS
    make_date(CAST(left(k, 4) AS INTEGER), 3 * CAST(right(k, 1) AS INTEGER) - 2, 1);
CREATE OR REPLACE TEMP MACRO kwartaal_einde(k) AS
    (kwartaal_begin(k) + INTERVAL 3 MONTH - INTERVAL 1 DAY)::DATE;

-- A date's quarter label.
CREATE OR REPLACE TEMP MACRO kwartaal_van(d) AS
    year(d)::VARCHAR || 'Q' || quarter(d)::VARCHAR;

-- Quarter labels <-> a running number (2025Q1 -> 8100), to step and compare quarters.
CREATE OR REPLACE TEMP MACRO kwartaalnummer(k) AS
    CAST(left(k, 4) AS INTEGER) * 4 + CAST(right(k, 1) AS INTEGER) - 1;
CREATE OR REPLACE TEMP MACRO kwartaal_label(n) AS
    (n // 4)::VARCHAR || 'Q' || (n % 4 + 1)::VARCHAR;
