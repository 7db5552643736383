-- PostGIS in both schemas (its objects are the extension's, not in the
-- snapshot): a geometry column added to an existing table and a GiST
-- index on an existing geometry column (blocking).
-- expect forward: blocking
-- expect backward: destructive
-- template: postgis
-- diff:from
CREATE TABLE sites (id int PRIMARY KEY, location geometry(Point, 4326));
-- diff:to
CREATE TABLE sites (id int PRIMARY KEY, location geometry(Point, 4326), footprint geometry(Polygon, 3857));
CREATE INDEX sites_location_gist ON sites USING gist (location);
-- diff:data
INSERT INTO sites VALUES (1, ST_SetSRID(ST_MakePoint(13.4, 52.5), 4326));
-- diff:check
SELECT id, ST_AsText(location) FROM sites;
-- diff:reference-up
ALTER TABLE sites ADD COLUMN footprint geometry(Polygon, 3857);
CREATE INDEX sites_location_gist ON sites USING gist (location);
-- diff:reference-down
DROP INDEX sites_location_gist;
ALTER TABLE sites DROP COLUMN footprint;
