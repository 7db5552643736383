-- Expand: add a nullable column, then backfill it in batches: nothing.
-- expect offline: none
-- expect catalog: none
-- migrate:up
ALTER TABLE big ADD COLUMN t117_email_domain text;
-- migrate:batch
UPDATE big SET t117_email_domain = split_part(email, '@', 2)
 WHERE id IN (SELECT id FROM big WHERE t117_email_domain IS NULL LIMIT 1000);
