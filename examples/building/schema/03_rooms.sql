-- Rooms: a floor's polygons, with their area computed from the geometry.

CREATE TABLE rooms (
	room_id			bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	floor_id		bigint NOT NULL REFERENCES floors (floor_id) ON DELETE CASCADE,
	number			text NOT NULL,
	name			text,
	usage			text NOT NULL DEFAULT 'other'
		CHECK (usage IN ('office', 'meeting', 'circulation', 'technical',
						 'storage', 'sanitary', 'other')),
	geom			geometry(Polygon, 3857) NOT NULL
		CONSTRAINT rooms_geom_valid CHECK (ST_IsValid(geom) AND NOT ST_IsEmpty(geom)),
	area_m2			numeric(10, 2) GENERATED ALWAYS AS (round(ST_Area(geom)::numeric, 2)) STORED,
	ceiling_height_m numeric(5, 2) CHECK (ceiling_height_m > 0),
	UNIQUE (floor_id, number)
);
CREATE INDEX rooms_geom_gist ON rooms USING gist (geom);
CREATE INDEX rooms_usage_idx ON rooms (floor_id, usage);
