-- Non-ASCII names, and names of the longest length (63 bytes).
-- expect forward: none
-- expect backward: destructive
-- diff:from
-- diff:to
CREATE TABLE café (naïve text, "Größe" int);
CREATE TABLE a_table_name_that_is_exactly_sixty_three_bytes_long_123456789ab (
	a_column_name_that_is_exactly_sixty_three_bytes_long_123456789ab int);
CREATE INDEX an_index_name_that_is_exactly_sixty_three_bytes_long_123456789a
	ON a_table_name_that_is_exactly_sixty_three_bytes_long_123456789ab (a_column_name_that_is_exactly_sixty_three_bytes_long_123456789ab);
-- diff:reference-up
CREATE TABLE café (naïve text, "Größe" int);
CREATE TABLE a_table_name_that_is_exactly_sixty_three_bytes_long_123456789ab (
	a_column_name_that_is_exactly_sixty_three_bytes_long_123456789ab int);
CREATE INDEX an_index_name_that_is_exactly_sixty_three_bytes_long_123456789a
	ON a_table_name_that_is_exactly_sixty_three_bytes_long_123456789ab (a_column_name_that_is_exactly_sixty_three_bytes_long_123456789ab);
-- diff:reference-down
DROP TABLE café;
DROP TABLE a_table_name_that_is_exactly_sixty_three_bytes_long_123456789ab;
