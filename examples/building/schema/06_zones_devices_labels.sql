-- Zones of a floor, the devices installed in rooms and zones, and labels.

CREATE TABLE zones (
	zone_id			bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	floor_id		bigint NOT NULL REFERENCES floors (floor_id) ON DELETE CASCADE,
	name			text NOT NULL,
	kind			text NOT NULL
		CHECK (kind IN ('fire', 'hvac', 'security', 'lighting', 'tenant')),
	geom			geometry(MultiPolygon, 3857) NOT NULL,
	UNIQUE (floor_id, kind, name)
);
CREATE INDEX zones_geom_gist ON zones USING gist (geom);

CREATE TABLE devices (
	device_id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	room_id			bigint REFERENCES rooms (room_id) ON DELETE SET NULL,
	zone_id			bigint REFERENCES zones (zone_id) ON DELETE SET NULL,
	kind			text NOT NULL
		CHECK (kind IN ('hvac', 'lighting', 'access_control', 'fire_alarm',
						'elevator', 'meter', 'other')),
	manufacturer	text,
	model			text,
	serial_number	text,
	installed_on	date,
	warranty_until	date,
	geom			geometry(Point, 3857),
	-- the catalog product this device is an instance of
	catalog_item_id	bigint REFERENCES catalog_items (item_id) ON DELETE SET NULL,
	CONSTRAINT devices_warranty_check
		CHECK (warranty_until IS NULL OR installed_on IS NULL OR warranty_until >= installed_on)
);
CREATE INDEX devices_geom_gist ON devices USING gist (geom);
CREATE INDEX devices_room_kind_idx ON devices (room_id, kind);
CREATE INDEX devices_zone_idx ON devices (zone_id);
CREATE INDEX devices_catalog_item_idx ON devices (catalog_item_id)
	WHERE catalog_item_id IS NOT NULL;
CREATE UNIQUE INDEX devices_serial_key ON devices (manufacturer, serial_number)
	WHERE serial_number IS NOT NULL;

-- free-form tags on any model object (room, wall, device, ...)
CREATE TABLE labels (
	label_id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	project_id		bigint NOT NULL REFERENCES projects (project_id) ON DELETE CASCADE,
	object_type		text NOT NULL
		CHECK (object_type IN ('building', 'floor', 'room', 'wall', 'door',
							   'window', 'device', 'zone')),
	object_id		bigint NOT NULL,
	text			text NOT NULL CHECK (length(text) BETWEEN 1 AND 100),
	color			text NOT NULL DEFAULT '#808080' CHECK (color ~ '^#[0-9a-f]{6}$'),
	created_by		bigint REFERENCES users (user_id) ON DELETE SET NULL,
	created_at		timestamptz NOT NULL DEFAULT now(),
	UNIQUE (object_type, object_id, text)
);
CREATE INDEX labels_project_text_idx ON labels (project_id, lower(text));
