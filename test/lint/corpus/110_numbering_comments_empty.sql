-- Comments, an empty statement (a lone ";" and ";;"), a block comment with
-- a semicolon and semicolons in literals: the DROP INDEX is statement 4.
-- expect offline: require-concurrent-index-deletion warning 4
-- expect catalog: require-concurrent-index-deletion error 4
-- migrate:up
-- a comment is not a statement
;
SELECT 1;;
/* a block comment; with a semicolon */
CREATE TABLE t110_a (id bigint PRIMARY KEY, note text);
INSERT INTO t110_a VALUES (1, 'a;b'), (2, $q$c;d$q$);
DROP INDEX big_name_idx;
