-- A partitioned table that is the same in both schemas is no difference:
-- no manual step for it; the other change is generated and proven.
-- expect forward: none
-- expect backward: destructive
-- diff:from
CREATE TABLE measurements (at date NOT NULL, v float8) PARTITION BY RANGE (at);
CREATE TABLE measurements_2024 PARTITION OF measurements FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE parent_items (id int);
CREATE TABLE child_items () INHERITS (parent_items);
CREATE TABLE sensors (id int PRIMARY KEY);
-- diff:to
CREATE TABLE measurements (at date NOT NULL, v float8) PARTITION BY RANGE (at);
CREATE TABLE measurements_2024 PARTITION OF measurements FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE parent_items (id int);
CREATE TABLE child_items () INHERITS (parent_items);
CREATE TABLE sensors (id int PRIMARY KEY, label text);
-- diff:reference-up
ALTER TABLE sensors ADD COLUMN label text;
-- diff:reference-down
ALTER TABLE sensors DROP COLUMN label;
