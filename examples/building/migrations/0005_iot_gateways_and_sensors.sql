-- migrate:revision iot_0001
-- migrate:parents 0003
-- migrate:message IoT: gateways and sensors
-- migrate:branch-labels iot
-- migrate:up
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

-- migrate:down
DROP TABLE sensors;
DROP TABLE gateways;

