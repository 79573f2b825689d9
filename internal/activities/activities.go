package activities

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/kexie/kexie/internal/cnid"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/sqldb"
)

// Input is an activity as entered.
type Input struct {
	Code       string      `json:"code"`
	Kind       string      `json:"kind"`
	Category   string      `json:"category"`
	TitleZH    string      `json:"title_zh"`
	TitleEN    string      `json:"title_en"`
	ThemeZH    string      `json:"theme_zh"`
	ThemeEN    string      `json:"theme_en"`
	Starts     string      `json:"starts"`
	Ends       string      `json:"ends"`
	Venue      string      `json:"venue"`
	City       string      `json:"city"`
	RegionCode string      `json:"region_code"`
	Mode       string      `json:"mode"`
	Public     bool        `json:"public"`
	Series     string      `json:"series"`
	Edition    int         `json:"edition"`
	Capacity   int         `json:"capacity"`
	Approval   bool        `json:"approval"`
	RegOpens   string      `json:"registration_opens"`
	RegCloses  string      `json:"registration_closes"`
	Roles      []RoleInput `json:"organisations"`
}

// RoleInput is an organisation's role as entered: an organisation of the
// registry by code, or an outside body by name.
type RoleInput struct {
	Role    string `json:"role"`
	OrgCode string `json:"org_code"`
	Name    string `json:"name"`
}

const maxRoles = 100

func activityNotFound() error {
	return &kexie.Error{Code: kexie.CodeNotFound, Key: "err.activity_not_found", Message: "no such activity"}
}

// ParseInstant reads a time written in RFC 3339 (2025-05-16T08:00:00+08:00)
// or as YYYY-MM-DD HH:MM, meaning Beijing time.
func ParseInstant(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), nil
	}
	if t, err := time.ParseInLocation("2006-01-02 15:04", s, kexie.Beijing); err == nil {
		return t.UTC(), nil
	}
	return time.Time{}, kexie.Errorf(kexie.CodeInvalid, "err.activity_time", "%q is not a time (RFC 3339, or YYYY-MM-DD HH:MM in Beijing time)", kexie.Excerpt(s))
}

func optionalInstant(s string) (*time.Time, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	t, err := ParseInstant(s)
	return &t, err
}

// checked is an Input checked and cleaned.
type checked struct {
	in            Input
	starts, ends  kexie.Date
	opens, closes *time.Time
}

func check(in Input) (checked, error) {
	c := checked{in: in}
	var err error
	if err = ValidCode(in.Code); err != nil {
		return c, err
	}
	if err = oneOf(in.Kind, Kinds, "err.activity_kind"); err != nil {
		return c, err
	}
	if err = oneOf(in.Category, Categories, "err.activity_category"); err != nil {
		return c, err
	}
	if in.Mode == "" {
		c.in.Mode = "in_person"
	}
	if err = oneOf(c.in.Mode, Modes, "err.activity_mode"); err != nil {
		return c, err
	}
	for _, f := range []*string{&c.in.TitleZH, &c.in.TitleEN, &c.in.ThemeZH, &c.in.ThemeEN, &c.in.Venue, &c.in.City} {
		if *f, err = plain(*f, 300); err != nil {
			return c, err
		}
	}
	if c.in.TitleZH == "" && c.in.TitleEN == "" {
		return c, kexie.Errorf(kexie.CodeInvalid, "err.activity_title", "a title in Chinese or in English is required")
	}
	if c.starts, err = kexie.ParseDay(in.Starts); err != nil || c.starts.IsZero() {
		return c, kexie.Errorf(kexie.CodeInvalid, "err.date_full", "%q is not a date written YYYY-MM-DD", kexie.Excerpt(in.Starts))
	}
	if strings.TrimSpace(in.Ends) == "" {
		c.ends = c.starts
	} else if c.ends, err = kexie.ParseDay(in.Ends); err != nil || c.ends.IsZero() {
		return c, kexie.Errorf(kexie.CodeInvalid, "err.date_full", "%q is not a date written YYYY-MM-DD", kexie.Excerpt(in.Ends))
	}
	if c.ends.Before(c.starts) {
		return c, kexie.Errorf(kexie.CodeInvalid, "err.activity_dates", "the activity ends before it starts")
	}
	if c.in.RegionCode = strings.TrimSpace(in.RegionCode); c.in.RegionCode != "" {
		if _, err := cnid.ParseRegion(c.in.RegionCode); err != nil {
			return c, err
		}
	}
	if in.Capacity < 0 || in.Capacity > 10_000_000 {
		return c, kexie.Errorf(kexie.CodeInvalid, "err.activity_capacity", "the capacity is a number of places from 0 (no limit) up")
	}
	if c.in.Series = strings.TrimSpace(in.Series); c.in.Series != "" && in.Edition <= 0 {
		return c, kexie.Errorf(kexie.CodeInvalid, "err.activity_edition", "an edition of a series has a number from 1")
	}
	if c.in.Series == "" {
		c.in.Edition = 0
	}
	if c.opens, err = optionalInstant(in.RegOpens); err != nil {
		return c, err
	}
	if c.closes, err = optionalInstant(in.RegCloses); err != nil {
		return c, err
	}
	if len(in.Roles) > maxRoles {
		return c, kexie.Errorf(kexie.CodeInvalid, "err.activity_roles_many", "at most %v organisations hold roles in an activity", kexie.CountOf("count.organisations", maxRoles))
	}
	for i := range c.in.Roles {
		r := &c.in.Roles[i]
		if err := oneOf(r.Role, Roles, "err.activity_role"); err != nil {
			return c, err
		}
		r.OrgCode = strings.TrimSpace(r.OrgCode)
		if r.Name, err = plain(r.Name, 200); err != nil {
			return c, err
		}
		if (r.OrgCode == "") == (r.Name == "") {
			return c, kexie.Errorf(kexie.CodeInvalid, "err.activity_role_holder", "each role is held by an organisation of the registry (its code) or an outside body (its name)")
		}
	}
	return c, nil
}

