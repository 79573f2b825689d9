package activities

import (
	"context"
	"database/sql"
	"errors"
	"strconv"

	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/sqldb"
)

// Contribution is a talk or paper of a session: its title, its speakers,
// and whether a paper goes with it.
type Contribution struct {
	Title    string `json:"title"`
	Speakers string `json:"speakers"`
	Paper    bool   `json:"paper"`
}

// AddContribution adds a contribution to session id of activity code, after
// its others.
func (svc *Service) AddContribution(ctx context.Context, actor kexie.Actor, code string, session int64, c Contribution) (int64, error) {
	var err error
	if c.Title, err = plain(c.Title, 300); err != nil {
		return 0, err
	}
	if c.Speakers, err = plain(c.Speakers, 300); err != nil {
		return 0, err
	}
	if c.Title == "" {
		return 0, kexie.Errorf(kexie.CodeInvalid, "err.contribution_title", "a contribution has a title")
	}
	var id int64
	err = svc.inManaged(ctx, actor, code, func(tx *sqldb.Tx, a activityRow) error {
		if _, err := sessionRow(ctx, tx, a.id, session); err != nil {
			return err
		}
		id, err = addContribution(ctx, tx, a, code, session, c)
		return err
	})
	return id, err
}

// addContribution writes a checked contribution of a session of a in tx.
func addContribution(ctx context.Context, tx *sqldb.Tx, a activityRow, code string, session int64, c Contribution) (int64, error) {
	var id int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO activity_contributions (session_id, position, title, speakers, paper, created_at)
		VALUES ($1, (SELECT COALESCE(MAX(position), 0) + 1 FROM activity_contributions WHERE session_id = $1), $2, $3, $4, $5) RETURNING id`,
		session, c.Title, c.Speakers, c.Paper, tx.Now()).Scan(&id); err != nil {
		return 0, err
	}
	if err := addPeople(ctx, tx, a, code, "speaker", 0, id, c.Speakers); err != nil {
		return 0, err
	}
	return id, tx.Audit(ctx, sqldb.Change{Action: "activity.contribution", ObjectType: "activity", ObjectID: code, OrgID: a.orgID,
		After: map[string]any{"session": session, "title": c.Title, "speakers": c.Speakers, "paper": c.Paper}})
}

// Reach is an anonymous count of people an activity reached (a mass
// popularisation event: "more than a million people reached"), with how
// it was counted.
type Reach struct {
	People int64  `json:"people"`
	Method string `json:"method"`
}

// AddReach records an anonymous count for activity code.
func (svc *Service) AddReach(ctx context.Context, actor kexie.Actor, code string, r Reach) (int64, error) {
	var err error
	if r.Method, err = plain(r.Method, 200); err != nil {
		return 0, err
	}
	if r.People <= 0 || r.People > 10_000_000_000 {
		return 0, kexie.Errorf(kexie.CodeInvalid, "err.reach_people", "a count of people reached is a whole number from 1")
	}
	if r.Method == "" {
		return 0, kexie.Errorf(kexie.CodeInvalid, "err.reach_method", "say how the people were counted")
	}
	var id int64
	err = svc.inManaged(ctx, actor, code, func(tx *sqldb.Tx, a activityRow) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO activity_headcounts (activity_id, people, method, created_at) VALUES ($1, $2, $3, $4) RETURNING id`,
			a.id, r.People, r.Method, tx.Now()).Scan(&id); err != nil {
			return err
		}
		return tx.Audit(ctx, sqldb.Change{Action: "activity.reach", ObjectType: "activity", ObjectID: code, OrgID: a.orgID,
			After: map[string]any{"people": r.People, "method": r.Method}})
	})
	return id, err
}

// Exhibitor is a booth at a fair: an organisation of the registry (by
// code) or an outside body (by name), and its theme.
type Exhibitor struct {
	Booth   string `json:"booth"`
	OrgCode string `json:"org_code"`
	Name    string `json:"name"`
	Theme   string `json:"theme"`
}

// holder finds a registry organisation by code in tx, or checks an outside
// body's name: exactly one of them.
func holder(ctx context.Context, tx *sqldb.Tx, orgCode, name string) (any, error) {
	if (orgCode == "") == (name == "") {
		return nil, kexie.Errorf(kexie.CodeInvalid, "err.activity_role_holder", "each role is held by an organisation of the registry (its code) or an outside body (its name)")
	}
	if orgCode == "" {
		return nil, nil
	}
	var id int64
	err := tx.QueryRowContext(ctx, `SELECT id FROM orgs WHERE code = $1`, orgCode).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, kexie.Errorf(kexie.CodeInvalid, "err.activity_role_org", "no organisation with code %q", kexie.Excerpt(orgCode))
	}
	return id, err
}

