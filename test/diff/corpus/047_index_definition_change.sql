-- An index of the same name on other columns: rebuilt, on a table of
-- "from" both ways (blocking both ways).
-- expect forward: blocking
-- expect backward: blocking
-- diff:from
CREATE TABLE visits (id int, site text, at timestamptz);
CREATE INDEX visits_lookup_idx ON visits (site);
-- diff:to
CREATE TABLE visits (id int, site text, at timestamptz);
CREATE INDEX visits_lookup_idx ON visits (site, at);
-- diff:reference-up
DROP INDEX visits_lookup_idx;
CREATE INDEX visits_lookup_idx ON visits (site, at);
-- diff:reference-down
DROP INDEX visits_lookup_idx;
CREATE INDEX visits_lookup_idx ON visits (site);
