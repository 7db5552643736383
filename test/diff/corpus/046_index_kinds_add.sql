-- Indexes of several kinds on an existing table: partial, expression,
-- INCLUDE, DESC NULLS LAST, GiST, GIN, BRIN, hash, a non-default opclass.
-- expect forward: blocking
-- expect backward: none
-- diff:from
CREATE TABLE events (id int PRIMARY KEY, kind text, at timestamptz, during tstzrange, tags text[], payload jsonb);
-- diff:to
CREATE TABLE events (id int PRIMARY KEY, kind text, at timestamptz, during tstzrange, tags text[], payload jsonb);
CREATE INDEX events_open_idx ON events (at) WHERE kind = 'open';
CREATE INDEX events_lower_kind_idx ON events (lower(kind));
CREATE INDEX events_kind_incl_idx ON events (kind) INCLUDE (at);
CREATE INDEX events_at_desc_idx ON events (at DESC NULLS LAST);
CREATE INDEX events_during_idx ON events USING gist (during);
CREATE INDEX events_tags_idx ON events USING gin (tags);
CREATE INDEX events_at_brin ON events USING brin (at) WITH (pages_per_range = 32);
CREATE INDEX events_kind_hash ON events USING hash (kind);
CREATE INDEX events_kind_pattern ON events (kind text_pattern_ops);
-- diff:data
INSERT INTO events VALUES (1, 'open', now(), '[2024-01-01, 2024-01-02)', '{a}', '{}');
-- diff:check
SELECT id, kind FROM events ORDER BY id;
-- diff:reference-up
CREATE INDEX events_open_idx ON events (at) WHERE kind = 'open';
CREATE INDEX events_lower_kind_idx ON events (lower(kind));
CREATE INDEX events_kind_incl_idx ON events (kind) INCLUDE (at);
CREATE INDEX events_at_desc_idx ON events (at DESC NULLS LAST);
CREATE INDEX events_during_idx ON events USING gist (during);
CREATE INDEX events_tags_idx ON events USING gin (tags);
CREATE INDEX events_at_brin ON events USING brin (at) WITH (pages_per_range = 32);
CREATE INDEX events_kind_hash ON events USING hash (kind);
CREATE INDEX events_kind_pattern ON events (kind text_pattern_ops);
-- diff:reference-down
DROP INDEX events_open_idx, events_lower_kind_idx, events_kind_incl_idx, events_at_desc_idx,
	events_during_idx, events_tags_idx, events_at_brin, events_kind_hash, events_kind_pattern;
