-- One column for each style rule in a CREATE TABLE (advice, also on a new
-- table).
-- expect offline: prefer-bigint-over-int advice 1
-- expect offline: ban-char-field advice 1
-- expect offline: prefer-text-field advice 1
-- expect offline: prefer-timestamptz advice 1
-- expect catalog: prefer-bigint-over-int advice 1
-- expect catalog: ban-char-field advice 1
-- expect catalog: prefer-text-field advice 1
-- expect catalog: prefer-timestamptz advice 1
-- migrate:up
CREATE TABLE t083_people (
  id int PRIMARY KEY,
  country char(2),
  nickname varchar(30),
  born timestamp
);