// resolveRoles finds the registry organisations of roles in tx and the
// owner: the first sponsor of the registry.
func resolveRoles(ctx context.Context, tx *sqldb.Tx, roles []RoleInput) ([]OrgRole, int64, error) {
	out := make([]OrgRole, len(roles))
	var owner int64
	for i, r := range roles {
		out[i] = OrgRole{Role: r.Role, Name: r.Name}
		if r.OrgCode == "" {
			continue
		}
		err := tx.QueryRowContext(ctx, `SELECT id, code FROM orgs WHERE code = $1`, r.OrgCode).Scan(&out[i].OrgID, &out[i].OrgCode)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, 0, kexie.Errorf(kexie.CodeInvalid, "err.activity_role_org", "no organisation with code %q", kexie.Excerpt(r.OrgCode))
		}
		if err != nil {
			return nil, 0, err
		}
		if owner == 0 && r.Role == "sponsor" {
			owner = out[i].OrgID
		}
	}
	if owner == 0 {
		return nil, 0, kexie.Errorf(kexie.CodeInvalid, "err.activity_owner", "the first sponsor of the registry owns the activity: name one")
	}
	return out, owner, nil
}

func writeRoles(ctx context.Context, tx *sqldb.Tx, activityID int64, roles []OrgRole) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM activity_orgs WHERE activity_id = $1`, activityID); err != nil {
		return err
	}
	for i, r := range roles {
		var org any
		if r.OrgID != 0 {
			org = r.OrgID
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO activity_orgs (activity_id, position, role, org_id, name) VALUES ($1, $2, $3, $4, $5)`,
			activityID, i+1, r.Role, org, r.Name); err != nil {
			return err
		}
	}
	return nil
}

// seriesOf finds a series by code in tx (0 for none).
func seriesOf(ctx context.Context, tx *sqldb.Tx, code string) (int64, error) {
	if code == "" {
		return 0, nil
	}
	var id int64
	err := tx.QueryRowContext(ctx, `SELECT id FROM activity_series WHERE code = $1`, code).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, kexie.Errorf(kexie.CodeInvalid, "err.series_unknown", "no series with code %q", kexie.Excerpt(code))
	}
	return id, err
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func nullInt(n int) any {
	if n == 0 {
		return nil
	}
	return n
}

func nullTime(t *time.Time) any {
	if t == nil {
		return nil
	}
	return *t
}

