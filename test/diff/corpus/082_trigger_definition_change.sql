-- A trigger's events and WHEN clause changed: dropped and created again
-- (a trigger dropped: destructive or not, open).
-- expect forward: none or destructive
-- expect backward: none or destructive
-- diff:from
CREATE TABLE posts (id int, body text);
CREATE FUNCTION nop() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;
CREATE TRIGGER posts_check BEFORE INSERT ON posts FOR EACH ROW EXECUTE FUNCTION nop();
-- diff:to
CREATE TABLE posts (id int, body text);
CREATE FUNCTION nop() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;
CREATE TRIGGER posts_check BEFORE INSERT OR UPDATE OF body ON posts FOR EACH ROW WHEN (NEW.body IS NOT NULL) EXECUTE FUNCTION nop();
-- diff:reference-up
DROP TRIGGER posts_check ON posts;
CREATE TRIGGER posts_check BEFORE INSERT OR UPDATE OF body ON posts FOR EACH ROW WHEN (NEW.body IS NOT NULL) EXECUTE FUNCTION nop();
-- diff:reference-down
DROP TRIGGER posts_check ON posts;
CREATE TRIGGER posts_check BEFORE INSERT ON posts FOR EACH ROW EXECUTE FUNCTION nop();
