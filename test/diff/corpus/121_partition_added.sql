-- A partition added to an existing partitioned table: manual.
-- expect forward: manual
-- expect backward: manual
-- expect forward manual mentions: measurements_2025
-- expect backward manual mentions: measurements_2025
-- diff:from
CREATE TABLE measurements (at date NOT NULL, v float8) PARTITION BY RANGE (at);
CREATE TABLE measurements_2024 PARTITION OF measurements FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
-- diff:to
CREATE TABLE measurements (at date NOT NULL, v float8) PARTITION BY RANGE (at);
CREATE TABLE measurements_2024 PARTITION OF measurements FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE measurements_2025 PARTITION OF measurements FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
-- diff:reference-up
CREATE TABLE measurements_2025 PARTITION OF measurements FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
-- diff:reference-down
DROP TABLE measurements_2025;
