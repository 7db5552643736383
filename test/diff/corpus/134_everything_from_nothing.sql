-- A whole schema from nothing, with dependencies that name order gets
-- wrong at every level: an enum used by a domain used by a table whose
-- column default calls a function that reads a sequence; a view over a
-- join; a trigger; indexes; foreign keys.  The other way, all of it goes.
-- expect forward: none
-- expect backward: destructive
-- diff:from
-- diff:to
CREATE TYPE z_level AS ENUM ('one', 'two');
CREATE DOMAIN y_level_d AS z_level NOT NULL DEFAULT 'one';
CREATE SEQUENCE x_codes;
CREATE FUNCTION w_next_code() RETURNS text LANGUAGE sql AS $$SELECT 'K' || nextval('x_codes')$$;
CREATE TABLE v_groups (id int PRIMARY KEY, name text);
CREATE TABLE b_members (id int PRIMARY KEY, code text DEFAULT w_next_code(), lvl y_level_d,
	group_id int REFERENCES v_groups (id));
CREATE INDEX b_members_group_idx ON b_members (group_id);
CREATE VIEW a_member_groups AS SELECT m.id, m.code, g.name FROM b_members m JOIN v_groups g ON g.id = m.group_id;
CREATE FUNCTION c_touch() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;
CREATE TRIGGER b_members_touch BEFORE UPDATE ON b_members FOR EACH ROW EXECUTE FUNCTION c_touch();
-- diff:reference-up
CREATE TYPE z_level AS ENUM ('one', 'two');
CREATE DOMAIN y_level_d AS z_level NOT NULL DEFAULT 'one';
CREATE SEQUENCE x_codes;
CREATE FUNCTION w_next_code() RETURNS text LANGUAGE sql AS $$SELECT 'K' || nextval('x_codes')$$;
CREATE TABLE v_groups (id int PRIMARY KEY, name text);
CREATE TABLE b_members (id int PRIMARY KEY, code text DEFAULT w_next_code(), lvl y_level_d,
	group_id int REFERENCES v_groups (id));
CREATE INDEX b_members_group_idx ON b_members (group_id);
CREATE VIEW a_member_groups AS SELECT m.id, m.code, g.name FROM b_members m JOIN v_groups g ON g.id = m.group_id;
CREATE FUNCTION c_touch() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;
CREATE TRIGGER b_members_touch BEFORE UPDATE ON b_members FOR EACH ROW EXECUTE FUNCTION c_touch();
-- diff:reference-down
DROP VIEW a_member_groups;
DROP TABLE b_members;
DROP TABLE v_groups;
DROP FUNCTION c_touch();
DROP FUNCTION w_next_code();
DROP SEQUENCE x_codes;
DROP DOMAIN y_level_d;
DROP TYPE z_level;
