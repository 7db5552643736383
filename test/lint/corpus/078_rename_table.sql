-- ALTER TABLE ... RENAME TO.
-- expect offline: renaming-table warning 1
-- expect catalog: renaming-table warning 1
-- migrate:up
ALTER TABLE small RENAME TO small_archive;
