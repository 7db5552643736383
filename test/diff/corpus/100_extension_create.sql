-- An extension created, and a new table column of its type.  The other
-- way drops the table (destructive) and the extension.
-- expect forward: none
-- expect backward: destructive
-- diff:from
-- diff:to
CREATE EXTENSION citext;
CREATE TABLE logins (id int PRIMARY KEY, email citext UNIQUE);
-- diff:reference-up
CREATE EXTENSION citext;
CREATE TABLE logins (id int PRIMARY KEY, email citext UNIQUE);
-- diff:reference-down
DROP TABLE logins;
DROP EXTENSION citext;
