-- The tables the loader writes. Everything else in the warehouse is derived from
-- these (and from the reference tables) and can be rebuilt at any time.
-- Delivered client_id values never appear here: only client_pseudoniem (HMAC).

CREATE SEQUENCE IF NOT EXISTS load_id_seq START 1;

-- One row per file (or per XLSX sheet) that the loader looked at.
CREATE TABLE IF NOT EXISTS loads (
    load_id          BIGINT PRIMARY KEY,
    file             VARCHAR NOT NULL,   -- path as given on the command line
    sha256           VARCHAR NOT NULL,   -- of the whole file's bytes
    centrumgemeente  VARCHAR,            -- from the file name; NULL when the name is off the pattern
    kwartaal         VARCHAR,            -- '2025Q1'
    soort            VARCHAR,            -- instroom | verblijf | uitstroom | capaciteit
    status           VARCHAR NOT NULL,   -- loaded | rejected | superseded | duplicate
    rows_read        BIGINT NOT NULL DEFAULT 0,
    rows_loaded      BIGINT NOT NULL DEFAULT 0,
    rows_quarantined BIGINT NOT NULL DEFAULT 0,
    message          VARCHAR,
    loaded_at        TIMESTAMP NOT NULL,
    superseded_by    BIGINT,
    formaatversie    VARCHAR             -- '1' | '1.1' (schemas.formaat.formaatversie); NULL: before v1.1
);

-- Accepted rows, typed. bronregel = the line (CSV) or row (XLSX) in the source file.
CREATE TABLE IF NOT EXISTS raw_instroom (
    load_id BIGINT NOT NULL, bronregel INTEGER NOT NULL,
    centrumgemeente VARCHAR NOT NULL, kwartaal VARCHAR NOT NULL,
    client_pseudoniem VARCHAR NOT NULL,
    aanmelding_id VARCHAR NOT NULL, aanmelddatum DATE NOT NULL, uitkomst VARCHAR NOT NULL,
    plaatsingsdatum DATE, opvangvorm VARCHAR NOT NULL, gemeente_herkomst VARCHAR,
    verwijzer VARCHAR, geslacht VARCHAR NOT NULL, geboortejaar SMALLINT, aantal_kinderen SMALLINT,
    reden_niet_geplaatst VARCHAR   -- v1.1; NULL: empty, or a v1 delivery (loads.formaatversie)
);

CREATE TABLE IF NOT EXISTS raw_verblijf (
    load_id BIGINT NOT NULL, bronregel INTEGER NOT NULL,
    centrumgemeente VARCHAR NOT NULL, kwartaal VARCHAR NOT NULL,
    client_pseudoniem VARCHAR NOT NULL,
    verblijf_id VARCHAR NOT NULL, startdatum DATE NOT NULL, einddatum DATE,
    opvangvorm VARCHAR NOT NULL, aanmelding_id VARCHAR
);

CREATE TABLE IF NOT EXISTS raw_uitstroom (
    load_id BIGINT NOT NULL, bronregel INTEGER NOT NULL,
    centrumgemeente VARCHAR NOT NULL, kwartaal VARCHAR NOT NULL,
    client_pseudoniem VARCHAR NOT NULL,
    verblijf_id VARCHAR NOT NULL, uitstroomdatum DATE NOT NULL, bestemming VARCHAR NOT NULL,
    gemeente_bestemming VARCHAR, reden_einde VARCHAR NOT NULL, belemmeringen VARCHAR[]
);

CREATE TABLE IF NOT EXISTS raw_capaciteit (
    load_id BIGINT NOT NULL, bronregel INTEGER NOT NULL,
    centrumgemeente VARCHAR NOT NULL, kwartaal VARCHAR NOT NULL,
    opvangvorm VARCHAR NOT NULL, plaatsen INTEGER NOT NULL
);

-- Rows that failed a row rule: kept, with every reason, never silently dropped.
-- One row per (source row x failed rule). record holds the row as delivered,
-- except that client_id is replaced by its pseudonym.
CREATE TABLE IF NOT EXISTS quarantine (
    load_id BIGINT NOT NULL, file VARCHAR NOT NULL, soort VARCHAR NOT NULL,
    bronregel INTEGER NOT NULL, kolom VARCHAR, regel VARCHAR NOT NULL,
    melding VARCHAR NOT NULL, oplossing VARCHAR NOT NULL, record JSON
);

-- Upgrades of a warehouse made by an earlier version (this file runs on every connection that
-- writes): columns added since, appended at the end of their table as in a new warehouse.
-- Their rows keep their values; the new columns are NULL for them. The derived tables of such
-- a warehouse were built by other models: `opvangmonitor build` rebuilds them
-- (pipeline.warehouse.check_current refuses to read them until then).
-- v1.1 (aanleverformaat): reden_niet_geplaatst, and each load's version of the format.
ALTER TABLE loads ADD COLUMN IF NOT EXISTS formaatversie VARCHAR;
ALTER TABLE raw_instroom ADD COLUMN IF NOT EXISTS reden_niet_geplaatst VARCHAR;
