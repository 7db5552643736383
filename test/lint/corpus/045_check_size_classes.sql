-- CHECK without NOT VALID on small, empty_t and unanalyzed_t.
-- expect offline: constraint-missing-not-valid warning 1
-- expect offline: constraint-missing-not-valid warning 2
-- expect offline: constraint-missing-not-valid warning 3
-- expect catalog: constraint-missing-not-valid warning 1
-- expect catalog: constraint-missing-not-valid advice 2
-- expect catalog: constraint-missing-not-valid warning 3
-- migrate:up
ALTER TABLE small ADD CONSTRAINT t045_owner_positive CHECK (owner_id > 0);
ALTER TABLE empty_t ADD CONSTRAINT t045_v_positive CHECK (v > 0);
ALTER TABLE unanalyzed_t ADD CONSTRAINT t045_v_positive CHECK (v > 0);
