-- New views on new views, where the dependent one sorts first: created
-- in dependency order, dropped in the reverse.
-- expect forward: none
-- expect backward: destructive
-- diff:from
-- diff:to
CREATE TABLE z_base (id int, v int);
CREATE VIEW m_middle AS SELECT id, v * 2 AS v2 FROM z_base;
CREATE VIEW a_top AS SELECT id FROM m_middle WHERE v2 > 10;
-- diff:reference-up
CREATE TABLE z_base (id int, v int);
CREATE VIEW m_middle AS SELECT id, v * 2 AS v2 FROM z_base;
CREATE VIEW a_top AS SELECT id FROM m_middle WHERE v2 > 10;
-- diff:reference-down
DROP VIEW a_top;
DROP VIEW m_middle;
DROP TABLE z_base;
