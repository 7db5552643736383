-- A new function whose body has statements ending in ";" at line ends,
-- a string with "$$" and ";" in it, and a nested dollar quote: the
-- step's statement must still be complete SQL on its own.
-- expect forward: none
-- expect backward: destructive
-- diff:from
-- diff:to
CREATE FUNCTION tricky(n int) RETURNS text LANGUAGE plpgsql AS $body$
DECLARE
	s text := 'a;b $$ c';
BEGIN
	IF n > 0 THEN
		s := s || ';';
	END IF;
	EXECUTE $q$SELECT 1;$q$;
	RETURN s || E'\n' || $x$'quoted'$x$;
END;
$body$;
-- diff:reference-up
CREATE FUNCTION tricky(n int) RETURNS text LANGUAGE plpgsql AS $body$
DECLARE
	s text := 'a;b $$ c';
BEGIN
	IF n > 0 THEN
		s := s || ';';
	END IF;
	EXECUTE $q$SELECT 1;$q$;
	RETURN s || E'\n' || $x$'quoted'$x$;
END;
$body$;
-- diff:reference-down
DROP FUNCTION tricky(int);
