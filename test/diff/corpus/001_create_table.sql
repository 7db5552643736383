-- A new table with a primary key, NOT NULL, defaults and a comment, next
-- to a table that stays (its rows must survive both scripts).
-- expect forward: none
-- expect backward: destructive
-- expect forward statement: (?i)CREATE TABLE
-- expect backward statement: (?i)DROP TABLE
-- diff:from
CREATE TABLE keep (id int PRIMARY KEY, label text);
-- diff:to
CREATE TABLE keep (id int PRIMARY KEY, label text);
CREATE TABLE items (
	id bigint PRIMARY KEY,
	name text NOT NULL DEFAULT 'unnamed',
	price numeric(10,2),
	created timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE items IS 'things for sale';
-- diff:data
INSERT INTO keep VALUES (1, 'one'), (2, 'two');
-- diff:check
SELECT id, label FROM keep ORDER BY id;
-- diff:data-back
INSERT INTO keep VALUES (1, 'one'), (2, 'two');
INSERT INTO items (id, name) VALUES (1, 'a');
-- diff:check-back
SELECT id, label FROM keep ORDER BY id;
-- diff:reference-up
CREATE TABLE items (
	id bigint PRIMARY KEY,
	name text NOT NULL DEFAULT 'unnamed',
	price numeric(10,2),
	created timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE items IS 'things for sale';
-- diff:reference-down
DROP TABLE items;
