-- A table dropped with its view, trigger, owned sequence, indexes and
-- policy; the other way all of it is created (on a new table: nothing
-- blocks).
-- expect forward: destructive
-- expect backward: none
-- diff:from
CREATE TABLE keep (id int);
CREATE TABLE tickets (id int PRIMARY KEY, title text, n int);
CREATE SEQUENCE tickets_n_seq OWNED BY tickets.n;
ALTER TABLE tickets ALTER COLUMN n SET DEFAULT nextval('tickets_n_seq');
CREATE INDEX tickets_title_idx ON tickets (title);
CREATE VIEW open_tickets AS SELECT id, title FROM tickets;
CREATE FUNCTION nop() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;
CREATE TRIGGER tickets_nop BEFORE INSERT ON tickets FOR EACH ROW EXECUTE FUNCTION nop();
ALTER TABLE tickets ENABLE ROW LEVEL SECURITY;
CREATE POLICY tickets_all ON tickets USING (true);
-- diff:to
CREATE TABLE keep (id int);
CREATE FUNCTION nop() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;
-- diff:data
INSERT INTO keep VALUES (1);
INSERT INTO tickets (id, title) VALUES (1, 'a');
-- diff:check
SELECT * FROM keep;
-- diff:reference-up
DROP VIEW open_tickets;
DROP TABLE tickets;
-- diff:reference-down
CREATE TABLE tickets (id int PRIMARY KEY, title text, n int);
CREATE SEQUENCE tickets_n_seq OWNED BY tickets.n;
ALTER TABLE tickets ALTER COLUMN n SET DEFAULT nextval('tickets_n_seq');
CREATE INDEX tickets_title_idx ON tickets (title);
CREATE VIEW open_tickets AS SELECT id, title FROM tickets;
CREATE TRIGGER tickets_nop BEFORE INSERT ON tickets FOR EACH ROW EXECUTE FUNCTION nop();
ALTER TABLE tickets ENABLE ROW LEVEL SECURITY;
CREATE POLICY tickets_all ON tickets USING (true);
