-- Defaults and checks whose text holds quotes, semicolons, newlines,
-- backslashes and dollar signs, added to an existing table.
-- expect forward: none
-- expect backward: destructive
-- diff:from
CREATE TABLE messages (id int PRIMARY KEY);
-- diff:to
CREATE TABLE messages (id int PRIMARY KEY,
	a text DEFAULT 'it''s; fine',
	b text DEFAULT E'line one\nline two\\ and a backslash',
	c text DEFAULT '$$ not a quote $$' CHECK (c <> ';'),
	d text DEFAULT 'C:\path\to' CONSTRAINT d_no_semicolon CHECK (position(';' in d) = 0));
-- diff:data
INSERT INTO messages VALUES (1), (2);
-- diff:check
SELECT id FROM messages ORDER BY id;
-- diff:reference-up
ALTER TABLE messages ADD COLUMN a text DEFAULT 'it''s; fine',
	ADD COLUMN b text DEFAULT E'line one\nline two\\ and a backslash',
	ADD COLUMN c text DEFAULT '$$ not a quote $$' CHECK (c <> ';'),
	ADD COLUMN d text DEFAULT 'C:\path\to' CONSTRAINT d_no_semicolon CHECK (position(';' in d) = 0);
-- diff:reference-down
ALTER TABLE messages DROP COLUMN a, DROP COLUMN b, DROP COLUMN c, DROP COLUMN d;
