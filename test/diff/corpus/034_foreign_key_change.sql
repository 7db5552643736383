-- A foreign key's actions and deferrability changed.
-- expect forward: none
-- expect backward: none
-- diff:from
CREATE TABLE authors (id int PRIMARY KEY);
CREATE TABLE books (id int PRIMARY KEY, author_id int,
	CONSTRAINT books_author_fk FOREIGN KEY (author_id) REFERENCES authors (id) ON DELETE CASCADE);
-- diff:to
CREATE TABLE authors (id int PRIMARY KEY);
CREATE TABLE books (id int PRIMARY KEY, author_id int,
	CONSTRAINT books_author_fk FOREIGN KEY (author_id) REFERENCES authors (id) ON DELETE SET NULL ON UPDATE CASCADE
	DEFERRABLE INITIALLY DEFERRED);
-- diff:data
INSERT INTO authors VALUES (1);
INSERT INTO books VALUES (10, 1);
-- diff:check
SELECT * FROM books ORDER BY id;
-- diff:reference-up
ALTER TABLE books DROP CONSTRAINT books_author_fk;
ALTER TABLE books ADD CONSTRAINT books_author_fk FOREIGN KEY (author_id) REFERENCES authors (id)
	ON DELETE SET NULL ON UPDATE CASCADE DEFERRABLE INITIALLY DEFERRED;
-- diff:reference-down
ALTER TABLE books DROP CONSTRAINT books_author_fk;
ALTER TABLE books ADD CONSTRAINT books_author_fk FOREIGN KEY (author_id) REFERENCES authors (id) ON DELETE CASCADE;
