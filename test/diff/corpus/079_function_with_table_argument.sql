-- A new function whose argument is a table's row type, next to a new
-- table: the table (its type) first.
-- expect forward: none
-- expect backward: destructive
-- diff:from
-- diff:to
CREATE TABLE z_places (id int, name text);
CREATE FUNCTION a_label(p z_places) RETURNS text LANGUAGE sql STABLE AS $$SELECT p.id || ': ' || p.name$$;
-- diff:reference-up
CREATE TABLE z_places (id int, name text);
CREATE FUNCTION a_label(p z_places) RETURNS text LANGUAGE sql STABLE AS $$SELECT p.id || ': ' || p.name$$;
-- diff:reference-down
DROP FUNCTION a_label(z_places);
DROP TABLE z_places;
