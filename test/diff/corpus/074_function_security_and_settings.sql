-- A function made SECURITY DEFINER with a pinned search_path, a cost and
-- a comment.
-- expect forward: none
-- expect backward: none
-- diff:from
CREATE FUNCTION next_code() RETURNS text LANGUAGE sql AS $$SELECT 'C' || (random() * 1000)::int$$;
-- diff:to
CREATE FUNCTION next_code() RETURNS text LANGUAGE sql SECURITY DEFINER COST 5
	SET search_path = pg_catalog, public AS $$SELECT 'C' || (random() * 1000)::int$$;
COMMENT ON FUNCTION next_code() IS 'a new code';
-- diff:reference-up
CREATE OR REPLACE FUNCTION next_code() RETURNS text LANGUAGE sql SECURITY DEFINER COST 5
	SET search_path = pg_catalog, public AS $$SELECT 'C' || (random() * 1000)::int$$;
COMMENT ON FUNCTION next_code() IS 'a new code';
-- diff:reference-down
CREATE OR REPLACE FUNCTION next_code() RETURNS text LANGUAGE sql SECURITY INVOKER COST 100
	AS $$SELECT 'C' || (random() * 1000)::int$$;
COMMENT ON FUNCTION next_code() IS NULL;
