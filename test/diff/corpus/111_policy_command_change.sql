-- A policy's command and permissiveness changed, which ALTER POLICY
-- cannot do: dropped and created again (destructive or not, open).
-- expect forward: none or destructive
-- expect backward: none or destructive
-- diff:from
CREATE TABLE notes (id int, owner text);
ALTER TABLE notes ENABLE ROW LEVEL SECURITY;
CREATE POLICY notes_own ON notes FOR SELECT USING (owner = current_user);
-- diff:to
CREATE TABLE notes (id int, owner text);
ALTER TABLE notes ENABLE ROW LEVEL SECURITY;
CREATE POLICY notes_own ON notes AS RESTRICTIVE FOR UPDATE TO PUBLIC USING (owner = current_user) WITH CHECK (owner = current_user);
-- diff:reference-up
DROP POLICY notes_own ON notes;
CREATE POLICY notes_own ON notes AS RESTRICTIVE FOR UPDATE TO PUBLIC USING (owner = current_user) WITH CHECK (owner = current_user);
-- diff:reference-down
DROP POLICY notes_own ON notes;
CREATE POLICY notes_own ON notes FOR SELECT USING (owner = current_user);
