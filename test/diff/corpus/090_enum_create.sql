-- A new enum and a new table column of it.
-- expect forward: none
-- expect backward: destructive
-- diff:from
-- diff:to
CREATE TYPE order_status AS ENUM ('new', 'paid', 'shipped');
CREATE TABLE orders (id int PRIMARY KEY, status order_status NOT NULL DEFAULT 'new');
-- diff:reference-up
CREATE TYPE order_status AS ENUM ('new', 'paid', 'shipped');
CREATE TABLE orders (id int PRIMARY KEY, status order_status NOT NULL DEFAULT 'new');
-- diff:reference-down
DROP TABLE orders;
DROP TYPE order_status;
