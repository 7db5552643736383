-- PostGIS added with a new table that uses it.
-- expect forward: none
-- expect backward: destructive
-- diff:from
-- diff:to
CREATE EXTENSION postgis;
CREATE TABLE parcels (id int PRIMARY KEY, shape geometry(MultiPolygon, 25833));
CREATE INDEX parcels_shape_gist ON parcels USING gist (shape);
-- diff:reference-up
CREATE EXTENSION postgis;
CREATE TABLE parcels (id int PRIMARY KEY, shape geometry(MultiPolygon, 25833));
CREATE INDEX parcels_shape_gist ON parcels USING gist (shape);
-- diff:reference-down
DROP TABLE parcels;
DROP EXTENSION postgis;
