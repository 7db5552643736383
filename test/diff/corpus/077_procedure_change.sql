-- A procedure's body changed.
-- expect forward: none
-- expect backward: none
-- diff:from
CREATE TABLE journal (msg text);
CREATE PROCEDURE note(m text) LANGUAGE sql AS $$INSERT INTO journal VALUES (m)$$;
-- diff:to
CREATE TABLE journal (msg text);
CREATE PROCEDURE note(m text) LANGUAGE sql AS $$INSERT INTO journal VALUES (upper(m))$$;
-- diff:reference-up
CREATE OR REPLACE PROCEDURE note(m text) LANGUAGE sql AS $$INSERT INTO journal VALUES (upper(m))$$;
-- diff:reference-down
CREATE OR REPLACE PROCEDURE note(m text) LANGUAGE sql AS $$INSERT INTO journal VALUES (m)$$;
