-- BEGIN, COMMIT and ROLLBACK inside a function body, a string and a DO
-- block are no statements of the script: nothing.
-- expect offline: none
-- expect catalog: none
-- migrate:up
CREATE FUNCTION t089_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.note := 'touched; COMMIT';
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION t089_touch() IS 'BEGIN; ROLLBACK;';
DO $$ BEGIN RAISE NOTICE 'begin; commit;'; END $$;
