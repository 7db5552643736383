-- Views, functions, comments, grants and data changes: nothing.
-- expect offline: none
-- expect catalog: none
-- migrate:up
CREATE VIEW t120_recent AS SELECT id, name, created FROM big WHERE created > now() - interval '1 day';
CREATE FUNCTION t120_label(b big) RETURNS text LANGUAGE sql STABLE AS $$ SELECT b.name || ' <' || b.email || '>' $$;
COMMENT ON COLUMN big.email IS 'the primary contact address';
GRANT SELECT ON t120_recent TO PUBLIC;
UPDATE small SET note = 'y' WHERE id = 1;
