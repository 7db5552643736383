-- A new sequence with every option.
-- expect forward: none
-- expect backward: destructive
-- expect backward statement: (?i)DROP\s+SEQUENCE
-- diff:from
-- diff:to
CREATE SEQUENCE ticket_numbers AS integer START WITH 100 INCREMENT BY 5 MINVALUE 10 MAXVALUE 100000 CACHE 3 CYCLE;
-- diff:reference-up
CREATE SEQUENCE ticket_numbers AS integer START WITH 100 INCREMENT BY 5 MINVALUE 10 MAXVALUE 100000 CACHE 3 CYCLE;
-- diff:reference-down
DROP SEQUENCE ticket_numbers;
