-- Activities: academic exchange, popularisation, training … Each activity
-- has a code (unique), a kind and a category for statistics, a title and
-- a theme in both languages, Beijing calendar days, a place, a mode, and
-- a status. An activity may be an edition of a series. The organisations
-- holding roles in it are listed in order (activity_orgs); org_id is the
-- owning organisation, the first sponsor of the registry, kept in the same
-- transaction as every change of the roles.
CREATE TABLE activity_series (
	id         INTEGER PRIMARY KEY,
	code       TEXT NOT NULL UNIQUE,
	org_id     INTEGER NOT NULL REFERENCES orgs(id),
	name_zh    TEXT NOT NULL DEFAULT '',
	name_en    TEXT NOT NULL DEFAULT '',
	created_at TIMESTAMP NOT NULL
);
CREATE INDEX activity_series_org ON activity_series(org_id);

CREATE TABLE activities (
	id          INTEGER PRIMARY KEY,
	code        TEXT NOT NULL UNIQUE,
	org_id      INTEGER NOT NULL REFERENCES orgs(id),
	kind        TEXT NOT NULL CHECK (kind = 'academic_conference' OR kind = 'annual_meeting' OR kind = 'forum' OR kind = 'seminar'
		OR kind = 'lecture' OR kind = 'training' OR kind = 'science_fair' OR kind = 'science_day' OR kind = 'science_month'
		OR kind = 'competition' OR kind = 'exhibition' OR kind = 'think_tank_report' OR kind = 'cooperation_agreement' OR kind = 'other'),
	category    TEXT NOT NULL CHECK (category = 'academic' OR category = 'popularisation' OR category = 'training'
		OR category = 'service' OR category = 'international'),
	title_zh    TEXT NOT NULL DEFAULT '',
	title_en    TEXT NOT NULL DEFAULT '',
	theme_zh    TEXT NOT NULL DEFAULT '',
	theme_en    TEXT NOT NULL DEFAULT '',
	starts      TEXT NOT NULL,
	ends        TEXT NOT NULL,
	venue       TEXT NOT NULL DEFAULT '',
	city        TEXT NOT NULL DEFAULT '',
	region_code TEXT NOT NULL DEFAULT '',
	mode        TEXT NOT NULL CHECK (mode = 'in_person' OR mode = 'online' OR mode = 'hybrid'),
	public      BOOLEAN NOT NULL DEFAULT FALSE,
	status      TEXT NOT NULL CHECK (status = 'draft' OR status = 'published' OR status = 'registration_open'
		OR status = 'closed' OR status = 'held' OR status = 'cancelled'),
	series_id   INTEGER REFERENCES activity_series(id),
	edition     INTEGER CHECK (edition > 0),
	created_at  TIMESTAMP NOT NULL,
	updated_at  TIMESTAMP NOT NULL
);
CREATE INDEX activities_org ON activities(org_id, starts);
CREATE INDEX activities_starts ON activities(starts);
CREATE UNIQUE INDEX activities_edition ON activities(series_id, edition) WHERE series_id IS NOT NULL;

CREATE TABLE activity_orgs (
	activity_id INTEGER NOT NULL REFERENCES activities(id),
	position    INTEGER NOT NULL,
	role        TEXT NOT NULL CHECK (role = 'sponsor' OR role = 'co_sponsor' OR role = 'organiser' OR role = 'co_organiser'
		OR role = 'undertaker' OR role = 'supporter' OR role = 'guiding_unit' OR role = 'exclusive_co_sponsor'),
	org_id      INTEGER REFERENCES orgs(id),
	name        TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (activity_id, position)
);
CREATE INDEX activity_orgs_org ON activity_orgs(org_id, activity_id) WHERE org_id IS NOT NULL;
