-- A new table with indexes of its own: building them on a table that
-- does not exist yet blocks nobody, so nothing is blocking.
-- expect forward: none
-- expect backward: destructive
-- diff:from
CREATE TABLE keep (id int);
-- diff:to
CREATE TABLE keep (id int);
CREATE TABLE events (id bigint PRIMARY KEY, kind text NOT NULL, at timestamptz NOT NULL, payload jsonb);
CREATE INDEX events_kind_at_idx ON events (kind, at DESC);
CREATE UNIQUE INDEX events_payload_key ON events ((payload ->> 'key')) WHERE payload ? 'key';
CREATE INDEX events_payload_gin ON events USING gin (payload);
-- diff:reference-up
CREATE TABLE events (id bigint PRIMARY KEY, kind text NOT NULL, at timestamptz NOT NULL, payload jsonb);
CREATE INDEX events_kind_at_idx ON events (kind, at DESC);
CREATE UNIQUE INDEX events_payload_key ON events ((payload ->> 'key')) WHERE payload ? 'key';
CREATE INDEX events_payload_gin ON events USING gin (payload);
-- diff:reference-down
DROP TABLE events;
