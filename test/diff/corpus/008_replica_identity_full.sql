-- Replica identity FULL (not by index: that one is manual).
-- expect forward: none
-- expect backward: none
-- diff:from
CREATE TABLE audit (id int PRIMARY KEY, what text);
-- diff:to
CREATE TABLE audit (id int PRIMARY KEY, what text);
ALTER TABLE audit REPLICA IDENTITY FULL;
-- diff:reference-up
ALTER TABLE audit REPLICA IDENTITY FULL;
-- diff:reference-down
ALTER TABLE audit REPLICA IDENTITY DEFAULT;
