-- Walls of a floor, and the doors and windows set in them.

CREATE TABLE walls (
	wall_id			bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	floor_id		bigint NOT NULL REFERENCES floors (floor_id) ON DELETE CASCADE,
	geom			geometry(LineString, 3857) NOT NULL,
	thickness_mm	integer NOT NULL CHECK (thickness_mm BETWEEN 10 AND 2000),
	height_mm		integer CHECK (height_mm > 0),
	material		text,
	is_load_bearing boolean NOT NULL DEFAULT false,
	is_exterior		boolean NOT NULL DEFAULT false
);
CREATE INDEX walls_geom_gist ON walls USING gist (geom);
CREATE INDEX walls_floor_idx ON walls (floor_id);
-- structural checks only look at load-bearing walls
CREATE INDEX walls_load_bearing_idx ON walls (floor_id) WHERE is_load_bearing;

-- a door joins two rooms (or a room and the outside)
CREATE TABLE doors (
	door_id			bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	wall_id			bigint NOT NULL REFERENCES walls (wall_id) ON DELETE CASCADE,
	from_room_id	bigint REFERENCES rooms (room_id) ON DELETE SET NULL,
	to_room_id		bigint REFERENCES rooms (room_id) ON DELETE SET NULL,
	geom			geometry(Point, 3857) NOT NULL,
	width_mm		integer NOT NULL CHECK (width_mm BETWEEN 400 AND 5000),
	height_mm		integer NOT NULL DEFAULT 2100 CHECK (height_mm BETWEEN 1500 AND 6000),
	fire_rating		text NOT NULL DEFAULT 'none'
		CHECK (fire_rating IN ('none', 'EI30', 'EI60', 'EI90', 'EI120')),
	CONSTRAINT doors_distinct_rooms CHECK (from_room_id IS DISTINCT FROM to_room_id)
);
CREATE INDEX doors_geom_gist ON doors USING gist (geom);
CREATE INDEX doors_wall_idx ON doors (wall_id);
CREATE INDEX doors_rooms_idx ON doors (from_room_id, to_room_id);
CREATE INDEX doors_fire_rated_idx ON doors (wall_id) WHERE fire_rating <> 'none';

CREATE TABLE windows (
	window_id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	wall_id			bigint NOT NULL REFERENCES walls (wall_id) ON DELETE CASCADE,
	room_id			bigint REFERENCES rooms (room_id) ON DELETE SET NULL,
	geom			geometry(LineString, 3857) NOT NULL,
	width_mm		integer NOT NULL CHECK (width_mm > 0),
	height_mm		integer NOT NULL CHECK (height_mm > 0),
	sill_height_mm	integer NOT NULL DEFAULT 900 CHECK (sill_height_mm >= 0),
	u_value			numeric(4, 2) CHECK (u_value > 0),
	is_openable		boolean NOT NULL DEFAULT true
);
CREATE INDEX windows_geom_gist ON windows USING gist (geom);
CREATE INDEX windows_wall_idx ON windows (wall_id);
CREATE INDEX windows_room_idx ON windows (room_id);
