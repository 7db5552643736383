-- The desired schema of the building demo, declared as it should be rather
-- than as the steps that lead there.  "pg_migrate diff --schema" runs these
-- files in byte order of their names and writes a migration from the
-- schema that the migrations directory builds to this one.
--
-- Geometries are PostGIS types: planar ones in Web Mercator (SRID 3857),
-- building locations in WGS 84 (SRID 4326).
CREATE EXTENSION IF NOT EXISTS postgis;
