-- A function body and a DO block with many semicolons are one statement
-- each: the required field is statement 4.
-- expect offline: adding-required-field error 4
-- expect catalog: adding-required-field error 4
-- migrate:up
CREATE FUNCTION t111_norm(t text) RETURNS text LANGUAGE plpgsql IMMUTABLE AS $body$
BEGIN
  -- a comment; inside the body
  RETURN lower(trim(t));
END;
$body$;
CREATE TABLE t111_names (id bigint PRIMARY KEY, name text NOT NULL);
DO $$ BEGIN PERFORM 1; PERFORM 2; END $$;
ALTER TABLE small ADD COLUMN t111_flag int NOT NULL;
