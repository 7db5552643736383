-- New functions (SQL and PL/pgSQL) and a procedure.
-- expect forward: none
-- expect backward: destructive
-- diff:from
-- diff:to
CREATE FUNCTION add_tax(amount numeric, rate numeric DEFAULT 0.2) RETURNS numeric
	LANGUAGE sql IMMUTABLE STRICT AS 'SELECT amount * (1 + rate)';
CREATE FUNCTION greet(who text) RETURNS text LANGUAGE plpgsql STABLE AS $$
BEGIN
	RETURN 'hello, ' || who;
END
$$;
CREATE PROCEDURE log_it(msg text) LANGUAGE plpgsql AS $$
BEGIN
	RAISE NOTICE '%', msg;
END
$$;
-- diff:reference-up
CREATE FUNCTION add_tax(amount numeric, rate numeric DEFAULT 0.2) RETURNS numeric
	LANGUAGE sql IMMUTABLE STRICT AS 'SELECT amount * (1 + rate)';
CREATE FUNCTION greet(who text) RETURNS text LANGUAGE plpgsql STABLE AS $$
BEGIN
	RETURN 'hello, ' || who;
END
$$;
CREATE PROCEDURE log_it(msg text) LANGUAGE plpgsql AS $$
BEGIN
	RAISE NOTICE '%', msg;
END
$$;
-- diff:reference-down
DROP FUNCTION add_tax(numeric, numeric);
DROP FUNCTION greet(text);
DROP PROCEDURE log_it(text);
