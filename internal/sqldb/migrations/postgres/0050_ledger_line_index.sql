-- The journal's lines are read by entry (an entry's lines, found within
-- its ledger) and by ledger in entry order ("kexie ledger verify"); no
-- query reads them by date. One index serves both, in place of two (by
-- entry; by ledger and date). The entries' index on cause_id goes too: no
-- query reads by it, and no foreign key check needs it (nothing in the
-- journal is ever deleted). An import of a million lines writes a third
-- fewer index rows.
DROP INDEX ledger_lines_date;
DROP INDEX ledger_lines_entry;
CREATE INDEX ledger_lines_entry ON ledger_lines(org_id, entry_id, line_no);
DROP INDEX ledger_entries_cause;
