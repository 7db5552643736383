-- Renames of a table and of a column nobody has: the rename rules, plus
-- unknown-object with the catalog.
-- expect offline: renaming-table warning 1
-- expect offline: renaming-column warning 2
-- expect catalog: renaming-table warning 1
-- expect catalog: unknown-object error 1
-- expect catalog: renaming-column warning 2
-- expect catalog: unknown-object error 2
-- migrate:up
ALTER TABLE t080_nosuch RENAME TO t080_other;
ALTER TABLE small RENAME COLUMN t080_nocol TO t080_col;
