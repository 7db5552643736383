-- An overload added next to an existing function of the same name: the
-- argument types tell them apart.
-- expect forward: none
-- expect backward: destructive
-- expect backward statement: (?i)DROP\s+FUNCTION\s+(IF\s+EXISTS\s+)?(public\.)?describe\s*\(\s*(x\s+)?text\s*\)
-- diff:from
CREATE FUNCTION describe(x int) RETURNS text LANGUAGE sql AS $$SELECT 'int ' || x$$;
-- diff:to
CREATE FUNCTION describe(x int) RETURNS text LANGUAGE sql AS $$SELECT 'int ' || x$$;
CREATE FUNCTION describe(x text) RETURNS text LANGUAGE sql AS $$SELECT 'text ' || x$$;
-- diff:reference-up
CREATE FUNCTION describe(x text) RETURNS text LANGUAGE sql AS $$SELECT 'text ' || x$$;
-- diff:reference-down
DROP FUNCTION describe(text);
