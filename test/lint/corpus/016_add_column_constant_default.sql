-- Constant and stable defaults (now(), an immutable call): nothing, also
-- with NOT NULL.
-- expect offline: none
-- expect catalog: none
-- migrate:up
ALTER TABLE big ADD COLUMN t016_active boolean DEFAULT true;
ALTER TABLE big ADD COLUMN t016_seen_at timestamptz DEFAULT now();
ALTER TABLE big ADD COLUMN t016_label text NOT NULL DEFAULT lower('X');
