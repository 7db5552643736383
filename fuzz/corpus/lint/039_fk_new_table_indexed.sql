CREATE TABLE t039_lines (
  order_no bigint NOT NULL,
  line_no int NOT NULL,
  big_id int NOT NULL,
  qty int NOT NULL,
  PRIMARY KEY (order_no, line_no),
  CONSTRAINT t039_lines_big_fk FOREIGN KEY (big_id) REFERENCES big (id)
);
CREATE INDEX t039_lines_big_idx ON t039_lines (big_id, qty);
CREATE TABLE t039_notes (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  line_no int NOT NULL,
  order_no bigint NOT NULL,
  body text,
  FOREIGN KEY (order_no, line_no) REFERENCES t039_lines (order_no, line_no)
);
CREATE INDEX t039_notes_line_idx ON t039_notes (line_no, order_no, id);
