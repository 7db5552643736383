-- One new sequence that two new tables draw from, owned by neither.
-- expect forward: none
-- expect backward: destructive
-- diff:from
-- diff:to
CREATE SEQUENCE global_ids;
CREATE TABLE a_things (id bigint PRIMARY KEY DEFAULT nextval('global_ids'));
CREATE TABLE b_things (id bigint PRIMARY KEY DEFAULT nextval('global_ids'));
-- diff:reference-up
CREATE SEQUENCE global_ids;
CREATE TABLE a_things (id bigint PRIMARY KEY DEFAULT nextval('global_ids'));
CREATE TABLE b_things (id bigint PRIMARY KEY DEFAULT nextval('global_ids'));
-- diff:reference-down
DROP TABLE a_things;
DROP TABLE b_things;
DROP SEQUENCE global_ids;
