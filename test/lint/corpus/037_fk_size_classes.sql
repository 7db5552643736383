-- Validated foreign keys on empty_t (EMPTY; empty_t_v_idx covers v) and on
-- unanalyzed_t (UNKNOWN; nothing covers v).
-- expect offline: adding-foreign-key-constraint warning 1
-- expect offline: adding-foreign-key-constraint warning 2
-- expect catalog: adding-foreign-key-constraint advice 1
-- expect catalog: adding-foreign-key-constraint warning 2
-- expect catalog: unindexed-foreign-key warning 2
-- migrate:up
ALTER TABLE empty_t ADD CONSTRAINT t037_empty_v_fk FOREIGN KEY (v) REFERENCES big (id);
ALTER TABLE unanalyzed_t ADD CONSTRAINT t037_unanalyzed_v_fk FOREIGN KEY (v) REFERENCES big (id);
