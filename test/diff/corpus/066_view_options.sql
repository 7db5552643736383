-- A view's options: security_barrier and a check option.
-- expect forward: none
-- expect backward: none
-- diff:from
CREATE TABLE docs (id int, public boolean);
CREATE VIEW public_docs AS SELECT id, public FROM docs WHERE public;
-- diff:to
CREATE TABLE docs (id int, public boolean);
CREATE VIEW public_docs WITH (security_barrier = true, check_option = local) AS SELECT id, public FROM docs WHERE public;
-- diff:reference-up
ALTER VIEW public_docs SET (security_barrier = true, check_option = local);
-- diff:reference-down
ALTER VIEW public_docs RESET (security_barrier, check_option);