// Create enters an activity, in status draft. The actor must hold
// activities.manage on its owning organisation (the first sponsor of the
// registry); elsewhere that organisation is not found.
func (svc *Service) Create(ctx context.Context, actor kexie.Actor, in Input) (Activity, error) {
	c, err := check(in)
	if err != nil {
		return Activity{}, err
	}
	var id int64
	err = svc.db.Write(ctx, actor, func(tx *sqldb.Tx) error {
		roles, owner, err := resolveRoles(ctx, tx, c.in.Roles)
		if err != nil {
			return err
		}
		if err := tx.Check(ctx, tx.Actor(), kexie.PermActivitiesManage, owner, kexie.Errorf(kexie.CodeNotFound, "err.org_not_found", "no organisation with id %v", owner)); err != nil {
			return err
		}
		series, err := seriesOf(ctx, tx, c.in.Series)
		if err != nil {
			return err
		}
		err = tx.QueryRowContext(ctx, `INSERT INTO activities (code, org_id, kind, category, title_zh, title_en, theme_zh, theme_en, starts, ends,
			venue, city, region_code, mode, public, status, series_id, edition, capacity, approval, reg_opens, reg_closes, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, 'draft', $16, $17, $18, $19, $20, $21, $22, $22) RETURNING id`,
			c.in.Code, owner, c.in.Kind, c.in.Category, c.in.TitleZH, c.in.TitleEN, c.in.ThemeZH, c.in.ThemeEN, c.starts.String(), c.ends.String(),
			c.in.Venue, c.in.City, c.in.RegionCode, c.in.Mode, c.in.Public, nullID(series), nullInt(c.in.Edition), c.in.Capacity, c.in.Approval,
			nullTime(c.opens), nullTime(c.closes), tx.Now()).Scan(&id)
		if err != nil {
			if kexie.ErrorCode(sqldb.MapErr(err)) == kexie.CodeConflict {
				return kexie.Errorf(kexie.CodeConflict, "err.activity_exists", "an activity with code %q, or this edition of the series, exists already", c.in.Code)
			}
			return err
		}
		if err := writeRoles(ctx, tx, id, roles); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO activity_checkin_lists (activity_id, name, policy) VALUES ($1, 'main', 'once')`, id); err != nil {
			return err
		}
		return tx.Audit(ctx, sqldb.Change{Action: "activity.create", ObjectType: "activity", ObjectID: c.in.Code, OrgID: owner,
			After: map[string]any{"kind": c.in.Kind, "category": c.in.Category, "title_zh": c.in.TitleZH, "title_en": c.in.TitleEN,
				"starts": c.starts.String(), "ends": c.ends.String(), "series": c.in.Series, "edition": c.in.Edition}})
	})
	if err != nil {
		return Activity{}, err
	}
	return svc.byID(ctx, id)
}

// SetRoles replaces the organisations in roles, in order. The owner may
// change (to another first sponsor of the registry): the actor must
// manage the activity now and its new owner.
func (svc *Service) SetRoles(ctx context.Context, actor kexie.Actor, code string, roles []RoleInput) error {
	c, err := check(Input{Code: "x", Kind: "other", Category: "academic", TitleZH: "x", Starts: "2000-01-01", Roles: roles})
	if err != nil {
		return err
	}
	return svc.inManaged(ctx, actor, code, func(tx *sqldb.Tx, a activityRow) error {
		rs, owner, err := resolveRoles(ctx, tx, c.in.Roles)
		if err != nil {
			return err
		}
		if err := tx.Check(ctx, tx.Actor(), kexie.PermActivitiesManage, owner, kexie.Errorf(kexie.CodeNotFound, "err.org_not_found", "no organisation with id %v", owner)); err != nil {
			return err
		}
		if err := writeRoles(ctx, tx, a.id, rs); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE activities SET org_id = $1, updated_at = $2 WHERE id = $3`, owner, tx.Now(), a.id); err != nil {
			return err
		}
		var after []string
		for _, r := range rs {
			after = append(after, r.Role+":"+r.OrgCode+r.Name)
		}
		return tx.Audit(ctx, sqldb.Change{Action: "activity.roles", ObjectType: "activity", ObjectID: code, OrgID: owner,
			After: map[string]any{"organisations": strings.Join(after, "; ")}})
	})
}

// activityRow is what a write reads of its activity, in its transaction.
type activityRow struct {
	id, orgID     int64
	status        string
	starts, ends  string
	capacity      int
	approval      bool
	opens, closes sql.NullTime
	public        bool
}

