-- A text column becomes a new enum (a USING cast; values outside the
-- enum would fail: narrowing, destructive).  The other way the column
-- goes back to text (safe) and the type is dropped (destructive).
-- expect forward: destructive
-- expect backward: destructive
-- diff:from
CREATE TABLE shipments (id int PRIMARY KEY, status text NOT NULL DEFAULT 'new');
-- diff:to
CREATE TYPE shipment_status AS ENUM ('new', 'sent', 'lost');
CREATE TABLE shipments (id int PRIMARY KEY, status shipment_status NOT NULL DEFAULT 'new');
-- diff:data
INSERT INTO shipments VALUES (1, 'new'), (2, 'sent');
-- diff:check
SELECT id, status::text FROM shipments ORDER BY id;
-- diff:data-back
INSERT INTO shipments VALUES (1, 'new'), (2, 'sent');
-- diff:check-back
SELECT id, status::text FROM shipments ORDER BY id;
-- diff:reference-up
CREATE TYPE shipment_status AS ENUM ('new', 'sent', 'lost');
ALTER TABLE shipments ALTER COLUMN status DROP DEFAULT;
ALTER TABLE shipments ALTER COLUMN status TYPE shipment_status USING status::shipment_status;
ALTER TABLE shipments ALTER COLUMN status SET DEFAULT 'new';
-- diff:reference-down
ALTER TABLE shipments ALTER COLUMN status DROP DEFAULT;
ALTER TABLE shipments ALTER COLUMN status TYPE text;
ALTER TABLE shipments ALTER COLUMN status SET DEFAULT 'new';
DROP TYPE shipment_status;
