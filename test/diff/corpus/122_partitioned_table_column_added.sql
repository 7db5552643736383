-- A column added to a partitioned table (and so to its partitions):
-- partitioned tables and partitions are manual.
-- expect forward: manual
-- expect backward: manual
-- expect forward manual mentions: measurements
-- diff:from
CREATE TABLE measurements (at date NOT NULL, v float8) PARTITION BY RANGE (at);
CREATE TABLE measurements_2024 PARTITION OF measurements FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
-- diff:to
CREATE TABLE measurements (at date NOT NULL, v float8, sensor text) PARTITION BY RANGE (at);
CREATE TABLE measurements_2024 PARTITION OF measurements FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
-- diff:reference-up
ALTER TABLE measurements ADD COLUMN sensor text;
-- diff:reference-down
ALTER TABLE measurements DROP COLUMN sensor;
