-- governance: the resolution a term rests on (the election that opened
-- it). A new term ends the current one and all its seats, so it is not
-- started without one; terms recorded before keep an empty resolution.
ALTER TABLE terms ADD COLUMN resolution TEXT NOT NULL DEFAULT '';
