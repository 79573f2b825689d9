-- Awards: a round's review stages in order — written reviews by experts
-- with the scoring form, and last, optionally, a panel: a meeting of a
-- governance body that votes on each nomination under its charter's rule.
-- A round without stages has one written stage. A nomination records the
-- stage it reached (the secretary advances nominations by rank or by a
-- score), an assignment the written stage it belongs to, and a nomination
-- at the panel its motion and the outcome ('' until the motion closes).
CREATE TABLE award_stages (
	id         INTEGER PRIMARY KEY,
	round_id   INTEGER NOT NULL REFERENCES award_rounds(id),
	seq        INTEGER NOT NULL,
	kind       TEXT NOT NULL CHECK (kind IN ('written', 'panel')),
	name_zh    TEXT NOT NULL,
	name_en    TEXT NOT NULL DEFAULT '',
	meeting_id INTEGER REFERENCES meetings(id),
	UNIQUE (round_id, seq)
);
ALTER TABLE award_rounds ADD COLUMN review_stage INTEGER NOT NULL DEFAULT 1;
ALTER TABLE award_nominations ADD COLUMN reached INTEGER NOT NULL DEFAULT 1;
ALTER TABLE award_nominations ADD COLUMN panel_motion INTEGER REFERENCES motions(id);
ALTER TABLE award_nominations ADD COLUMN panel_outcome TEXT NOT NULL DEFAULT '';
ALTER TABLE award_assignments ADD COLUMN stage INTEGER NOT NULL DEFAULT 1;
