-- The safe way (step 1): the foreign key NOT VALID, and the index on
-- small.big_id built concurrently later in the same script.
-- expect offline: none
-- expect catalog: none
-- migrate:up
ALTER TABLE small ADD CONSTRAINT t033_small_big_fk FOREIGN KEY (big_id) REFERENCES big (id) NOT VALID;
CREATE INDEX CONCURRENTLY t033_small_big_id_idx ON small (big_id);