func rowOf(ctx context.Context, tx *sqldb.Tx, code string) (activityRow, error) {
	var a activityRow
	err := tx.QueryRowContext(ctx, `SELECT id, org_id, status, starts, ends, capacity, approval, reg_opens, reg_closes, public FROM activities WHERE code = $1`, code).
		Scan(&a.id, &a.orgID, &a.status, &a.starts, &a.ends, &a.capacity, &a.approval, &a.opens, &a.closes, &a.public)
	if errors.Is(err, sql.ErrNoRows) {
		return a, activityNotFound()
	}
	return a, err
}

// managed reads activity code in tx and checks that the transaction's
// actor manages it (activities.manage on its owner); to anyone else it
// does not exist.
func managed(ctx context.Context, tx *sqldb.Tx, code string) (activityRow, error) {
	a, err := rowOf(ctx, tx, code)
	if err != nil {
		return a, err
	}
	return a, tx.Check(ctx, tx.Actor(), kexie.PermActivitiesManage, a.orgID, activityNotFound())
}

// inManaged runs fn in a write transaction on activity code, once the
// actor is found to manage it (not found otherwise, as one that does not
// exist).
func (svc *Service) inManaged(ctx context.Context, actor kexie.Actor, code string, fn func(tx *sqldb.Tx, a activityRow) error) error {
	return svc.db.Write(ctx, actor, func(tx *sqldb.Tx) error {
		a, err := managed(ctx, tx, code)
		if err != nil {
			return err
		}
		return fn(tx, a)
	})
}

