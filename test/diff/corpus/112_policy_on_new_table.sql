-- A new table with row level security and policies for two roles and for
-- PUBLIC.
-- expect forward: none
-- expect backward: destructive
-- diff:from
-- diff:to
CREATE TABLE secrets (id int, owner text, body text);
ALTER TABLE secrets ENABLE ROW LEVEL SECURITY;
CREATE POLICY secrets_read ON secrets FOR SELECT TO diff_reader, diff_writer USING (owner = current_user);
CREATE POLICY secrets_write ON secrets FOR INSERT TO diff_writer WITH CHECK (owner = current_user);
CREATE POLICY secrets_none ON secrets AS RESTRICTIVE USING (body IS NOT NULL);
-- diff:reference-up
CREATE TABLE secrets (id int, owner text, body text);
ALTER TABLE secrets ENABLE ROW LEVEL SECURITY;
CREATE POLICY secrets_read ON secrets FOR SELECT TO diff_reader, diff_writer USING (owner = current_user);
CREATE POLICY secrets_write ON secrets FOR INSERT TO diff_writer WITH CHECK (owner = current_user);
CREATE POLICY secrets_none ON secrets AS RESTRICTIVE USING (body IS NOT NULL);
-- diff:reference-down
DROP TABLE secrets;
