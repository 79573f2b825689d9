-- membership: an application keeps the reference its applicant was given
-- (the provisional number it was filed under), so that the applicant can
-- look its state up after approval has replaced that number with the
-- member number. Open and rejected applications still carry it as their
-- number; approved ones lost it and cannot be looked up.
ALTER TABLE memberships ADD COLUMN app_ref TEXT NOT NULL DEFAULT '';
UPDATE memberships SET app_ref = member_no WHERE status = 'applicant' AND app_stage <> '';
CREATE INDEX memberships_app_ref ON memberships(app_ref);
