-- A trigger function's body changed while its trigger stays: replaced in
-- place (dropping the function would need dropping the trigger too).
-- expect forward: none
-- expect backward: none
-- expect forward no statement: (?i)DROP\s+(FUNCTION|TRIGGER)
-- diff:from
CREATE TABLE posts (id int, body text);
CREATE FUNCTION clean() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN NEW.body := trim(NEW.body); RETURN NEW; END$$;
CREATE TRIGGER posts_clean BEFORE INSERT ON posts FOR EACH ROW EXECUTE FUNCTION clean();
-- diff:to
CREATE TABLE posts (id int, body text);
CREATE FUNCTION clean() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN NEW.body := lower(trim(NEW.body)); RETURN NEW; END$$;
CREATE TRIGGER posts_clean BEFORE INSERT ON posts FOR EACH ROW EXECUTE FUNCTION clean();
-- diff:reference-up
CREATE OR REPLACE FUNCTION clean() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN NEW.body := lower(trim(NEW.body)); RETURN NEW; END$$;
-- diff:reference-down
CREATE OR REPLACE FUNCTION clean() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN NEW.body := trim(NEW.body); RETURN NEW; END$$;
