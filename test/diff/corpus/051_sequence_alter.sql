-- A sequence's options changed (not its type).
-- expect forward: none
-- expect backward: none
-- expect forward no statement: (?i)DROP\s+SEQUENCE
-- diff:from
CREATE SEQUENCE counter;
-- diff:to
CREATE SEQUENCE counter INCREMENT BY 10 MAXVALUE 1000000 CACHE 5 CYCLE START WITH 50;
-- diff:reference-up
ALTER SEQUENCE counter INCREMENT BY 10 MAXVALUE 1000000 CACHE 5 CYCLE START WITH 50;
-- diff:reference-down
ALTER SEQUENCE counter INCREMENT BY 1 NO MAXVALUE CACHE 1 NO CYCLE START WITH 1;
