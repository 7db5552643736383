-- Indexes that resemble big_name_idx but are not duplicates: more columns,
-- expression, WHERE, another access method, DESC, INCLUDE, opclass, UNIQUE over
-- a non-unique one, the same columns in another order.
-- expect offline: none
-- expect catalog: none
-- migrate:up
CREATE INDEX CONCURRENTLY t103_a ON big (name, email);
CREATE INDEX CONCURRENTLY t103_b ON big (lower(name));
CREATE INDEX CONCURRENTLY t103_c ON big (name) WHERE n > 100;
CREATE INDEX CONCURRENTLY t103_d ON big USING hash (name);
CREATE INDEX CONCURRENTLY t103_e ON big (name DESC);
CREATE INDEX CONCURRENTLY t103_f ON big (name) INCLUDE (email);
CREATE INDEX CONCURRENTLY t103_g ON big (name varchar_pattern_ops);
CREATE UNIQUE INDEX CONCURRENTLY t103_h ON big (name);
CREATE INDEX CONCURRENTLY t103_i ON big (email, name);
