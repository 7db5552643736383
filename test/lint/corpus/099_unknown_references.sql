-- Two REFERENCES targets nobody has (two unknown-object findings in one
-- statement); one of the two keys is indexed later.
-- expect offline: unindexed-foreign-key warning 1
-- expect catalog: unindexed-foreign-key warning 1
-- expect catalog: unknown-object error 1
-- expect catalog: unknown-object error 1
-- migrate:up
CREATE TABLE t099_links (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  a_id bigint REFERENCES t099_no_a (id),
  b_id bigint REFERENCES t099_no_b (id)
);
CREATE INDEX t099_links_a_idx ON t099_links (a_id);
