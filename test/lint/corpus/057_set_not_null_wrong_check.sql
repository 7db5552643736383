-- The validated check is not exactly "note IS NOT NULL": SET NOT NULL on
-- small still counts.
-- expect offline: constraint-missing-not-valid warning 2
-- expect offline: adding-not-nullable-field warning 3
-- expect catalog: constraint-missing-not-valid warning 2
-- expect catalog: adding-not-nullable-field warning 3
-- migrate:up
ALTER TABLE small ADD CONSTRAINT t057_note_present CHECK (note IS NOT NULL AND note <> '') NOT VALID;
ALTER TABLE small VALIDATE CONSTRAINT t057_note_present;
ALTER TABLE small ALTER COLUMN note SET NOT NULL;
