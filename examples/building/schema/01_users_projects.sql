-- Users and the projects they own.

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
-- e-mail addresses are unique whatever their case
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
