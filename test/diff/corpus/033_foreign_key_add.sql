-- A foreign key added between two existing tables with consistent rows
-- (no index is built: not blocking).
-- expect forward: none
-- expect backward: none
-- diff:from
CREATE TABLE authors (id int PRIMARY KEY, name text);
CREATE TABLE books (id int PRIMARY KEY, author_id int, title text);
-- diff:to
CREATE TABLE authors (id int PRIMARY KEY, name text);
CREATE TABLE books (id int PRIMARY KEY, author_id int, title text,
	CONSTRAINT books_author_fk FOREIGN KEY (author_id) REFERENCES authors (id) ON DELETE CASCADE);
-- diff:data
INSERT INTO authors VALUES (1, 'A'), (2, 'B');
INSERT INTO books VALUES (10, 1, 'x'), (11, 2, 'y'), (12, NULL, 'z');
-- diff:check
SELECT b.id, b.title, a.name FROM books b LEFT JOIN authors a ON a.id = b.author_id ORDER BY b.id;
-- diff:reference-up
ALTER TABLE books ADD CONSTRAINT books_author_fk FOREIGN KEY (author_id) REFERENCES authors (id) ON DELETE CASCADE;
-- diff:reference-down
ALTER TABLE books DROP CONSTRAINT books_author_fk;
