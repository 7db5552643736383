-- varchar(10) to varchar(20) widens (safe); back narrows (destructive).
-- expect forward: none
-- expect backward: destructive
-- diff:from
CREATE TABLE codes (id int PRIMARY KEY, code varchar(10));
-- diff:to
CREATE TABLE codes (id int PRIMARY KEY, code varchar(20));
-- diff:data
INSERT INTO codes VALUES (1, 'short'), (2, '0123456789');
-- diff:check
SELECT * FROM codes ORDER BY id;
-- diff:data-back
INSERT INTO codes VALUES (1, 'short');
-- diff:check-back
SELECT * FROM codes ORDER BY id;
-- diff:reference-up
ALTER TABLE codes ALTER COLUMN code TYPE varchar(20);
-- diff:reference-down
ALTER TABLE codes ALTER COLUMN code TYPE varchar(10);
