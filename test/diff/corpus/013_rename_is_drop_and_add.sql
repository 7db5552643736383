-- A column that disappears and another that appears, of the same type:
-- renames are never guessed, so a DROP COLUMN and an ADD COLUMN.
-- expect forward: destructive
-- expect backward: destructive
-- expect forward statement: (?i)DROP\s+(COLUMN\s+)?(IF\s+EXISTS\s+)?old_name\b
-- expect forward statement: (?i)ADD\s+(COLUMN\s+)?(IF\s+NOT\s+EXISTS\s+)?new_name\b
-- expect forward no statement: (?i)\bRENAME\b
-- expect backward statement: (?i)DROP\s+(COLUMN\s+)?(IF\s+EXISTS\s+)?new_name\b
-- expect backward no statement: (?i)\bRENAME\b
-- diff:from
CREATE TABLE people (id int PRIMARY KEY, old_name text);
-- diff:to
CREATE TABLE people (id int PRIMARY KEY, new_name text);
-- diff:data
INSERT INTO people VALUES (1, 'x');
-- diff:check
SELECT id FROM people ORDER BY id;
-- diff:reference-up
ALTER TABLE people DROP COLUMN old_name;
ALTER TABLE people ADD COLUMN new_name text;
-- diff:reference-down
ALTER TABLE people DROP COLUMN new_name;
ALTER TABLE people ADD COLUMN old_name text;
