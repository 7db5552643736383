-- NOT NULL dropped from one column and set on another (its rows have
-- values): no data lost either way.
-- expect forward: none
-- expect backward: none
-- diff:from
CREATE TABLE contacts (id int, email text NOT NULL, phone text);
-- diff:to
CREATE TABLE contacts (id int, email text, phone text NOT NULL);
-- diff:data
INSERT INTO contacts VALUES (1, 'a@example.org', '123');
-- diff:check
SELECT * FROM contacts ORDER BY id;
-- diff:data-back
INSERT INTO contacts VALUES (1, 'a@example.org', '123');
-- diff:check-back
SELECT * FROM contacts ORDER BY id;
-- diff:reference-up
ALTER TABLE contacts ALTER COLUMN email DROP NOT NULL;
ALTER TABLE contacts ALTER COLUMN phone SET NOT NULL;
-- diff:reference-down
ALTER TABLE contacts ALTER COLUMN phone DROP NOT NULL;
ALTER TABLE contacts ALTER COLUMN email SET NOT NULL;
