CREATE INDEX t001_big_email_idx ON big (email);
