-- "Big Table" created in the script: its style findings count (statement 1),
-- but it is NEW for everything else.
-- expect offline: prefer-bigint-over-int advice 1
-- expect offline: prefer-text-field advice 1
-- expect catalog: prefer-bigint-over-int advice 1
-- expect catalog: prefer-text-field advice 1
-- migrate:up
CREATE TABLE "Big Table" (id int PRIMARY KEY, "Name" varchar(20), note text);
CREATE INDEX "Big Table_Name_idx" ON "Big Table" ("Name");
ALTER TABLE "Big Table" ADD COLUMN "Created" timestamptz NOT NULL;
ALTER TABLE "Big Table" ALTER COLUMN id TYPE bigint;
