-- A new deferrable constraint trigger on an existing table.
-- expect forward: none
-- expect backward: destructive
-- diff:from
CREATE TABLE accounts (id int, balance numeric);
-- diff:to
CREATE TABLE accounts (id int, balance numeric);
CREATE FUNCTION check_balance() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF NEW.balance < 0 THEN RAISE EXCEPTION 'negative'; END IF;
	RETURN NULL;
END
$$;
CREATE CONSTRAINT TRIGGER accounts_balance AFTER INSERT OR UPDATE ON accounts
	DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION check_balance();
-- diff:reference-up
CREATE FUNCTION check_balance() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF NEW.balance < 0 THEN RAISE EXCEPTION 'negative'; END IF;
	RETURN NULL;
END
$$;
CREATE CONSTRAINT TRIGGER accounts_balance AFTER INSERT OR UPDATE ON accounts
	DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION check_balance();
-- diff:reference-down
DROP TRIGGER accounts_balance ON accounts;
DROP FUNCTION check_balance();