// SetStatus moves an activity to another status, along the allowed
// transitions only (held and cancelled are final).
func (svc *Service) SetStatus(ctx context.Context, actor kexie.Actor, code, status string) error {
	if err := oneOf(status, Statuses, "err.activity_status"); err != nil {
		return err
	}
	return svc.inManaged(ctx, actor, code, func(tx *sqldb.Tx, a activityRow) error {
		if !MayMove(a.status, status) {
			return statusError("activity_transition", status, "an activity cannot go from "+a.status+" to "+status)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE activities SET status = $1, updated_at = $2 WHERE id = $3`, status, tx.Now(), a.id); err != nil {
			return err
		}
		return tx.Audit(ctx, sqldb.Change{Action: "activity.status", ObjectType: "activity", ObjectID: code, OrgID: a.orgID,
			Before: map[string]any{"status": a.status}, After: map[string]any{"status": status}})
	})
}

const activityColumns = `a.id, a.code, a.org_id, o.code, a.kind, a.category, a.title_zh, a.title_en, a.theme_zh, a.theme_en, a.starts, a.ends,
	a.venue, a.city, a.region_code, a.mode, a.public, a.status, COALESCE(a.series_id, 0), COALESCE(s.code, ''), COALESCE(a.edition, 0),
	a.capacity, a.confirmed, a.approval, a.reg_opens, a.reg_closes`

const activityFrom = ` FROM activities a JOIN orgs o ON o.id = a.org_id LEFT JOIN activity_series s ON s.id = a.series_id`

func scanActivity(s sqldb.Scanner) (Activity, error) {
	var a Activity
	var starts, ends string
	var opens, closes sql.NullTime
	err := s.Scan(&a.ID, &a.Code, &a.OrgID, &a.OrgCode, &a.Kind, &a.Category, &a.TitleZH, &a.TitleEN, &a.ThemeZH, &a.ThemeEN, &starts, &ends,
		&a.Venue, &a.City, &a.RegionCode, &a.Mode, &a.Public, &a.Status, &a.SeriesID, &a.SeriesCode, &a.Edition,
		&a.Capacity, &a.Confirmed, &a.Approval, &opens, &closes)
	if errors.Is(err, sql.ErrNoRows) {
		return a, activityNotFound()
	}
	if err != nil {
		return a, sqldb.MapErr(err)
	}
	a.Starts, _ = kexie.ParseDay(starts)
	a.Ends, _ = kexie.ParseDay(ends)
	a.RegOpens, a.RegCloses = opens.Time, closes.Time
	return a, nil
}

func (svc *Service) byID(ctx context.Context, id int64) (Activity, error) {
	a, err := scanActivity(svc.db.Reader().QueryRowContext(ctx, `SELECT `+activityColumns+activityFrom+` WHERE a.id = $1`, id))
	if err != nil {
		return a, err
	}
	a.Roles, err = svc.roles(ctx, a.ID)
	return a, err
}

// ByCode reads an activity with its roles, without any check (the public
// pages and the loaders below check).
func (svc *Service) ByCode(ctx context.Context, code string) (Activity, error) {
	a, err := scanActivity(svc.db.Reader().QueryRowContext(ctx, `SELECT `+activityColumns+activityFrom+` WHERE a.code = $1`, code))
	if err != nil {
		return a, err
	}
	a.Roles, err = svc.roles(ctx, a.ID)
	return a, err
}

func (svc *Service) roles(ctx context.Context, id int64) ([]OrgRole, error) {
	rows, err := svc.db.Reader().QueryContext(ctx, `SELECT r.role, COALESCE(r.org_id, 0), COALESCE(o.code, ''), COALESCE(o.name_zh, ''), COALESCE(o.name_en, ''), r.name
		FROM activity_orgs r LEFT JOIN orgs o ON o.id = r.org_id WHERE r.activity_id = $1 ORDER BY r.position`, id)
	if err != nil {
		return nil, sqldb.MapErr(err)
	}
	defer rows.Close()
	out := []OrgRole{}
	for rows.Next() {
		var r OrgRole
		if err := rows.Scan(&r.Role, &r.OrgID, &r.OrgCode, &r.OrgName, &r.OrgNameEN, &r.Name); err != nil {
			return nil, sqldb.MapErr(err)
		}
		out = append(out, r)
	}
	return out, sqldb.MapErr(rows.Err())
}

// Activity is activity code for an actor holding p where it belongs:
// activities.manage on its owner; activities.read (or any other
// permission) on any organisation of the registry holding a role in it.
// Elsewhere it is not found.
func (svc *Service) Activity(ctx context.Context, actor kexie.Actor, p kexie.Permission, code string) (Activity, error) {
	a, err := svc.ByCode(ctx, code)
	if err != nil {
		return a, err
	}
	return a, svc.may(ctx, actor, p, a)
}

// may is the object check of a loaded activity.
func (svc *Service) may(ctx context.Context, actor kexie.Actor, p kexie.Permission, a Activity) error {
	if p == kexie.PermActivitiesManage {
		return svc.db.Check(ctx, actor, p, a.OrgID, activityNotFound())
	}
	for _, org := range a.Holders() {
		ok, err := svc.db.Allowed(ctx, actor, p, org)
		if err != nil || ok {
			return err
		}
	}
	return activityNotFound()
}

// Holders are the organisations of the registry the activity belongs to:
// its owner and every one holding a role.
func (a Activity) Holders() []int64 {
	out := []int64{a.OrgID}
	for _, r := range a.Roles {
		if r.OrgID != 0 && !containsID(out, r.OrgID) {
			out = append(out, r.OrgID)
		}
	}
	return out
}

func containsID(ids []int64, id int64) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// Filter narrows a list of activities.
type Filter struct {
	Year   int    // held (started) in this year; 0: any
	Status string // "": any
	Series string // a series' code; "": any
	Offset int
	Limit  int
}

// List lists the activities the actor may read (those where an
// organisation of the actor's activities.read subtrees holds a role), by
// start day, newest first, with the total.
func (svc *Service) List(ctx context.Context, actor kexie.Actor, f Filter) ([]Activity, int, error) {
	sc, err := svc.db.ScopeOf(ctx, actor, kexie.PermActivitiesRead)
	if err != nil {
		return nil, 0, err
	}
	var args []any
	arg := sqldb.Args(&args)
	where := ` WHERE (` + sc.SQL("a.org_id", arg) + ` OR EXISTS (SELECT 1 FROM activity_orgs r WHERE r.activity_id = a.id AND r.org_id IS NOT NULL AND ` + sc.SQL("r.org_id", arg) + `))`
	if f.Year != 0 {
		where += ` AND a.starts >= ` + arg(strconv.Itoa(f.Year)+"-01-01") + ` AND a.starts < ` + arg(strconv.Itoa(f.Year+1)+"-01-01")
	}
	if f.Status != "" {
		where += ` AND a.status = ` + arg(f.Status)
	}
	if f.Series != "" {
		where += ` AND s.code = ` + arg(f.Series)
	}
	return svc.list(ctx, where, args, f)
}

// Public lists the published activities open to the public, by start day.
func (svc *Service) Public(ctx context.Context, f Filter) ([]Activity, int, error) {
	var args []any
	arg := sqldb.Args(&args)
	where := ` WHERE a.public AND (a.status = 'published' OR a.status = 'registration_open' OR a.status = 'closed' OR a.status = 'held')`
	if f.Year != 0 {
		where += ` AND a.starts >= ` + arg(strconv.Itoa(f.Year)+"-01-01") + ` AND a.starts < ` + arg(strconv.Itoa(f.Year+1)+"-01-01")
	}
	if f.Series != "" {
		where += ` AND s.code = ` + arg(f.Series)
	}
	return svc.list(ctx, where, args, f)
}

// IsPublic reports whether the public pages show an activity.
func (a Activity) IsPublic() bool {
	return a.Public && a.Status != StatusDraft && a.Status != StatusCancelled
}

func (svc *Service) list(ctx context.Context, where string, args []any, f Filter) ([]Activity, int, error) {
	var total int
	if err := svc.db.Reader().QueryRowContext(ctx, `SELECT COUNT(*)`+activityFrom+where, args...).Scan(&total); err != nil {
		return nil, 0, sqldb.MapErr(err)
	}
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	rows, err := svc.db.Reader().QueryContext(ctx, `SELECT `+activityColumns+activityFrom+where+` ORDER BY a.starts DESC, a.code LIMIT `+
		strconv.Itoa(limit)+` OFFSET `+strconv.Itoa(max(f.Offset, 0)), args...)
	if err != nil {
		return nil, 0, sqldb.MapErr(err)
	}
	defer rows.Close()
	out := []Activity{}
	for rows.Next() {
		a, err := scanActivity(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, sqldb.MapErr(err)
	}
	for i := range out {
		if out[i].Roles, err = svc.roles(ctx, out[i].ID); err != nil {
			return nil, 0, err
		}
	}
	return out, total, nil
}

// Series is a numbered series of activities.
type Series struct {
	ID     int64
	Code   string
	OrgID  int64
	NameZH string
	NameEN string
}

// CreateSeries enters a series belonging to organisation orgCode.
func (svc *Service) CreateSeries(ctx context.Context, actor kexie.Actor, orgCode string, s Series) (Series, error) {
	if err := ValidCode(s.Code); err != nil {
		return s, err
	}
	var err error
	if s.NameZH, err = plain(s.NameZH, 200); err != nil {
		return s, err
	}
	if s.NameEN, err = plain(s.NameEN, 200); err != nil {
		return s, err
	}
	if s.NameZH == "" && s.NameEN == "" {
		return s, kexie.Errorf(kexie.CodeInvalid, "err.activity_title", "a title in Chinese or in English is required")
	}
	err = svc.db.Write(ctx, actor, func(tx *sqldb.Tx) error {
		notFound := kexie.Errorf(kexie.CodeNotFound, "err.org_not_found", "no organisation with code %q", orgCode)
		if err := tx.QueryRowContext(ctx, `SELECT id FROM orgs WHERE code = $1`, orgCode).Scan(&s.OrgID); errors.Is(err, sql.ErrNoRows) {
			return notFound
		} else if err != nil {
			return err
		}
		if err := tx.Check(ctx, tx.Actor(), kexie.PermActivitiesManage, s.OrgID, notFound); err != nil {
			return err
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO activity_series (code, org_id, name_zh, name_en, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
			s.Code, s.OrgID, s.NameZH, s.NameEN, tx.Now()).Scan(&s.ID)
		if kexie.ErrorCode(sqldb.MapErr(err)) == kexie.CodeConflict {
			return kexie.Errorf(kexie.CodeConflict, "err.series_exists", "a series with code %q exists already", s.Code)
		}
		if err != nil {
			return err
		}
		return tx.Audit(ctx, sqldb.Change{Action: "activity.series", ObjectType: "activity_series", ObjectID: s.Code, OrgID: s.OrgID,
			After: map[string]any{"name_zh": s.NameZH, "name_en": s.NameEN}})
	})
	return s, err
}

// SeriesByCode reads a series.
func (svc *Service) SeriesByCode(ctx context.Context, code string) (Series, error) {
	var s Series
	err := svc.db.Reader().QueryRowContext(ctx, `SELECT id, code, org_id, name_zh, name_en FROM activity_series WHERE code = $1`, code).
		Scan(&s.ID, &s.Code, &s.OrgID, &s.NameZH, &s.NameEN)
	if errors.Is(err, sql.ErrNoRows) {
		return s, &kexie.Error{Code: kexie.CodeNotFound, Key: "err.series_not_found", Message: "no such series"}
	}
	return s, sqldb.MapErr(err)
}
