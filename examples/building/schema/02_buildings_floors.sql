-- Buildings of a project and their floors.

CREATE TABLE buildings (
	building_id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	project_id		bigint NOT NULL REFERENCES projects (project_id) ON DELETE CASCADE,
	name			text NOT NULL,
	address			text,
	construction_year smallint CHECK (construction_year BETWEEN 1000 AND 2100),
	gross_floor_area_m2 numeric(12, 2) CHECK (gross_floor_area_m2 > 0),
	location		geometry(Point, 4326),
	created_at		timestamptz NOT NULL DEFAULT now(),
	UNIQUE (project_id, name)
);
CREATE INDEX buildings_location_gist ON buildings USING gist (location);

CREATE TABLE floors (
	floor_id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	building_id		bigint NOT NULL REFERENCES buildings (building_id) ON DELETE CASCADE,
	level			smallint NOT NULL CHECK (level BETWEEN -10 AND 200),
	name			text NOT NULL,
	elevation_m		numeric(8, 3) NOT NULL DEFAULT 0,
	height_m		numeric(6, 3) CHECK (height_m > 0),
	UNIQUE (building_id, level)
);
