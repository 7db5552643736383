-- Renaming an index or a constraint is neither renaming-table nor
-- renaming-column: nothing.
-- expect offline: none
-- expect catalog: none
-- migrate:up
ALTER INDEX big_name_idx RENAME TO big_name_idx_old;
ALTER TABLE big RENAME CONSTRAINT big_n_not_null TO big_n_present;
