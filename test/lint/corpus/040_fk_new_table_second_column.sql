-- The only index that has the key column has it second: unindexed
-- (statement 3), offline too; the table is NEW so no adding-foreign-key-constraint.
-- expect offline: unindexed-foreign-key warning 3
-- expect catalog: unindexed-foreign-key warning 3
-- migrate:up
CREATE TABLE t040_events (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind text NOT NULL,
  big_id int
);
CREATE INDEX t040_events_kind_big_idx ON t040_events (kind, big_id);
ALTER TABLE t040_events ADD CONSTRAINT t040_events_big_fk FOREIGN KEY (big_id) REFERENCES big (id);
