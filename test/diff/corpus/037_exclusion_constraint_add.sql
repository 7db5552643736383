-- An exclusion constraint added to an existing table builds a GiST index
-- on it: blocking.  (An exclusion constraint cannot take USING INDEX, so
-- this is the case where the step may hold no CREATE INDEX; the contract
-- says blocking all the same.)
-- expect forward: blocking
-- expect backward: none
-- diff:from
CREATE TABLE bookings (id int PRIMARY KEY, room int NOT NULL, during tstzrange NOT NULL);
-- diff:to
CREATE TABLE bookings (id int PRIMARY KEY, room int NOT NULL, during tstzrange NOT NULL,
	CONSTRAINT bookings_no_overlap EXCLUDE USING gist (during WITH &&));
-- diff:data
INSERT INTO bookings VALUES (1, 1, '[2024-01-01, 2024-01-02)'), (2, 1, '[2024-01-02, 2024-01-03)');
-- diff:check
SELECT * FROM bookings ORDER BY id;
-- diff:reference-up
ALTER TABLE bookings ADD CONSTRAINT bookings_no_overlap EXCLUDE USING gist (during WITH &&);
-- diff:reference-down
ALTER TABLE bookings DROP CONSTRAINT bookings_no_overlap;
