-- CHECK (email IS NOT NULL) NOT VALID, VALIDATE, SET NOT NULL, DROP
-- CONSTRAINT in one script: SET NOT NULL is fine (also offline); the VALIDATE
-- in the same script is the one finding.
-- expect offline: constraint-missing-not-valid warning 2
-- expect catalog: constraint-missing-not-valid warning 2
-- migrate:up
ALTER TABLE big ADD CONSTRAINT t056_email_not_null CHECK (email IS NOT NULL) NOT VALID;
ALTER TABLE big VALIDATE CONSTRAINT t056_email_not_null;
ALTER TABLE big ALTER COLUMN email SET NOT NULL;
ALTER TABLE big DROP CONSTRAINT t056_email_not_null;
