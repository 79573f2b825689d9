-- SQLite only: there settings is rebuilt with key NOT NULL, which a
-- PostgreSQL primary key already implies: nothing to change here. The file
-- keeps the two engines' migration numbers in step.
SELECT 1;
