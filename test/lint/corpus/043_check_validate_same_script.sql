-- NOT VALID and VALIDATE in the same script: the VALIDATE (statement 2) gets
-- constraint-missing-not-valid as a warning, with and without the catalog.
-- expect offline: constraint-missing-not-valid warning 2
-- expect catalog: constraint-missing-not-valid warning 2
-- migrate:up
ALTER TABLE small ADD CONSTRAINT t043_note_length CHECK (length(note) < 100) NOT VALID;
ALTER TABLE small VALIDATE CONSTRAINT t043_note_length;
