-- The product catalog of a project: a tree of categories and the items in
-- them.  Devices (next file) point at the item they are an instance of.

CREATE TABLE categories (
	category_id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	project_id		bigint NOT NULL REFERENCES projects (project_id) ON DELETE CASCADE,
	parent_id		bigint REFERENCES categories (category_id) ON DELETE CASCADE,
	name			text NOT NULL,
	CONSTRAINT categories_not_own_parent CHECK (parent_id <> category_id)
);
-- names are unique among siblings, whatever their case (roots share parent 0)
CREATE UNIQUE INDEX categories_name_key
	ON categories (project_id, coalesce(parent_id, 0), lower(name));
CREATE INDEX categories_parent_idx ON categories (parent_id);

CREATE TABLE catalog_items (
	item_id			bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	category_id		bigint NOT NULL REFERENCES categories (category_id),
	sku				text NOT NULL UNIQUE,
	name			text NOT NULL,
	manufacturer	text,
	unit_price		numeric(12, 2) CHECK (unit_price >= 0),
	currency		char(3) NOT NULL DEFAULT 'EUR' CHECK (currency ~ '^[A-Z]{3}$'),
	specs			jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(specs) = 'object'),
	is_discontinued boolean NOT NULL DEFAULT false
);
CREATE INDEX catalog_items_orderable_idx ON catalog_items (category_id, name)
	WHERE NOT is_discontinued;
