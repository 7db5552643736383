-- A collation and a text search configuration ("other"): manual.
-- expect forward: manual
-- expect backward: manual
-- expect forward manual mentions: my_c
-- expect forward manual mentions: my_english
-- diff:from
-- diff:to
CREATE COLLATION my_c FROM "C";
CREATE TEXT SEARCH CONFIGURATION my_english (COPY = english);
-- diff:reference-up
CREATE COLLATION my_c FROM "C";
CREATE TEXT SEARCH CONFIGURATION my_english (COPY = english);
-- diff:reference-down
DROP COLLATION my_c;
DROP TEXT SEARCH CONFIGURATION my_english;
