-- A policy's roles and expressions changed (ALTER POLICY can).
-- expect forward: none
-- expect backward: none
-- diff:from
CREATE TABLE notes (id int, owner text, shared boolean);
ALTER TABLE notes ENABLE ROW LEVEL SECURITY;
CREATE POLICY notes_read ON notes FOR SELECT TO diff_reader USING (owner = current_user);
-- diff:to
CREATE TABLE notes (id int, owner text, shared boolean);
ALTER TABLE notes ENABLE ROW LEVEL SECURITY;
CREATE POLICY notes_read ON notes FOR SELECT TO diff_reader, diff_writer USING (owner = current_user OR shared);
-- diff:reference-up
ALTER POLICY notes_read ON notes TO diff_reader, diff_writer USING (owner = current_user OR shared);
-- diff:reference-down
ALTER POLICY notes_read ON notes TO diff_reader USING (owner = current_user);
