-- The style rules in ADD COLUMN on big: char(2), character varying(20),
-- timestamp without time zone.
-- expect offline: ban-char-field advice 1
-- expect offline: prefer-text-field advice 2
-- expect offline: prefer-timestamptz advice 3
-- expect catalog: ban-char-field advice 1
-- expect catalog: prefer-text-field advice 2
-- expect catalog: prefer-timestamptz advice 3
-- migrate:up
ALTER TABLE big ADD COLUMN t086_region char(2);
ALTER TABLE big ADD COLUMN t086_nick character varying(20);
ALTER TABLE big ADD COLUMN t086_seen timestamp without time zone;
