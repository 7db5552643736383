-- A partitioned table (manual) next to an ordinary new table (generated):
-- a manual step for the one, safe steps for the other.
-- expect forward: manual
-- expect backward: destructive, manual
-- expect forward manual mentions: measurements
-- expect forward statement: (?i)CREATE\s+TABLE\s+(IF\s+NOT\s+EXISTS\s+)?(public\.)?sensors
-- diff:from
-- diff:to
CREATE TABLE sensors (id int PRIMARY KEY, label text);
CREATE TABLE measurements (at date NOT NULL, v float8) PARTITION BY RANGE (at);
-- diff:reference-up
CREATE TABLE sensors (id int PRIMARY KEY, label text);
CREATE TABLE measurements (at date NOT NULL, v float8) PARTITION BY RANGE (at);
-- diff:reference-down
DROP TABLE measurements;
DROP TABLE sensors;
