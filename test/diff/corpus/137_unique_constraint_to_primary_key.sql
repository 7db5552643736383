-- A table's unique constraint replaced by a primary key on the same
-- column (another index built on a table of "from": blocking both ways).
-- expect forward: blocking
-- expect backward: blocking
-- diff:from
CREATE TABLE keys (k text NOT NULL CONSTRAINT keys_k_key UNIQUE, v text);
-- diff:to
CREATE TABLE keys (k text NOT NULL CONSTRAINT keys_pkey PRIMARY KEY, v text);
-- diff:data
INSERT INTO keys VALUES ('a', '1'), ('b', '2');
-- diff:check
SELECT * FROM keys ORDER BY k;
-- diff:reference-up
ALTER TABLE keys DROP CONSTRAINT keys_k_key;
CREATE UNIQUE INDEX keys_pkey ON keys (k);
ALTER TABLE keys ADD CONSTRAINT keys_pkey PRIMARY KEY USING INDEX keys_pkey;
-- diff:reference-down
ALTER TABLE keys DROP CONSTRAINT keys_pkey;
CREATE UNIQUE INDEX keys_k_key ON keys (k);
ALTER TABLE keys ADD CONSTRAINT keys_k_key UNIQUE USING INDEX keys_k_key;
