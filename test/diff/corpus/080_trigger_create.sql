-- A trigger function and a trigger on an existing table; the other way
-- the trigger goes, then its function (a function dropped: destructive).
-- expect forward: none
-- expect backward: destructive
-- diff:from
CREATE TABLE posts (id int PRIMARY KEY, body text, updated timestamptz);
-- diff:to
CREATE TABLE posts (id int PRIMARY KEY, body text, updated timestamptz);
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	NEW.updated := now();
	RETURN NEW;
END
$$;
CREATE TRIGGER posts_touch BEFORE UPDATE ON posts FOR EACH ROW EXECUTE FUNCTION touch();
-- diff:reference-up
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	NEW.updated := now();
	RETURN NEW;
END
$$;
CREATE TRIGGER posts_touch BEFORE UPDATE ON posts FOR EACH ROW EXECUTE FUNCTION touch();
-- diff:reference-down
DROP TRIGGER posts_touch ON posts;
DROP FUNCTION touch();
