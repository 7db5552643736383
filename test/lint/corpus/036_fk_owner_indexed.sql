-- A NOT VALID foreign key on small.owner_id, which small_owner_idx covers:
-- nothing.
-- expect offline: none
-- expect catalog: none
-- migrate:up
ALTER TABLE small ADD CONSTRAINT t036_small_owner_fk FOREIGN KEY (owner_id) REFERENCES big (id) NOT VALID;
