-- Two new tables that reference each other: no order of CREATE TABLE
-- with inline references works; the constraints come after the tables.
-- expect forward: none
-- expect backward: destructive
-- diff:from
-- diff:to
CREATE TABLE departments (id int PRIMARY KEY, head_id int);
CREATE TABLE employees (id int PRIMARY KEY, department_id int REFERENCES departments (id));
ALTER TABLE departments ADD CONSTRAINT departments_head_fk FOREIGN KEY (head_id) REFERENCES employees (id);
-- diff:reference-up
CREATE TABLE departments (id int PRIMARY KEY, head_id int);
CREATE TABLE employees (id int PRIMARY KEY, department_id int REFERENCES departments (id));
ALTER TABLE departments ADD CONSTRAINT departments_head_fk FOREIGN KEY (head_id) REFERENCES employees (id);
-- diff:reference-down
ALTER TABLE departments DROP CONSTRAINT departments_head_fk;
DROP TABLE employees;
DROP TABLE departments;
