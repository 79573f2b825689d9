-- An organisation's own charter rules (JSON of charter.Charter: every body's
-- quorum and thresholds as exact fractions, proxies, frequencies, caps,
-- minimums, limits, term length); empty: its template's.
ALTER TABLE charters ADD COLUMN rules TEXT NOT NULL DEFAULT '';
