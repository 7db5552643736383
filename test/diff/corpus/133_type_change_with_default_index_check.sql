-- smallint to integer on a column with a default, an index, a check and
-- a foreign key to it from another table (both sides must change
-- together for the key to stay valid).
-- expect forward: none
-- expect backward: destructive
-- diff:from
CREATE TABLE regions (code smallint PRIMARY KEY DEFAULT 1 CHECK (code > 0));
CREATE TABLE offices (id int PRIMARY KEY, region smallint REFERENCES regions (code));
CREATE INDEX offices_region_idx ON offices (region);
-- diff:to
CREATE TABLE regions (code integer PRIMARY KEY DEFAULT 1 CHECK (code > 0));
CREATE TABLE offices (id int PRIMARY KEY, region integer REFERENCES regions (code));
CREATE INDEX offices_region_idx ON offices (region);
-- diff:data
INSERT INTO regions VALUES (1), (2);
INSERT INTO offices VALUES (10, 1), (11, 2);
-- diff:check
SELECT o.id, r.code::text FROM offices o JOIN regions r ON r.code = o.region ORDER BY o.id;
-- diff:reference-up
ALTER TABLE offices DROP CONSTRAINT offices_region_fkey;
ALTER TABLE regions ALTER COLUMN code TYPE integer;
ALTER TABLE offices ALTER COLUMN region TYPE integer;
ALTER TABLE offices ADD CONSTRAINT offices_region_fkey FOREIGN KEY (region) REFERENCES regions (code);
-- diff:reference-down
ALTER TABLE offices DROP CONSTRAINT offices_region_fkey;
ALTER TABLE regions ALTER COLUMN code TYPE smallint;
ALTER TABLE offices ALTER COLUMN region TYPE smallint;
ALTER TABLE offices ADD CONSTRAINT offices_region_fkey FOREIGN KEY (region) REFERENCES regions (code);
