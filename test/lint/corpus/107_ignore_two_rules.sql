-- Two lint-ignore lines (after a plain comment) silence two rules of
-- statement 1; the same rule on statement 2 stays.
-- expect offline: ban-char-field advice 2
-- expect catalog: ban-char-field advice 2
-- expect ignored: ban-char-field 1
-- expect ignored: prefer-timestamptz 1
-- migrate:up
-- the feed sends ISO country codes and local times
-- migrate:lint-ignore ban-char-field ISO country codes are exactly two letters
-- migrate:lint-ignore prefer-timestamptz the upstream feed has local times only
ALTER TABLE big ADD COLUMN t107_country char(2), ADD COLUMN t107_fed_at timestamp;
ALTER TABLE big ADD COLUMN t107_region char(3);
