-- The source of funds an income sub-account counts under in the
-- statistics forms' income by source (allocation, funding, donations,
-- dues, services, interest, other); '' takes its parent's, and a default
-- income account's source is fixed in the code. Set once, when the
-- sub-account is added (the chart is append-only).
ALTER TABLE ledger_accounts ADD COLUMN source TEXT NOT NULL DEFAULT '';
