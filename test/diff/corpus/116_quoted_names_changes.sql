-- Changes to objects with names that need quoting: a column added, one
-- dropped, a type changed, an index added on the existing table.
-- expect forward: blocking, destructive
-- expect backward: destructive
-- diff:from
CREATE TABLE "Order Lines" ("Line" int, "Old Note" text, "Qty" int);
-- diff:to
CREATE TABLE "Order Lines" ("Line" int, "Qty" bigint, "New Note" text);
CREATE INDEX "Order Lines by Qty" ON "Order Lines" ("Qty");
-- diff:data
INSERT INTO "Order Lines" VALUES (1, 'x', 2);
-- diff:check
SELECT "Line", "Qty"::text FROM "Order Lines";
-- diff:reference-up
ALTER TABLE "Order Lines" DROP COLUMN "Old Note";
ALTER TABLE "Order Lines" ALTER COLUMN "Qty" TYPE bigint;
ALTER TABLE "Order Lines" ADD COLUMN "New Note" text;
CREATE INDEX "Order Lines by Qty" ON "Order Lines" ("Qty");
-- diff:reference-down
DROP INDEX "Order Lines by Qty";
ALTER TABLE "Order Lines" DROP COLUMN "New Note";
ALTER TABLE "Order Lines" ALTER COLUMN "Qty" TYPE int;
ALTER TABLE "Order Lines" ADD COLUMN "Old Note" text;
