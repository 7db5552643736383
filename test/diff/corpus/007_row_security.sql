-- Row level security enabled and forced, with a policy.  Removing a
-- policy loses no data; whether the contract's "..." counts it as
-- destructive is open.
-- expect forward: none
-- expect backward: none or destructive
-- diff:from
CREATE TABLE notes (id int PRIMARY KEY, owner name NOT NULL DEFAULT current_user, body text);
-- diff:to
CREATE TABLE notes (id int PRIMARY KEY, owner name NOT NULL DEFAULT current_user, body text);
ALTER TABLE notes ENABLE ROW LEVEL SECURITY;
ALTER TABLE notes FORCE ROW LEVEL SECURITY;
CREATE POLICY notes_own ON notes USING (owner = current_user) WITH CHECK (owner = current_user);
-- diff:reference-up
ALTER TABLE notes ENABLE ROW LEVEL SECURITY;
ALTER TABLE notes FORCE ROW LEVEL SECURITY;
CREATE POLICY notes_own ON notes USING (owner = current_user) WITH CHECK (owner = current_user);
-- diff:reference-down
DROP POLICY notes_own ON notes;
ALTER TABLE notes NO FORCE ROW LEVEL SECURITY;
ALTER TABLE notes DISABLE ROW LEVEL SECURITY;
