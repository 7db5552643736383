-- text to integer needs a USING cast, and values may not convert: data
-- may be lost (destructive).  integer to text loses nothing.
-- expect forward: destructive
-- expect backward: none
-- diff:from
CREATE TABLE lines (id int PRIMARY KEY, qty text);
-- diff:to
CREATE TABLE lines (id int PRIMARY KEY, qty integer);
-- diff:data
INSERT INTO lines VALUES (1, '3'), (2, '40');
-- diff:check
SELECT id, qty::text FROM lines ORDER BY id;
-- diff:data-back
INSERT INTO lines VALUES (1, 3), (2, 40);
-- diff:check-back
SELECT id, qty::text FROM lines ORDER BY id;
-- diff:reference-up
ALTER TABLE lines ALTER COLUMN qty TYPE integer USING qty::integer;
-- diff:reference-down
ALTER TABLE lines ALTER COLUMN qty TYPE text;
