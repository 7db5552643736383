-- Names that need quoting everywhere: mixed case, spaces, reserved words,
-- quotes, dots and semicolons in a schema, table, columns, index,
-- constraint, sequence, view, function, type and trigger.
-- expect forward: none
-- expect backward: destructive
-- diff:from
-- diff:to
CREATE SCHEMA "My App";
CREATE TYPE "My App"."Colour" AS ENUM ('Red', 'it''s');
CREATE SEQUENCE "My App"."seq.no";
CREATE TABLE "My App"."Order" (
	"select" int PRIMARY KEY,
	"User Name" text NOT NULL DEFAULT 'a;b',
	"camelCase" "My App"."Colour",
	"with""quote" int DEFAULT nextval('"My App"."seq.no"'),
	CONSTRAINT "Check; 1" CHECK ("select" > 0)
);
CREATE INDEX "Idx 1" ON "My App"."Order" ("User Name", "with""quote");
CREATE VIEW "My App"."V" AS SELECT "select", "User Name" FROM "My App"."Order";
CREATE FUNCTION "My App"."Do It"() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;
CREATE FUNCTION "My App"."Add; One"("Arg" int, "with space" text DEFAULT 'a;b') RETURNS int LANGUAGE sql AS $$SELECT "Arg" + 1$$;
CREATE TRIGGER "On Insert" BEFORE INSERT ON "My App"."Order" FOR EACH ROW EXECUTE FUNCTION "My App"."Do It"();
-- diff:reference-up
CREATE SCHEMA "My App";
CREATE TYPE "My App"."Colour" AS ENUM ('Red', 'it''s');
CREATE SEQUENCE "My App"."seq.no";
CREATE TABLE "My App"."Order" (
	"select" int PRIMARY KEY,
	"User Name" text NOT NULL DEFAULT 'a;b',
	"camelCase" "My App"."Colour",
	"with""quote" int DEFAULT nextval('"My App"."seq.no"'),
	CONSTRAINT "Check; 1" CHECK ("select" > 0)
);
CREATE INDEX "Idx 1" ON "My App"."Order" ("User Name", "with""quote");
CREATE VIEW "My App"."V" AS SELECT "select", "User Name" FROM "My App"."Order";
CREATE FUNCTION "My App"."Do It"() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;
CREATE FUNCTION "My App"."Add; One"("Arg" int, "with space" text DEFAULT 'a;b') RETURNS int LANGUAGE sql AS $$SELECT "Arg" + 1$$;
CREATE TRIGGER "On Insert" BEFORE INSERT ON "My App"."Order" FOR EACH ROW EXECUTE FUNCTION "My App"."Do It"();
-- diff:reference-down
DROP SCHEMA "My App" CASCADE;
