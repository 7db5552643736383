-- New functions that a new table's default and check call: the functions
-- come first; the table is dropped before them.
-- expect forward: none
-- expect backward: destructive
-- diff:from
-- diff:to
CREATE FUNCTION z_valid_code(c text) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$SELECT c ~ '^[A-Z]{3}$'$$;
CREATE FUNCTION z_default_code() RETURNS text LANGUAGE sql AS $$SELECT 'AAA'$$;
CREATE TABLE a_codes (id int PRIMARY KEY, code text NOT NULL DEFAULT z_default_code() CHECK (z_valid_code(code)));
-- diff:reference-up
CREATE FUNCTION z_valid_code(c text) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$SELECT c ~ '^[A-Z]{3}$'$$;
CREATE FUNCTION z_default_code() RETURNS text LANGUAGE sql AS $$SELECT 'AAA'$$;
CREATE TABLE a_codes (id int PRIMARY KEY, code text NOT NULL DEFAULT z_default_code() CHECK (z_valid_code(code)));
-- diff:reference-down
DROP TABLE a_codes;
DROP FUNCTION z_valid_code(text);
DROP FUNCTION z_default_code();
