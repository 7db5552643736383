-- A column dropped together with the view column that reads it: the view
-- changes first (it must stop using the column), then the column goes.
-- expect forward: destructive
-- expect backward: none or destructive
-- diff:from
CREATE TABLE members (id int PRIMARY KEY, name text, fax text);
CREATE VIEW member_list AS SELECT id, name, fax FROM members;
-- diff:to
CREATE TABLE members (id int PRIMARY KEY, name text);
CREATE VIEW member_list AS SELECT id, name FROM members;
-- diff:data
INSERT INTO members VALUES (1, 'a', 'f');
-- diff:check
SELECT id, name FROM member_list ORDER BY id;
-- diff:reference-up
DROP VIEW member_list;
ALTER TABLE members DROP COLUMN fax;
CREATE VIEW member_list AS SELECT id, name FROM members;
-- diff:reference-down
ALTER TABLE members ADD COLUMN fax text;
CREATE OR REPLACE VIEW member_list AS SELECT id, name, fax FROM members;
