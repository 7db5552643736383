-- Expand for int -> bigint without a rewrite: a shadow column kept in step
-- by a trigger, backfilled in batches: nothing.
-- expect offline: none
-- expect catalog: none
-- migrate:up
ALTER TABLE big ADD COLUMN t118_n_big bigint;
CREATE FUNCTION t118_sync_n() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.t118_n_big := NEW.n;
  RETURN NEW;
END
$$;
CREATE TRIGGER t118_sync_n BEFORE INSERT OR UPDATE ON big
  FOR EACH ROW EXECUTE FUNCTION t118_sync_n();
-- migrate:batch
UPDATE big SET t118_n_big = n
 WHERE id IN (SELECT id FROM big WHERE t118_n_big IS NULL LIMIT 1000);
