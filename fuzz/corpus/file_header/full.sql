-- migrate:revision 3f2a9c1d0b7e
-- migrate:parents 1b2c3d4e5f60
-- migrate:message Add rooms
-- migrate:branch-labels spatial
-- migrate:depends-on 9a8b7c6d5e4f, lib
-- migrate:up
CREATE TABLE rooms (id int);
-- migrate:down
DROP TABLE rooms;
