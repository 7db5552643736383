/*
 * examples/building/register.sql
 *
 * A realistic migration set for a building-information platform: users and
 * projects, buildings and floors, rooms, walls, doors and windows with
 * PostGIS geometry, devices/labels/zones, an IoT service developed on a side
 * branch (label "iot") and merged back, and finally the collaboration
 * features (drawings, comments, assignments, permissions, audit, chat,
 * product catalog).
 *
 * The graph (project "default"):
 *
 *     0001 -> 0002 -> 0003 -> 0004 -> 0005 ----> 0006 (merge) -> 0007
 *                        \                      /
 *                         iot_0001 -> iot_0002 -        (branch label "iot")
 *
 * Load it with psql into a database where pg_migrate is installed:
 *
 *     CREATE EXTENSION pg_migrate;
 *     \i examples/building/register.sql
 *     SELECT * FROM migrate.upgrade('heads');
 *
 * Registering is idempotent, so this file can be loaded on every deploy.
 *
 * Conventions used by every script below:
 *  - tables live in the caller's default schema (normally "public", which
 *    is also where PostGIS puts its types);
 *  - geometry is stored in Web Mercator (SRID 3857), as plan-view metres;
 *  - every down script undoes exactly what its up script did, dropping in
 *    reverse dependency order, so that upgrade -> downgrade -> upgrade
 *    yields the same schema.
 */

\set ON_ERROR_STOP on

BEGIN;

-- 0001 -----------------------------------------------------------------------
SELECT migrate.revision(
	id => '0001',
	parents => '{}',
	message => 'Users and projects (enables PostGIS)',
	up => $up$
CREATE EXTENSION IF NOT EXISTS postgis;

CREATE TABLE users (
	user_id			bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	email			text NOT NULL
		CONSTRAINT users_email_format CHECK (email ~ '^[^@[:space:]]+@[^@[:space:]]+$'),
	display_name	text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
	role			text NOT NULL DEFAULT 'member'
		CHECK (role IN ('admin', 'manager', 'member', 'viewer')),
	is_active		boolean NOT NULL DEFAULT true,
	created_at		timestamptz NOT NULL DEFAULT now(),
	last_login_at	timestamptz
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));

CREATE TABLE projects (
	project_id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	code			text NOT NULL UNIQUE CHECK (code ~ '^[A-Z0-9-]{2,20}$'),
	name			text NOT NULL,
	description		text,
	owner_id		bigint NOT NULL REFERENCES users (user_id),
	status			text NOT NULL DEFAULT 'active'
		CHECK (status IN ('planning', 'active', 'on_hold', 'completed', 'archived')),
	start_date		date,
	end_date		date,
	created_at		timestamptz NOT NULL DEFAULT now(),
	CONSTRAINT projects_dates_check
		CHECK (end_date IS NULL OR start_date IS NULL OR end_date >= start_date)
);
CREATE INDEX projects_owner_idx ON projects (owner_id);
-- the project picker only ever lists live projects
CREATE INDEX projects_live_name_idx ON projects (name)
	WHERE status IN ('planning', 'active', 'on_hold');
$up$,
	/*
	 * Deliberately NOT "DROP EXTENSION postgis": the up script uses
	 * CREATE EXTENSION IF NOT EXISTS, so the extension may well have been
	 * there before this revision (installed by the DBA, or used by another
	 * schema or pg_migrate project in the same database).  Dropping it
	 * would destroy objects this migration set does not own, and a
	 * database-wide extension is the DBA's business.  Leaving it installed
	 * is harmless: re-applying 0001 is a no-op for the extension.
	 */
	down => $down$
DROP TABLE projects;
DROP TABLE users;
$down$);

-- 0002 -----------------------------------------------------------------------
SELECT migrate.revision(
	id => '0002',
	parents => ARRAY['0001'],
	message => 'Buildings and floors',
	up => $up$
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
$up$,
	down => $down$
DROP TABLE floors;
DROP TABLE buildings;
$down$);

-- 0003 -----------------------------------------------------------------------
SELECT migrate.revision(
	id => '0003',
	parents => ARRAY['0002'],
	message => 'Rooms with polygon geometry',
	up => $up$
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
$up$,
	down => $down$
DROP TABLE rooms;
$down$);

-- 0004 -----------------------------------------------------------------------
SELECT migrate.revision(
	id => '0004',
	parents => ARRAY['0003'],
	message => 'Walls, doors and windows',
	up => $up$
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
$up$,
	down => $down$
DROP TABLE windows;
DROP TABLE doors;
DROP TABLE walls;
$down$);

-- iot_0001 (side branch "iot", forked from 0003) -----------------------------
SELECT migrate.revision(
	id => 'iot_0001',
	parents => ARRAY['0003'],
	branch_labels => ARRAY['iot'],
	message => 'IoT: gateways and sensors',
	up => $up$
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
$up$,
	down => $down$
DROP TABLE sensors;
DROP TABLE gateways;
$down$);

