-- A comment changed (not added or removed), on the public schema too.
-- expect forward: none
-- expect backward: none
-- diff:from
CREATE TABLE t (id int);
COMMENT ON TABLE t IS 'old';
-- diff:to
CREATE TABLE t (id int);
COMMENT ON TABLE t IS 'new';
COMMENT ON SCHEMA public IS 'ours now';
-- diff:reference-up
COMMENT ON TABLE t IS 'new';
COMMENT ON SCHEMA public IS 'ours now';
-- diff:reference-down
COMMENT ON TABLE t IS 'old';
COMMENT ON SCHEMA public IS 'standard public schema';
