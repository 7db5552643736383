-- A column that "to" has between two others: added at the end (positions
-- are not compared), never by rebuilding the table or dropping "c".
-- expect forward: none
-- expect backward: destructive
-- expect forward no statement: (?i)\bDROP\b
-- expect forward no statement: (?i)CREATE\s+TABLE
-- diff:from
CREATE TABLE t (a int, c int);
-- diff:to
CREATE TABLE t (a int, b text, c int);
-- diff:data
INSERT INTO t VALUES (1, 10), (2, 20);
-- diff:check
SELECT a, c FROM t ORDER BY a;
-- diff:reference-up
ALTER TABLE t ADD COLUMN b text;
-- diff:reference-down
ALTER TABLE t DROP COLUMN b;
