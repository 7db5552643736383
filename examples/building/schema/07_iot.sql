-- IoT: gateways in a building, their sensors, and what the sensors measure.

CREATE TABLE gateways (
	gateway_id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	building_id		bigint NOT NULL REFERENCES buildings (building_id) ON DELETE CASCADE,
	serial_number	text NOT NULL UNIQUE,
	name			text NOT NULL,
	ip_address		inet,
	firmware_version text,
	last_seen_at	timestamptz,
	location		geometry(Point, 3857)
);
CREATE INDEX gateways_building_idx ON gateways (building_id);

CREATE TABLE sensors (
	sensor_id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	gateway_id		bigint NOT NULL REFERENCES gateways (gateway_id) ON DELETE CASCADE,
	room_id			bigint REFERENCES rooms (room_id) ON DELETE SET NULL,
	kind			text NOT NULL
		CHECK (kind IN ('temperature', 'humidity', 'co2', 'occupancy', 'light', 'energy')),
	unit			text NOT NULL,
	position		geometry(Point, 3857),
	sampling_interval interval NOT NULL DEFAULT '1 minute'
		CHECK (sampling_interval >= '1 second'),
	installed_at	timestamptz NOT NULL DEFAULT now(),
	decommissioned_at timestamptz,
	CONSTRAINT sensors_lifetime_check
		CHECK (decommissioned_at IS NULL OR decommissioned_at >= installed_at)
);
CREATE INDEX sensors_gateway_idx ON sensors (gateway_id);
CREATE INDEX sensors_room_kind_idx ON sensors (room_id, kind)
	WHERE decommissioned_at IS NULL;
CREATE INDEX sensors_position_gist ON sensors USING gist (position);

CREATE TABLE sensor_readings (
	reading_id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	sensor_id		bigint NOT NULL REFERENCES sensors (sensor_id) ON DELETE CASCADE,
	measured_at		timestamptz NOT NULL,
	received_at		timestamptz NOT NULL DEFAULT now(),
	value			double precision NOT NULL,
	quality			text NOT NULL DEFAULT 'good'
		CHECK (quality IN ('good', 'suspect', 'bad'))
);
-- "latest readings of a sensor" is the hot query
CREATE INDEX sensor_readings_sensor_time_idx
	ON sensor_readings (sensor_id, measured_at DESC);
-- the data-quality dashboard only looks at the few non-good readings
CREATE INDEX sensor_readings_flagged_idx
	ON sensor_readings (measured_at)
	WHERE quality <> 'good';
