-- Comments on a schema, table, column, index, sequence, view, function,
-- trigger, constraint, type, domain and policy, one with a quote and a
-- newline in it; removed the other way.  Nothing is dropped.
-- expect forward: none
-- expect backward: none
-- expect backward no statement: (?i)\bDROP\b
-- diff:from
CREATE SCHEMA app;
CREATE TABLE app.t (id int PRIMARY KEY, v text CONSTRAINT v_not_empty CHECK (v <> ''));
CREATE INDEX t_v_idx ON app.t (v);
CREATE SEQUENCE app.s;
CREATE VIEW app.tv AS SELECT id FROM app.t;
CREATE FUNCTION app.f() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;
CREATE TRIGGER t_trg BEFORE INSERT ON app.t FOR EACH ROW EXECUTE FUNCTION app.f();
CREATE TYPE app.color AS ENUM ('red');
CREATE DOMAIN app.code AS text;
CREATE POLICY t_pol ON app.t USING (true);
-- diff:to
CREATE SCHEMA app;
CREATE TABLE app.t (id int PRIMARY KEY, v text CONSTRAINT v_not_empty CHECK (v <> ''));
CREATE INDEX t_v_idx ON app.t (v);
CREATE SEQUENCE app.s;
CREATE VIEW app.tv AS SELECT id FROM app.t;
CREATE FUNCTION app.f() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;
CREATE TRIGGER t_trg BEFORE INSERT ON app.t FOR EACH ROW EXECUTE FUNCTION app.f();
CREATE TYPE app.color AS ENUM ('red');
CREATE DOMAIN app.code AS text;
CREATE POLICY t_pol ON app.t USING (true);
COMMENT ON SCHEMA app IS 'the application';
COMMENT ON TABLE app.t IS 'it''s a table;
with two lines';
COMMENT ON COLUMN app.t.v IS 'a value';
COMMENT ON INDEX app.t_v_idx IS 'by value';
COMMENT ON SEQUENCE app.s IS 'numbers';
COMMENT ON VIEW app.tv IS 'ids';
COMMENT ON FUNCTION app.f() IS 'does nothing';
COMMENT ON TRIGGER t_trg ON app.t IS 'fires';
COMMENT ON CONSTRAINT v_not_empty ON app.t IS 'no empty values';
COMMENT ON TYPE app.color IS 'colors';
COMMENT ON DOMAIN app.code IS 'codes';
COMMENT ON POLICY t_pol ON app.t IS 'everyone';
-- diff:reference-up
COMMENT ON SCHEMA app IS 'the application';
COMMENT ON TABLE app.t IS 'it''s a table;
with two lines';
COMMENT ON COLUMN app.t.v IS 'a value';
COMMENT ON INDEX app.t_v_idx IS 'by value';
COMMENT ON SEQUENCE app.s IS 'numbers';
COMMENT ON VIEW app.tv IS 'ids';
COMMENT ON FUNCTION app.f() IS 'does nothing';
COMMENT ON TRIGGER t_trg ON app.t IS 'fires';
COMMENT ON CONSTRAINT v_not_empty ON app.t IS 'no empty values';
COMMENT ON TYPE app.color IS 'colors';
COMMENT ON DOMAIN app.code IS 'codes';
COMMENT ON POLICY t_pol ON app.t IS 'everyone';
-- diff:reference-down
COMMENT ON SCHEMA app IS NULL;
COMMENT ON TABLE app.t IS NULL;
COMMENT ON COLUMN app.t.v IS NULL;
COMMENT ON INDEX app.t_v_idx IS NULL;
COMMENT ON SEQUENCE app.s IS NULL;
COMMENT ON VIEW app.tv IS NULL;
COMMENT ON FUNCTION app.f() IS NULL;
COMMENT ON TRIGGER t_trg ON app.t IS NULL;
COMMENT ON CONSTRAINT v_not_empty ON app.t IS NULL;
COMMENT ON TYPE app.color IS NULL;
COMMENT ON DOMAIN app.code IS NULL;
COMMENT ON POLICY t_pol ON app.t IS NULL;
