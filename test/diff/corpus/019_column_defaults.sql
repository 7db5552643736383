-- Defaults changed, added and dropped.
-- expect forward: none
-- expect backward: none
-- diff:from
CREATE TABLE settings (a int DEFAULT 1, b text, c text DEFAULT 'x', d timestamptz DEFAULT now());
-- diff:to
CREATE TABLE settings (a int DEFAULT 2, b text DEFAULT 'new', c text, d timestamptz DEFAULT (now() + interval '1 day'));
-- diff:reference-up
ALTER TABLE settings ALTER COLUMN a SET DEFAULT 2;
ALTER TABLE settings ALTER COLUMN b SET DEFAULT 'new';
ALTER TABLE settings ALTER COLUMN c DROP DEFAULT;
ALTER TABLE settings ALTER COLUMN d SET DEFAULT (now() + interval '1 day');
-- diff:reference-down
ALTER TABLE settings ALTER COLUMN a SET DEFAULT 1;
ALTER TABLE settings ALTER COLUMN b DROP DEFAULT;
ALTER TABLE settings ALTER COLUMN c SET DEFAULT 'x';
ALTER TABLE settings ALTER COLUMN d SET DEFAULT now();
