-- A column's storage and its n_distinct option.
-- expect forward: none
-- expect backward: none
-- diff:from
CREATE TABLE documents (id int, body text, kind int);
-- diff:to
CREATE TABLE documents (id int, body text, kind int);
ALTER TABLE documents ALTER COLUMN body SET STORAGE EXTERNAL;
ALTER TABLE documents ALTER COLUMN kind SET (n_distinct = -0.5);
-- diff:reference-up
ALTER TABLE documents ALTER COLUMN body SET STORAGE EXTERNAL;
ALTER TABLE documents ALTER COLUMN kind SET (n_distinct = -0.5);
-- diff:reference-down
ALTER TABLE documents ALTER COLUMN body SET STORAGE EXTENDED;
ALTER TABLE documents ALTER COLUMN kind RESET (n_distinct);
