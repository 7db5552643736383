-- A primary key added to an existing table (its column already NOT NULL):
-- an index built on a table of "from", blocking.
-- expect forward: blocking
-- expect backward: none
-- diff:from
CREATE TABLE logs (id bigint NOT NULL, msg text);
-- diff:to
CREATE TABLE logs (id bigint NOT NULL, msg text, CONSTRAINT logs_pkey PRIMARY KEY (id));
-- diff:data
INSERT INTO logs VALUES (1, 'a'), (2, 'b');
-- diff:check
SELECT * FROM logs ORDER BY id;
-- diff:reference-up
CREATE UNIQUE INDEX logs_pkey ON logs (id);
ALTER TABLE logs ADD CONSTRAINT logs_pkey PRIMARY KEY USING INDEX logs_pkey;
-- diff:reference-down
ALTER TABLE logs DROP CONSTRAINT logs_pkey;
