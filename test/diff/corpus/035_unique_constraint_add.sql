-- A UNIQUE constraint added to an existing table builds its index on a
-- table of "from": blocking (the client moves the index build to a
-- CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT ... USING INDEX).
-- Dropping it loses no data.
-- expect forward: blocking
-- expect backward: none
-- diff:from
CREATE TABLE users (id int PRIMARY KEY, email text NOT NULL);
-- diff:to
CREATE TABLE users (id int PRIMARY KEY, email text NOT NULL, CONSTRAINT users_email_key UNIQUE (email));
-- diff:data
INSERT INTO users VALUES (1, 'a@example.org'), (2, 'b@example.org');
-- diff:check
SELECT * FROM users ORDER BY id;
-- diff:reference-up
CREATE UNIQUE INDEX users_email_key ON users (email);
ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_key;
-- diff:reference-down
ALTER TABLE users DROP CONSTRAINT users_email_key;
