-- Replica identity by index is manual (the contract), both ways: the
-- snapshot records "index" without the index's name, so neither a step
-- to it nor a reverse back to it can be written.
-- expect forward: manual
-- expect backward: manual
-- expect forward manual mentions: audit
-- expect backward manual mentions: audit
-- diff:from
CREATE TABLE audit (id int PRIMARY KEY, code text NOT NULL);
CREATE UNIQUE INDEX audit_code_key ON audit (code);
-- diff:to
CREATE TABLE audit (id int PRIMARY KEY, code text NOT NULL);
CREATE UNIQUE INDEX audit_code_key ON audit (code);
ALTER TABLE audit REPLICA IDENTITY USING INDEX audit_code_key;
-- diff:reference-up
ALTER TABLE audit REPLICA IDENTITY USING INDEX audit_code_key;
-- diff:reference-down
ALTER TABLE audit REPLICA IDENTITY DEFAULT;
