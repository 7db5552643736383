-- Collaboration: permissions, drawings, comments, assignments, object
-- history, the audit log and the project chat.

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

-- threaded comments, on a drawing (with a pin) or on any model object
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

-- every version of every model object
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

-- an edit of a message's text stamps edited_at
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
