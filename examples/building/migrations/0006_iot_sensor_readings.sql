-- migrate:revision iot_0002
-- migrate:parents iot_0001
-- migrate:message IoT: sensor readings
-- migrate:up
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

-- migrate:down
DROP TABLE sensor_readings;

