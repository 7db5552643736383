CREATE TABLE public.t116_events (id bigint PRIMARY KEY, kind text);
CREATE INDEX t116_events_kind_idx ON t116_events (kind);
ALTER TABLE t116_events ADD COLUMN at timestamptz NOT NULL;
