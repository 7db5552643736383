-- A new table with serial and bigserial columns: sequences owned by the
-- columns, which take them as defaults.
-- expect forward: none
-- expect backward: destructive
-- diff:from
-- diff:to
CREATE TABLE pages (id serial PRIMARY KEY, version bigserial, title text);
-- diff:reference-up
CREATE TABLE pages (id serial PRIMARY KEY, version bigserial, title text);
-- diff:reference-down
DROP TABLE pages;