-- iot_0002 -------------------------------------------------------------------
SELECT migrate.revision(
	id => 'iot_0002',
	parents => ARRAY['iot_0001'],
	message => 'IoT: sensor readings',
	up => $up$
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
$up$,
	down => $down$
DROP TABLE sensor_readings;
$down$);

-- 0005 -----------------------------------------------------------------------
SELECT migrate.revision(
	id => '0005',
	parents => ARRAY['0004'],
	message => 'Devices, labels and zones',
	up => $up$
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
	CONSTRAINT devices_warranty_check
		CHECK (warranty_until IS NULL OR installed_on IS NULL OR warranty_until >= installed_on)
);
CREATE INDEX devices_geom_gist ON devices USING gist (geom);
CREATE INDEX devices_room_kind_idx ON devices (room_id, kind);
CREATE INDEX devices_zone_idx ON devices (zone_id);
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
$up$,
	down => $down$
DROP TABLE labels;
DROP TABLE devices;
DROP TABLE zones;
$down$);

-- 0006: merge the IoT branch back into the main line -------------------------
SELECT migrate.revision(
	id => '0006',
	parents => ARRAY['0005', 'iot_0002'],
	message => 'Merge the IoT branch',
	up => '',
	down => '');

-- 0007 -----------------------------------------------------------------------
SELECT migrate.revision(
	id => '0007',
	parents => ARRAY['0006'],
	message => 'Collaboration: drawings, comments, assignments, permissions, audit, chat, catalog',
	up => $up$
CREATE TABLE categories (
	category_id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	project_id		bigint NOT NULL REFERENCES projects (project_id) ON DELETE CASCADE,
	parent_id		bigint REFERENCES categories (category_id) ON DELETE CASCADE,
	name			text NOT NULL,
	CONSTRAINT categories_not_own_parent CHECK (parent_id <> category_id)
);
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

-- devices can now point at the product they are an instance of
ALTER TABLE devices
	ADD COLUMN catalog_item_id bigint REFERENCES catalog_items (item_id) ON DELETE SET NULL;
CREATE INDEX devices_catalog_item_idx ON devices (catalog_item_id)
	WHERE catalog_item_id IS NOT NULL;

CREATE TABLE user_category_permissions (
	user_id			bigint NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
	category_id		bigint NOT NULL REFERENCES categories (category_id) ON DELETE CASCADE,
	permission		text NOT NULL CHECK (permission IN ('read', 'write', 'admin')),
	granted_by		bigint REFERENCES users (user_id) ON DELETE SET NULL,
	granted_at		timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (user_id, category_id)
);
CREATE INDEX user_category_permissions_category_idx
	ON user_category_permissions (category_id, permission);

CREATE TABLE drawings (
	drawing_id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	project_id		bigint NOT NULL REFERENCES projects (project_id) ON DELETE CASCADE,
	floor_id		bigint REFERENCES floors (floor_id) ON DELETE SET NULL,
	category_id		bigint REFERENCES categories (category_id) ON DELETE SET NULL,
	number			text NOT NULL,
	revision_code	text NOT NULL DEFAULT 'A',
	title			text NOT NULL,
	status			text NOT NULL DEFAULT 'draft'
		CHECK (status IN ('draft', 'review', 'approved', 'superseded')),
	file_uri		text NOT NULL,
	extent			geometry(Polygon, 3857),
	uploaded_by		bigint NOT NULL REFERENCES users (user_id),
	uploaded_at		timestamptz NOT NULL DEFAULT now(),
	UNIQUE (project_id, number, revision_code)
);
CREATE INDEX drawings_extent_gist ON drawings USING gist (extent);
-- at most one approved revision of a drawing number
CREATE UNIQUE INDEX drawings_one_approved_key ON drawings (project_id, number)
	WHERE status = 'approved';
CREATE INDEX drawings_floor_idx ON drawings (floor_id);

CREATE TABLE comments (
	comment_id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	project_id		bigint NOT NULL REFERENCES projects (project_id) ON DELETE CASCADE,
	drawing_id		bigint REFERENCES drawings (drawing_id) ON DELETE CASCADE,
	parent_comment_id bigint REFERENCES comments (comment_id) ON DELETE CASCADE,
	object_type		text,
	object_id		bigint,
	author_id		bigint NOT NULL REFERENCES users (user_id),
	body			text NOT NULL CHECK (length(body) > 0),
	pin				geometry(Point, 3857),
	created_at		timestamptz NOT NULL DEFAULT now(),
	resolved_at		timestamptz,
	resolved_by		bigint REFERENCES users (user_id),
	CONSTRAINT comments_object_check CHECK ((object_type IS NULL) = (object_id IS NULL)),
	CONSTRAINT comments_resolution_check CHECK ((resolved_at IS NULL) = (resolved_by IS NULL))
);
CREATE INDEX comments_open_idx ON comments (project_id, created_at DESC)
	WHERE resolved_at IS NULL;
CREATE INDEX comments_drawing_idx ON comments (drawing_id);
CREATE INDEX comments_object_idx ON comments (object_type, object_id);
CREATE INDEX comments_pin_gist ON comments USING gist (pin);

CREATE TABLE assignments (
	assignment_id	bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	project_id		bigint NOT NULL REFERENCES projects (project_id) ON DELETE CASCADE,
	comment_id		bigint REFERENCES comments (comment_id) ON DELETE SET NULL,
	object_type		text NOT NULL,
	object_id		bigint NOT NULL,
	title			text NOT NULL,
	assignee_id		bigint NOT NULL REFERENCES users (user_id),
	assigned_by		bigint NOT NULL REFERENCES users (user_id),
	status			text NOT NULL DEFAULT 'open'
		CHECK (status IN ('open', 'in_progress', 'blocked', 'done', 'cancelled')),
	priority		smallint NOT NULL DEFAULT 3 CHECK (priority BETWEEN 1 AND 5),
	due_date		date,
	created_at		timestamptz NOT NULL DEFAULT now(),
	completed_at	timestamptz,
	CONSTRAINT assignments_completion_check
		CHECK ((status = 'done') = (completed_at IS NOT NULL))
);
-- "my open work, soonest first"
CREATE INDEX assignments_assignee_open_idx ON assignments (assignee_id, due_date, priority)
	WHERE status IN ('open', 'in_progress', 'blocked');
CREATE INDEX assignments_object_idx ON assignments (object_type, object_id);
CREATE INDEX assignments_project_status_idx ON assignments (project_id, status);

CREATE TABLE object_history (
	history_id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	project_id		bigint NOT NULL REFERENCES projects (project_id) ON DELETE CASCADE,
	object_type		text NOT NULL,
	object_id		bigint NOT NULL,
	version			integer NOT NULL CHECK (version > 0),
	operation		text NOT NULL CHECK (operation IN ('create', 'update', 'delete')),
	changed_by		bigint REFERENCES users (user_id) ON DELETE SET NULL,
	changed_at		timestamptz NOT NULL DEFAULT now(),
	changes			jsonb NOT NULL DEFAULT '{}',
	geom			geometry(Geometry, 3857),
	UNIQUE (object_type, object_id, version)
);
CREATE INDEX object_history_project_time_idx ON object_history (project_id, changed_at DESC);
CREATE INDEX object_history_geom_gist ON object_history USING gist (geom);

CREATE TABLE audit_logs (
	log_id			bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	occurred_at		timestamptz NOT NULL DEFAULT now(),
	user_id			bigint REFERENCES users (user_id) ON DELETE SET NULL,
	project_id		bigint REFERENCES projects (project_id) ON DELETE SET NULL,
	action			text NOT NULL,
	table_name		text NOT NULL,
	row_pk			text,
	old_data		jsonb,
	new_data		jsonb,
	client_addr		inet,
	CONSTRAINT audit_logs_data_check CHECK (old_data IS NOT NULL OR new_data IS NOT NULL)
);
-- append-only and time-ordered: BRIN is tiny and good enough for range scans
CREATE INDEX audit_logs_occurred_brin ON audit_logs USING brin (occurred_at);
CREATE INDEX audit_logs_user_time_idx ON audit_logs (user_id, occurred_at DESC)
	WHERE user_id IS NOT NULL;
CREATE INDEX audit_logs_table_row_idx ON audit_logs (table_name, row_pk);

CREATE TABLE chat_messages (
	message_id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	project_id		bigint NOT NULL REFERENCES projects (project_id) ON DELETE CASCADE,
	sender_id		bigint NOT NULL REFERENCES users (user_id),
	reply_to_id		bigint REFERENCES chat_messages (message_id) ON DELETE SET NULL,
	body			text NOT NULL CHECK (length(body) BETWEEN 1 AND 10000),
	attachments		jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(attachments) = 'array'),
	sent_at			timestamptz NOT NULL DEFAULT now(),
	edited_at		timestamptz,
	deleted_at		timestamptz
);
CREATE INDEX chat_messages_project_time_idx ON chat_messages (project_id, sent_at DESC)
	WHERE deleted_at IS NULL;
CREATE INDEX chat_messages_sender_idx ON chat_messages (sender_id);

CREATE FUNCTION chat_messages_touch_edited_at() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
	NEW.edited_at := now();
	RETURN NEW;
END;
$fn$;

CREATE TRIGGER chat_messages_edited
	BEFORE UPDATE OF body ON chat_messages
	FOR EACH ROW
	WHEN (OLD.body IS DISTINCT FROM NEW.body)
	EXECUTE FUNCTION chat_messages_touch_edited_at();
$up$,
	down => $down$
DROP TRIGGER chat_messages_edited ON chat_messages;
DROP FUNCTION chat_messages_touch_edited_at();
DROP TABLE chat_messages;
DROP TABLE audit_logs;
DROP TABLE object_history;
DROP TABLE assignments;
DROP TABLE comments;
DROP TABLE drawings;
DROP TABLE user_category_permissions;
DROP INDEX devices_catalog_item_idx;
ALTER TABLE devices DROP COLUMN catalog_item_id;
DROP TABLE catalog_items;
DROP TABLE categories;
$down$);

COMMIT;
