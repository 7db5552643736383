-- public.big and public.small are big and small.
-- expect offline: adding-required-field error 1
-- expect offline: require-concurrent-index-creation warning 2
-- expect catalog: adding-required-field error 1
-- expect catalog: require-concurrent-index-creation warning 2
-- migrate:up
ALTER TABLE public.big ADD COLUMN t114_score int NOT NULL;
CREATE INDEX t114_small_note_idx ON public.small (note);