// AddExhibitor adds an exhibitor at a booth of activity code; a booth
// holds one exhibitor.
func (svc *Service) AddExhibitor(ctx context.Context, actor kexie.Actor, code string, x Exhibitor) (int64, error) {
	var err error
	for _, f := range []*string{&x.Booth, &x.OrgCode, &x.Name, &x.Theme} {
		if *f, err = plain(*f, 200); err != nil {
			return 0, err
		}
	}
	if x.Booth == "" {
		return 0, kexie.Errorf(kexie.CodeInvalid, "err.exhibitor_booth", "an exhibitor has a booth number")
	}
	var id int64
	err = svc.inManaged(ctx, actor, code, func(tx *sqldb.Tx, a activityRow) error {
		org, err := holder(ctx, tx, x.OrgCode, x.Name)
		if err != nil {
			return err
		}
		err = tx.QueryRowContext(ctx, `INSERT INTO activity_exhibitors (activity_id, booth, org_id, name, theme, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
			a.id, x.Booth, org, x.Name, x.Theme, tx.Now()).Scan(&id)
		if kexie.ErrorCode(sqldb.MapErr(err)) == kexie.CodeConflict {
			return kexie.Errorf(kexie.CodeConflict, "err.exhibitor_booth_taken", "booth %v has an exhibitor already", x.Booth)
		}
		if err != nil {
			return err
		}
		return tx.Audit(ctx, sqldb.Change{Action: "activity.exhibitor", ObjectType: "activity", ObjectID: code, OrgID: a.orgID,
			After: map[string]any{"booth": x.Booth, "org_code": x.OrgCode, "name": x.Name, "theme": x.Theme}})
	})
	return id, err
}

// Team is a competition's team: its members and advisers, its category,
// its school or organisation (of the registry by code, or by name), and
// once judged its result and prize grade.
type Team struct {
	Name       string `json:"name"`
	Category   string `json:"category"`
	OrgCode    string `json:"org_code"`
	School     string `json:"school"`
	Members    string `json:"members"`
	Advisers   string `json:"advisers"`
	Result     string `json:"result"`
	PrizeGrade string `json:"prize_grade"`
}

// AddTeam adds a team to competition code; team names are unique in it.
func (svc *Service) AddTeam(ctx context.Context, actor kexie.Actor, code string, tm Team) (int64, error) {
	var err error
	for _, f := range []*string{&tm.Name, &tm.Category, &tm.OrgCode, &tm.School, &tm.Members, &tm.Advisers, &tm.Result, &tm.PrizeGrade} {
		if *f, err = plain(*f, 500); err != nil {
			return 0, err
		}
	}
	if tm.Name == "" {
		return 0, kexie.Errorf(kexie.CodeInvalid, "err.team_name", "a team has a name")
	}
	var id int64
	err = svc.inManaged(ctx, actor, code, func(tx *sqldb.Tx, a activityRow) error {
		var org any
		if tm.OrgCode != "" {
			if org, err = holder(ctx, tx, tm.OrgCode, ""); err != nil {
				return err
			}
		}
		err = tx.QueryRowContext(ctx, `INSERT INTO activity_teams (activity_id, name, category, org_id, school, members, advisers, result, prize_grade, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
			a.id, tm.Name, tm.Category, org, tm.School, tm.Members, tm.Advisers, tm.Result, tm.PrizeGrade, tx.Now()).Scan(&id)
		if kexie.ErrorCode(sqldb.MapErr(err)) == kexie.CodeConflict {
			return kexie.Errorf(kexie.CodeConflict, "err.team_exists", "a team %q takes part already", tm.Name)
		}
		if err != nil {
			return err
		}
		return tx.Audit(ctx, sqldb.Change{Action: "activity.team", ObjectType: "activity", ObjectID: code, OrgID: a.orgID,
			After: map[string]any{"name": tm.Name, "category": tm.Category, "school": tm.School + tm.OrgCode, "prize_grade": tm.PrizeGrade}})
	})
	return id, err
}

// Figures are what the statistics count of a set of activities.
type Figures struct {
	Activities            int   `json:"activities"`
	Sessions              int   `json:"sessions"`
	InternationalSessions int   `json:"international_sessions"`
	Attendance            int   `json:"attendance"`
	AnonymousAttendance   int64 `json:"anonymous_attendance"`
	Papers                int   `json:"papers"`
	Exhibitors            int   `json:"exhibitors"`
	Teams                 int   `json:"teams"`
}

func (f *Figures) add(g Figures) {
	f.Activities += g.Activities
	f.Sessions += g.Sessions
	f.InternationalSessions += g.InternationalSessions
	f.Attendance += g.Attendance
	f.AnonymousAttendance += g.AnonymousAttendance
	f.Papers += g.Papers
	f.Exhibitors += g.Exhibitors
	f.Teams += g.Teams
}

// Stats are an organisation's activity figures for a year: in all, by
// category and by kind (every category and kind present, with zeros).
type Stats struct {
	Org        string             `json:"org"`
	Year       int                `json:"year"`
	Total      Figures            `json:"total"`
	ByCategory map[string]Figures `json:"by_category"`
	ByKind     map[string]Figures `json:"by_kind"`
}

// Stats counts the activities held in year by the organisations of
// orgCode's subtree, for an actor holding activities.read there (else the
// organisation is not found). An activity counts when its status is held,
// its first day (Beijing) falls in the year, and its owner or any
// organisation of the registry holding a role in it is in the subtree —
// once, however many of them do. Per activity: its sessions and those
// flagged international; attendance, the people checked in at it (on any
// list; one per person: a member once by membership, anyone else once by
// registration); the anonymous counts recorded, apart; its contributions
// with a paper; its exhibitors; its teams.
func (svc *Service) Stats(ctx context.Context, actor kexie.Actor, orgCode string, year int) (Stats, error) {
	out := Stats{Org: orgCode, Year: year, ByCategory: map[string]Figures{}, ByKind: map[string]Figures{}}
	for _, c := range Categories {
		out.ByCategory[c] = Figures{}
	}
	for _, k := range Kinds {
		out.ByKind[k] = Figures{}
	}
	if year < 1900 || year > 9999 {
		return out, kexie.Errorf(kexie.CodeInvalid, "err.activity_year", "%q is not a year", strconv.Itoa(year))
	}
	o, err := svc.reg.Org(ctx, actor, kexie.PermActivitiesRead, orgCode)
	if err != nil {
		return out, err
	}
	out.Org = o.Code
	db := svc.db.Reader()
	held := `SELECT a.id FROM activities a WHERE a.status = 'held' AND a.starts >= $2 AND a.starts < $3
		AND (a.org_id IN (SELECT descendant_id FROM org_closure WHERE ancestor_id = $1)
			OR EXISTS (SELECT 1 FROM activity_orgs r WHERE r.activity_id = a.id AND r.org_id IN (SELECT descendant_id FROM org_closure WHERE ancestor_id = $1)))`
	args := []any{o.ID, strconv.Itoa(year) + "-01-01", strconv.Itoa(year+1) + "-01-01"}
	type one struct {
		category, kind string
		f              Figures
	}
	per := map[int64]*one{}
	rows, err := db.QueryContext(ctx, `SELECT id, category, kind FROM activities WHERE id IN (`+held+`)`, args...)
	if err != nil {
		return out, sqldb.MapErr(err)
	}
	for rows.Next() {
		var id int64
		x := &one{f: Figures{Activities: 1}}
		if err := rows.Scan(&id, &x.category, &x.kind); err != nil {
			rows.Close()
			return out, sqldb.MapErr(err)
		}
		per[id] = x
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return out, sqldb.MapErr(err)
	}
	// Each query gives, per activity, the figures it counts.
	queries := []struct {
		q    string
		into func(f *Figures, a, b int64)
	}{
		{`SELECT activity_id, COUNT(*), COALESCE(SUM(CASE WHEN international THEN 1 ELSE 0 END), 0) FROM activity_sessions
			WHERE activity_id IN (` + held + `) GROUP BY activity_id`, func(f *Figures, a, b int64) { f.Sessions, f.InternationalSessions = int(a), int(b) }},
		{`SELECT activity_id, COUNT(*), 0 FROM (SELECT DISTINCT l.activity_id, CASE WHEN r.membership_id IS NULL THEN -r.id ELSE r.membership_id END AS person
			FROM activity_checkins c JOIN activity_checkin_lists l ON l.id = c.list_id JOIN activity_registrations r ON r.id = c.registration_id
			WHERE c.result = 'checked_in' AND l.activity_id IN (` + held + `)) p GROUP BY activity_id`, func(f *Figures, a, _ int64) { f.Attendance = int(a) }},
		{`SELECT activity_id, COALESCE(SUM(people), 0), 0 FROM activity_headcounts WHERE activity_id IN (` + held + `) GROUP BY activity_id`,
			func(f *Figures, a, _ int64) { f.AnonymousAttendance = a }},
		{`SELECT s.activity_id, COUNT(*), 0 FROM activity_contributions c JOIN activity_sessions s ON s.id = c.session_id
			WHERE c.paper AND s.activity_id IN (` + held + `) GROUP BY s.activity_id`, func(f *Figures, a, _ int64) { f.Papers = int(a) }},
		{`SELECT activity_id, COUNT(*), 0 FROM activity_exhibitors WHERE activity_id IN (` + held + `) GROUP BY activity_id`,
			func(f *Figures, a, _ int64) { f.Exhibitors = int(a) }},
		{`SELECT activity_id, COUNT(*), 0 FROM activity_teams WHERE activity_id IN (` + held + `) GROUP BY activity_id`,
			func(f *Figures, a, _ int64) { f.Teams = int(a) }},
	}
	for _, q := range queries {
		rows, err := db.QueryContext(ctx, q.q, args...)
		if err != nil {
			return out, sqldb.MapErr(err)
		}
		for rows.Next() {
			var id, a, b int64
			if err := rows.Scan(&id, &a, &b); err != nil {
				rows.Close()
				return out, sqldb.MapErr(err)
			}
			if x := per[id]; x != nil {
				q.into(&x.f, a, b)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return out, sqldb.MapErr(err)
		}
	}
	for _, x := range per {
		out.Total.add(x.f)
		c, k := out.ByCategory[x.category], out.ByKind[x.kind]
		c.add(x.f)
		k.add(x.f)
		out.ByCategory[x.category], out.ByKind[x.kind] = c, k
	}
	return out, nil
}

// Recorded are what an activity has recorded for the statistics besides
// its programme: exhibitors, teams, people reached (the anonymous counts'
// sum) and papers.
type Recorded struct {
	Exhibitors int
	Teams      int
	Reached    int64
	Papers     int
}

// RecordedOf reads activity id's recorded figures.
func (svc *Service) RecordedOf(ctx context.Context, id int64) (Recorded, error) {
	var r Recorded
	err := svc.db.Reader().QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM activity_exhibitors WHERE activity_id = $1),
		(SELECT COUNT(*) FROM activity_teams WHERE activity_id = $1), (SELECT COALESCE(SUM(people), 0) FROM activity_headcounts WHERE activity_id = $1),
		(SELECT COUNT(*) FROM activity_contributions c JOIN activity_sessions s ON s.id = c.session_id WHERE s.activity_id = $1 AND c.paper)`, id).
		Scan(&r.Exhibitors, &r.Teams, &r.Reached, &r.Papers)
	return r, sqldb.MapErr(err)
}

// ExhibitorEntry is an exhibitor as listed: its booth, who holds it (an
// organisation of the registry shown by its name, or an outside body) and
// its theme.
type ExhibitorEntry struct {
	ID      int64  `json:"id"`
	Booth   string `json:"booth"`
	OrgCode string `json:"org_code,omitempty"`
	Name    string `json:"name"`
	Theme   string `json:"theme"`
}

// Exhibitors lists activity id's exhibitors by booth (numbers in their
// natural order: booth 2 before booth 10).
func (svc *Service) Exhibitors(ctx context.Context, id int64) ([]ExhibitorEntry, error) {
	rows, err := svc.db.Reader().QueryContext(ctx, `SELECT x.id, x.booth, COALESCE(o.code, ''), COALESCE(o.name_zh, x.name), x.theme
		FROM activity_exhibitors x LEFT JOIN orgs o ON o.id = x.org_id WHERE x.activity_id = $1 ORDER BY LENGTH(x.booth), x.booth`, id)
	if err != nil {
		return nil, sqldb.MapErr(err)
	}
	defer rows.Close()
	out := []ExhibitorEntry{}
	for rows.Next() {
		var x ExhibitorEntry
		if err := rows.Scan(&x.ID, &x.Booth, &x.OrgCode, &x.Name, &x.Theme); err != nil {
			return nil, sqldb.MapErr(err)
		}
		out = append(out, x)
	}
	return out, sqldb.MapErr(rows.Err())
}

// TeamEntry is a competition's team as listed.
type TeamEntry struct {
	ID int64 `json:"id"`
	Team
}

// Teams lists activity id's teams by category and name; a team of a
// registry organisation shows the organisation's name as its school.
func (svc *Service) Teams(ctx context.Context, id int64) ([]TeamEntry, error) {
	rows, err := svc.db.Reader().QueryContext(ctx, `SELECT t.id, t.name, t.category, COALESCE(o.code, ''), COALESCE(NULLIF(t.school, ''), o.name_zh, ''),
		t.members, t.advisers, t.result, t.prize_grade
		FROM activity_teams t LEFT JOIN orgs o ON o.id = t.org_id WHERE t.activity_id = $1 ORDER BY t.category, t.name`, id)
	if err != nil {
		return nil, sqldb.MapErr(err)
	}
	defer rows.Close()
	out := []TeamEntry{}
	for rows.Next() {
		var t TeamEntry
		if err := rows.Scan(&t.ID, &t.Name, &t.Category, &t.OrgCode, &t.School, &t.Members, &t.Advisers, &t.Result, &t.PrizeGrade); err != nil {
			return nil, sqldb.MapErr(err)
		}
		out = append(out, t)
	}
	return out, sqldb.MapErr(rows.Err())
}
