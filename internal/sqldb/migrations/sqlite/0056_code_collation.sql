-- Nothing on SQLite: its BINARY collation already compares by code point.
-- The number is kept in step with PostgreSQL's migration 0056, which gives
-- identity hashes and member status and type codes the "C" collation.
SELECT 1;
