-- migrate:revision r
-- migrate:parents base
-- migrate:message 
-- migrate:up
SELECT $$ -- migrate:down $$;
-- migrate:down
