-- migrate:revision m1
-- migrate:parents a, b
-- migrate:message merge
-- migrate:message second line
-- migrate:up

