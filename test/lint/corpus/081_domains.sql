-- CREATE DOMAIN with a CHECK (advice) and ALTER DOMAIN ... ADD CONSTRAINT (warning).
-- expect offline: ban-create-domain-with-constraint advice 1
-- expect offline: ban-alter-domain-with-add-constraint warning 3
-- expect catalog: ban-create-domain-with-constraint advice 1
-- expect catalog: ban-alter-domain-with-add-constraint warning 3
-- migrate:up
CREATE DOMAIN t081_email AS text CHECK (VALUE LIKE '%@%');
CREATE DOMAIN t081_code AS text;
ALTER DOMAIN t081_code ADD CONSTRAINT t081_code_length CHECK (length(VALUE) = 3);
