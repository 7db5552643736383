-- An existing sequence made the owned default of an existing column.
-- expect forward: none
-- expect backward: none
-- diff:from
CREATE TABLE tickets (id int NOT NULL, title text);
CREATE SEQUENCE tickets_id_seq AS integer;
-- diff:to
CREATE TABLE tickets (id int NOT NULL, title text);
CREATE SEQUENCE tickets_id_seq AS integer OWNED BY tickets.id;
ALTER TABLE tickets ALTER COLUMN id SET DEFAULT nextval('tickets_id_seq');
-- diff:data
INSERT INTO tickets VALUES (1, 'a');
-- diff:check
SELECT * FROM tickets ORDER BY id;
-- diff:reference-up
ALTER SEQUENCE tickets_id_seq OWNED BY tickets.id;
ALTER TABLE tickets ALTER COLUMN id SET DEFAULT nextval('tickets_id_seq');
-- diff:reference-down
ALTER TABLE tickets ALTER COLUMN id DROP DEFAULT;
ALTER SEQUENCE tickets_id_seq OWNED BY NONE;
