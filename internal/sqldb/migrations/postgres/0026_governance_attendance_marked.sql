-- governance: whether a seat's attendance at a meeting was taken. A new
-- meeting's seats start unmarked (stored as absent, excused, which is how
-- the quorum counts a seat nobody marked) until the clerk marks them;
-- attendance recorded before this migration was taken.
ALTER TABLE attendance ADD COLUMN marked BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE attendance SET marked = TRUE;
