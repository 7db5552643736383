ALTER TABLE small ADD CONSTRAINT t032_small_big_fk FOREIGN KEY (big_id) REFERENCES big (id);
