-- UNIQUE without USING INDEX on small (SMALL) and empty_t (EMPTY).
-- expect offline: disallowed-unique-constraint warning 1
-- expect offline: disallowed-unique-constraint warning 2
-- expect catalog: disallowed-unique-constraint warning 1
-- expect catalog: disallowed-unique-constraint advice 2
-- migrate:up
ALTER TABLE small ADD CONSTRAINT t049_owner_key UNIQUE (owner_id);
ALTER TABLE empty_t ADD CONSTRAINT t049_w_key UNIQUE (w);
