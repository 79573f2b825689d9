-- Nothing on SQLite: a server reads the audit head's sequence number on
-- each request instead (one row; every process's commits are seen at
-- once). The number is kept in step with PostgreSQL's migration 0054.
SELECT 1;
