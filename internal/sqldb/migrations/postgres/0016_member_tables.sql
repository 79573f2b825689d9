-- SQLite only: there people and memberships were rebuilt for bulk loads
-- (the member number key as a named unique index a first load can build at
-- the end; CHECKs on word lists as comparisons, which SQLite codes without
-- a temporary B-tree per row). PostgreSQL puts off the UNIQUE constraint
-- itself during such a load (bulk.go, deferConstraints) and checks a list
-- with no such cost: nothing to change here. The file keeps the two
-- engines' migration numbers in step.
SELECT 1;
