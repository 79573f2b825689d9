package governance

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kexie/kexie/internal/charter"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/sqldb"
)

// Body is one of an organisation's bodies (congress, council, standing
// council, board of supervisors).
type Body struct {
	ID     int64
	OrgID  int64
	Kind   charter.BodyKind
	NameZH string
	NameEN string
}

// Term is a numbered term of a body, with the months its extensions add.
type Term struct {
	ID, BodyID      int64
	Number          int
	Started         string
	PlannedEnd      string
	Ended           string
	ExtensionMonths []int
	Resolution      string // the resolution the term rests on ("" for terms recorded without one)
}

// Seat is a seat of a term and its holder.
type Seat struct {
	ID, TermID, PersonID int64
	Name                 string
	Post                 string
	FrontLine            bool
	AgeBand              string
	Seated, LeftOn       string
	LeftWhy              string
}

// Posts are the posts a seat may carry, leaders first.
var Posts = []string{"chair", "vice_chair", "secretary_general", "standing_director", "director", "supervisor", "representative"}

// charterTemplate is the charter an organisation follows: the one set for
// it, else the national society's for societies and the local
// association's for the rest.
func charterOf(ctx context.Context, tx *sqldb.Tx, orgID int64) (charter.Charter, error) {
	var template, rules, kind string
	err := tx.QueryRowContext(ctx, `SELECT COALESCE(c.template, ''), COALESCE(c.rules, ''), o.kind FROM orgs o LEFT JOIN charters c ON c.org_id = o.id
		WHERE o.id = $1`, orgID).Scan(&template, &rules, &kind)
	if errors.Is(err, sql.ErrNoRows) {
		return charter.Charter{}, kexie.Errorf(kexie.CodeNotFound, "err.org_not_found", "no organisation with id %d", orgID)
	}
	if err != nil {
		return charter.Charter{}, err
	}
	return charterFor(template, rules, kind)
}

// charterFor is an organisation's charter: the rules stored for it, else
// the template it chose, else the template for its kind (the national
// society's for societies, the local association's for the rest).
func charterFor(template, rules, kind string) (charter.Charter, error) {
	if rules != "" {
		var c charter.Charter
		if err := json.Unmarshal([]byte(rules), &c); err != nil {
			return c, fmt.Errorf("stored charter: %w", err)
		}
		return c, nil
	}
	if template == "" {
		template = "local_association"
		if kind == "national_society" || kind == "provincial_society" {
			template = "national_society"
		}
	}
	if template == "national_society" {
		return charter.NationalSociety(), nil
	}
	return charter.LocalAssociation(), nil
}

// SetCharterRules stores an organisation's own charter rules (starting,
// typically, from a template and changing what its charter says
// otherwise); every fraction is checked to be one.
func (svc *Service) SetCharterRules(ctx context.Context, actor kexie.Actor, orgID int64, c charter.Charter) error {
	if err := c.Check(); err != nil {
		return kexie.Wrap(kexie.CodeInvalid, "err.charter_rules", err.Error(), err)
	}
	if c.Name == "" {
		c.Name = "own"
	}
	raw, err := json.Marshal(c)
	if err != nil {
		return err
	}
	return svc.db.Write(ctx, actor, func(tx *sqldb.Tx) error {
		if err := manage(ctx, tx, orgID, orgNotFound(orgID)); err != nil {
			return err
		}
		before, err := charterOf(ctx, tx, orgID)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO charters (org_id, template, rules, updated_at) VALUES ($1, 'local_association', $2, $3)
			ON CONFLICT (org_id) DO UPDATE SET rules = excluded.rules, updated_at = excluded.updated_at`, orgID, string(raw), tx.Now()); err != nil {
			return err
		}
		b, _ := json.Marshal(before)
		return tx.Audit(ctx, sqldb.Change{Action: "charter.rules", ObjectType: "org", ObjectID: strconv.FormatInt(orgID, 10), OrgID: orgID,
			Before: map[string]any{"rules": string(b)}, After: map[string]any{"rules": string(raw)}})
	})
}

// CharterOf is the charter organisation orgID follows.
func (svc *Service) CharterOf(ctx context.Context, orgID int64) (charter.Charter, error) {
	var c charter.Charter
	err := svc.db.Read(ctx, func(tx *sqldb.Tx) error {
		var err error
		c, err = charterOf(ctx, tx, orgID)
		return err
	})
	return c, err
}

// SetCharter chooses the template an organisation's charter follows.
func (svc *Service) SetCharter(ctx context.Context, actor kexie.Actor, orgID int64, template string) error {
	if template != "national_society" && template != "local_association" {
		return kexie.Errorf(kexie.CodeInvalid, "err.charter_template", "unknown charter template %q", template)
	}
	return svc.db.Write(ctx, actor, func(tx *sqldb.Tx) error {
		if err := manage(ctx, tx, orgID, orgNotFound(orgID)); err != nil {
			return err
		}
		// Choosing a template puts its rules in force (any own rules go).
		if _, err := tx.ExecContext(ctx, `INSERT INTO charters (org_id, template, rules, updated_at) VALUES ($1, $2, '', $3)
			ON CONFLICT (org_id) DO UPDATE SET template = excluded.template, rules = '', updated_at = excluded.updated_at`, orgID, template, tx.Now()); err != nil {
			return err
		}
		return tx.Audit(ctx, sqldb.Change{Action: "charter.set", ObjectType: "org", ObjectID: strconv.FormatInt(orgID, 10), OrgID: orgID,
			After: map[string]any{"template": template}})
	})
}

// CreateBody adds a body to an organisation (one of each kind).
func (svc *Service) CreateBody(ctx context.Context, actor kexie.Actor, orgID int64, kind charter.BodyKind, nameZH, nameEN string) (Body, error) {
	b := Body{OrgID: orgID, Kind: kind, NameZH: nameZH, NameEN: nameEN}
	switch kind {
	case charter.Congress, charter.Council, charter.StandingCouncil, charter.Supervisors:
	default:
		return b, kexie.Errorf(kexie.CodeInvalid, "err.body_kind", "unknown body %q", string(kind))
	}
	err := svc.db.Write(ctx, actor, func(tx *sqldb.Tx) error {
		if err := manage(ctx, tx, orgID, orgNotFound(orgID)); err != nil {
			return err
		}
		c, err := charterOf(ctx, tx, orgID)
		if err != nil {
			return err
		}
		if _, ok := c.Bodies[kind]; !ok {
			return kexie.Errorf(kexie.CodeConflict, "err.charter_body", "the charter sets no rules for the %s", string(kind))
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO bodies (org_id, kind, name_zh, name_en) VALUES ($1, $2, $3, $4) RETURNING id`,
			orgID, string(kind), nameZH, nameEN).Scan(&b.ID); err != nil {
			return err
		}
		return tx.Audit(ctx, sqldb.Change{Action: "body.create", ObjectType: "body", ObjectID: strconv.FormatInt(b.ID, 10), OrgID: orgID,
			After: map[string]any{"kind": string(kind), "name_zh": nameZH, "name_en": nameEN}})
	})
	if errors.Is(err, kexie.ErrConflict) {
		return b, kexie.Errorf(kexie.CodeConflict, "err.body_exists", "the organisation already has a %s", string(kind))
	}
	return b, err
}

// Bodies lists an organisation's bodies.
func (svc *Service) Bodies(ctx context.Context, orgID int64) ([]Body, error) {
	rows, err := svc.db.Reader().QueryContext(ctx, `SELECT id, org_id, kind, name_zh, name_en FROM bodies WHERE org_id = $1 ORDER BY id`, orgID)
	if err != nil {
		return nil, sqldb.MapErr(err)
	}
	defer rows.Close()
	var out []Body
	for rows.Next() {
		var b Body
		var kind string
		if err := rows.Scan(&b.ID, &b.OrgID, &kind, &b.NameZH, &b.NameEN); err != nil {
			return nil, sqldb.MapErr(err)
		}
		b.Kind = charter.BodyKind(kind)
		out = append(out, b)
	}
	return out, sqldb.MapErr(rows.Err())
}

func body(ctx context.Context, tx *sqldb.Tx, id int64) (Body, error) {
	var b Body
	var kind string
	err := tx.QueryRowContext(ctx, `SELECT id, org_id, kind, name_zh, name_en FROM bodies WHERE id = $1`, id).Scan(&b.ID, &b.OrgID, &kind, &b.NameZH, &b.NameEN)
	if errors.Is(err, sql.ErrNoRows) {
		return b, kexie.Errorf(kexie.CodeNotFound, "err.body_not_found", "no such body")
	}
	b.Kind = charter.BodyKind(kind)
	return b, err
}

// NewTerm is a term to begin: its number, its first day and the
// resolution it rests on.
type NewTerm struct {
	Number     int
	Started    string
	Resolution string
}

// StartTerm opens term number n of a body on a day, as BeginTerm does,
// without a resolution: a body's first term (one that ends no other).
func (svc *Service) StartTerm(ctx context.Context, actor kexie.Actor, bodyID int64, n int, started string) (Term, error) {
	return svc.BeginTerm(ctx, actor, bodyID, NewTerm{Number: n, Started: started})
}

// BeginTerm opens a term of a body on a day, planned to last the
// charter's term; the body's current term ends that day, and its seats
// with it — which rests on a resolution: a term that ends another is
// refused without one (err.term_resolution).
func (svc *Service) BeginTerm(ctx context.Context, actor kexie.Actor, bodyID int64, nt NewTerm) (Term, error) {
	n, started, resolution := nt.Number, nt.Started, strings.TrimSpace(kexie.CleanText(nt.Resolution))
	t := Term{BodyID: bodyID, Number: n, Started: started, Resolution: resolution}
	day, err := kexie.ParseDate(started)
	if err != nil || day.IsZero() || n <= 0 {
		return t, kexie.Errorf(kexie.CodeInvalid, "err.term", "a term needs a number and a start date written YYYY-MM-DD")
	}
	err = svc.db.Write(ctx, actor, func(tx *sqldb.Tx) error {
		b, err := body(ctx, tx, bodyID)
		if err != nil {
			return err
		}
		if err := manage(ctx, tx, b.OrgID, notFound("err.body_not_found", "body")); err != nil {
			return err
		}
		// A new term ends the seats of the last one that day: a day that
		// has come.
		if err := kexie.DateOf(day).NotAfter(kexie.Today(tx.Now())); err != nil {
			return err
		}
		c, err := charterOf(ctx, tx, b.OrgID)
		if err != nil {
			return err
		}
		var current int
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(number), 0) FROM terms WHERE body_id = $1 AND ended = ''`, bodyID).Scan(&current); err != nil {
			return err
		}
		if current > 0 && resolution == "" {
			return kexie.Errorf(kexie.CodeInvalid, "err.term_resolution", "term %v ends term %v and its seats: give the resolution it rests on", n, current)
		}
		years := c.Bodies[b.Kind].TermYears
		if years == 0 {
			years = 5
		}
		t.PlannedEnd = day.AddDate(years, 0, 0).Format("2006-01-02")
		if _, err := tx.ExecContext(ctx, `UPDATE seats SET left_on = $1, left_why = 'term_end'
			WHERE left_on = '' AND term_id IN (SELECT id FROM terms WHERE body_id = $2 AND ended = '')`, started, bodyID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE terms SET ended = $1 WHERE body_id = $2 AND ended = ''`, started, bodyID); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO terms (body_id, number, started, planned_end, resolution) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
			bodyID, n, started, t.PlannedEnd, resolution).Scan(&t.ID); err != nil {
			return err
		}
		return tx.Audit(ctx, sqldb.Change{Action: "term.start", ObjectType: "term", ObjectID: strconv.FormatInt(t.ID, 10), OrgID: b.OrgID,
			After: map[string]any{"body": string(b.Kind), "number": n, "started": started, "planned_end": t.PlannedEnd, "resolution": resolution}})
	})
	if errors.Is(err, kexie.ErrConflict) {
		return t, kexie.Errorf(kexie.CodeConflict, "err.term_exists", "term %d of this body exists already", n)
	}
	return t, err
}

// ExtendTerm records an extension of a term, with the resolution that
// granted it. The charter's cap is not enforced here: a term extended past
// it is a compliance finding, since the extension did happen.
func (svc *Service) ExtendTerm(ctx context.Context, actor kexie.Actor, termID int64, months int, resolution string) error {
	if months <= 0 || months > maxExtensionMonths || resolution == "" {
		return kexie.Errorf(kexie.CodeInvalid, "err.extension", "an extension needs a number of months (at most %d) and the resolution granting it", maxExtensionMonths)
	}
	return svc.db.Write(ctx, actor, func(tx *sqldb.Tx) error {
		orgID, err := manageTerm(ctx, tx, termID)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO term_extensions (term_id, months, resolution, created_at) VALUES ($1, $2, $3, $4)`,
			termID, months, resolution, tx.Now()); err != nil {
			return err
		}
		return tx.Audit(ctx, sqldb.Change{Action: "term.extend", ObjectType: "term", ObjectID: strconv.FormatInt(termID, 10), OrgID: orgID,
			After: map[string]any{"months": months, "resolution": resolution}})
	})
}

func termOrg(ctx context.Context, tx *sqldb.Tx, termID int64) (int64, error) {
	var orgID int64
	err := tx.QueryRowContext(ctx, `SELECT b.org_id FROM terms t JOIN bodies b ON b.id = t.body_id WHERE t.id = $1`, termID).Scan(&orgID)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, kexie.Errorf(kexie.CodeNotFound, "err.term_not_found", "no such term")
	}
	return orgID, err
}

// Terms lists a body's terms, newest first, with their extensions.
func (svc *Service) Terms(ctx context.Context, bodyID int64) ([]Term, error) {
	rows, err := svc.db.Reader().QueryContext(ctx, `SELECT t.id, t.body_id, t.number, t.started, t.planned_end, t.ended, COALESCE(e.months, 0), t.resolution
		FROM terms t LEFT JOIN term_extensions e ON e.term_id = t.id WHERE t.body_id = $1 ORDER BY t.number DESC, e.id`, bodyID)
	if err != nil {
		return nil, sqldb.MapErr(err)
	}
	defer rows.Close()
	var out []Term
	for rows.Next() {
		var t Term
		var months int
		if err := rows.Scan(&t.ID, &t.BodyID, &t.Number, &t.Started, &t.PlannedEnd, &t.Ended, &months, &t.Resolution); err != nil {
			return nil, sqldb.MapErr(err)
		}
		if n := len(out); n > 0 && out[n-1].ID == t.ID {
			out[n-1].ExtensionMonths = append(out[n-1].ExtensionMonths, months)
			continue
		}
		if months > 0 {
			t.ExtensionMonths = []int{months}
		}
		out = append(out, t)
	}
	return out, sqldb.MapErr(rows.Err())
}

// NewSeat describes a seat to add.
type NewSeat struct {
	PersonID  int64
	Post      string
	FrontLine bool
	AgeBand   string
	Seated    string
}

// AddSeat seats a person in a term.
func (svc *Service) AddSeat(ctx context.Context, actor kexie.Actor, termID int64, s NewSeat) (int64, error) {
	known := false
	for _, p := range Posts {
		known = known || p == s.Post
	}
	seated, err := kexie.ParseDay(s.Seated)
	if !known || err != nil || seated.IsZero() {
		return 0, kexie.Errorf(kexie.CodeInvalid, "err.seat", "a seat needs a known post and the date it was taken, written YYYY-MM-DD")
	}
	s.Seated = seated.String()
	var id int64
	err = svc.db.Write(ctx, actor, func(tx *sqldb.Tx) error {
		orgID, err := manageTerm(ctx, tx, termID)
		if err != nil {
			return err
		}
		if err := seated.NotAfter(kexie.Today(tx.Now())); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO seats (term_id, person_id, post, front_line, age_band, seated) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
			termID, s.PersonID, s.Post, s.FrontLine, s.AgeBand, s.Seated).Scan(&id); err != nil {
			return err
		}
		return tx.Audit(ctx, sqldb.Change{Action: "seat.add", ObjectType: "seat", ObjectID: strconv.FormatInt(id, 10), OrgID: orgID,
			After: map[string]any{"term_id": termID, "person_id": s.PersonID, "post": s.Post, "front_line": s.FrontLine, "seated": s.Seated}})
	})
	return id, err
}

// EndSeat ends a seat on a day, for a reason.
func (svc *Service) EndSeat(ctx context.Context, actor kexie.Actor, seatID int64, leftOn, why string) error {
	switch why {
	case "term_end", "resignation", "replacement", "death":
	default:
		return kexie.Errorf(kexie.CodeInvalid, "err.seat_end", "a seat ends by term end, resignation, replacement or death")
	}
	left, err := kexie.ParseDay(leftOn)
	if err != nil || left.IsZero() {
		return kexie.Errorf(kexie.CodeInvalid, "err.date_full", "%q is not a date written YYYY-MM-DD", leftOn)
	}
	leftOn = left.String()
	return svc.db.Write(ctx, actor, func(tx *sqldb.Tx) error {
		var seatTerm int64
		var seated kexie.Date
		err := tx.QueryRowContext(ctx, `SELECT term_id, seated FROM seats WHERE id = $1`, seatID).Scan(&seatTerm, &seated)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("err.seat_not_found", "seat")
		}
		if err != nil {
			return err
		}
		seatOrg, err := termOrg(ctx, tx, seatTerm)
		if err != nil {
			return err
		}
		if err := manage(ctx, tx, seatOrg, notFound("err.seat_not_found", "seat")); err != nil {
			return err
		}
		// A seat ends on a day that has come, not before it was taken.
		if err := left.NotAfter(kexie.Today(tx.Now())); err != nil {
			return err
		}
		if err := left.NotBefore(seated); err != nil {
			return err
		}
		var termID int64
		err = tx.QueryRowContext(ctx, `UPDATE seats SET left_on = $1, left_why = $2 WHERE id = $3 AND left_on = '' RETURNING term_id`, leftOn, why, seatID).Scan(&termID)
		if errors.Is(err, sql.ErrNoRows) {
			return kexie.Errorf(kexie.CodeConflict, "err.seat_ended", "no such open seat")
		}
		if err != nil {
			return err
		}
		orgID, err := manageTerm(ctx, tx, termID)
		if err != nil {
			return err
		}
		return tx.Audit(ctx, sqldb.Change{Action: "seat.end", ObjectType: "seat", ObjectID: strconv.FormatInt(seatID, 10), OrgID: orgID,
			After: map[string]any{"left_on": leftOn, "why": why}})
	})
}

const seatColumns = `s.id, s.term_id, s.person_id, p.name, s.post, s.front_line, s.age_band, s.seated, s.left_on, s.left_why`

func scanSeats(rows *sql.Rows, err error) ([]Seat, error) {
	if err != nil {
		return nil, sqldb.MapErr(err)
	}
	defer rows.Close()
	var out []Seat
	for rows.Next() {
		var s Seat
		if err := rows.Scan(&s.ID, &s.TermID, &s.PersonID, &s.Name, &s.Post, &s.FrontLine, &s.AgeBand, &s.Seated, &s.LeftOn, &s.LeftWhy); err != nil {
			return nil, sqldb.MapErr(err)
		}
		out = append(out, s)
	}
	return out, sqldb.MapErr(rows.Err())
}

// postOrder sorts seats leaders first, then by name.
const postOrder = ` ORDER BY CASE s.post WHEN 'chair' THEN 1 WHEN 'vice_chair' THEN 2 WHEN 'secretary_general' THEN 3
	WHEN 'standing_director' THEN 4 WHEN 'director' THEN 5 ELSE 6 END, p.name, s.id`

// Seats lists a term's seats held on a day (all of them when day is "").
func (svc *Service) Seats(ctx context.Context, termID int64, day string) ([]Seat, error) {
	if day == "" {
		return scanSeats(svc.db.Reader().QueryContext(ctx, `SELECT `+seatColumns+` FROM seats s JOIN people p ON p.id = s.person_id WHERE s.term_id = $1`+postOrder, termID))
	}
	return scanSeats(svc.db.Reader().QueryContext(ctx, `SELECT `+seatColumns+` FROM seats s JOIN people p ON p.id = s.person_id
		WHERE s.term_id = $1 AND s.seated <= $2 AND (s.left_on = '' OR s.left_on > $2)`+postOrder, termID, day))
}

// Leader is a leader of an organisation in a term of its council.
type Leader struct {
	Term   int
	From   string
	To     string // "" while in office
	Name   string
	Post   string
	BodyZH string
}

// Leaders lists the organisation's leaders (chair, vice chairs, secretary
// general) of its council — current ones only, or (successive) those of
// every term, newest term first.
func (svc *Service) Leaders(ctx context.Context, orgID int64, successive bool) ([]Leader, error) {
	cond := ` AND t.ended = '' AND s.left_on = ''`
	if successive {
		cond = ``
	}
	rows, err := svc.db.Reader().QueryContext(ctx, `SELECT t.number, s.seated, s.left_on, p.name, s.post, b.name_zh
		FROM bodies b JOIN terms t ON t.body_id = b.id JOIN seats s ON s.term_id = t.id JOIN people p ON p.id = s.person_id
		WHERE b.org_id = $1 AND b.kind = 'council' AND s.post IN ('chair', 'vice_chair', 'secretary_general')`+cond+`
		ORDER BY t.number DESC, CASE s.post WHEN 'chair' THEN 1 WHEN 'vice_chair' THEN 2 ELSE 3 END, s.seated, p.name`, orgID)
	if err != nil {
		return nil, sqldb.MapErr(err)
	}
	defer rows.Close()
	var out []Leader
	for rows.Next() {
		var l Leader
		if err := rows.Scan(&l.Term, &l.From, &l.To, &l.Name, &l.Post, &l.BodyZH); err != nil {
			return nil, sqldb.MapErr(err)
		}
		out = append(out, l)
	}
	return out, sqldb.MapErr(rows.Err())
}

// Findings lists every charter rule an organisation's bodies break or are
// about to break on day: standing council larger than its share of the
// council, front-line shares, renewal at a new term, meetings overdue,
// terms past their end or extended beyond the cap, absences.
func (svc *Service) Findings(ctx context.Context, orgID int64, day time.Time) ([]charter.Finding, error) {
	var out []charter.Finding
	err := svc.db.Read(ctx, func(tx *sqldb.Tx) error {
		c, err := charterOf(ctx, tx, orgID)
		if err != nil {
			return err
		}
		bodies, err := svc.Bodies(ctx, orgID)
		if err != nil {
			return err
		}
		today := day.Format("2006-01-02")
		current := map[charter.BodyKind][]Seat{}
		for _, b := range bodies {
			rules := c.Bodies[b.Kind]
			terms, err := svc.Terms(ctx, b.ID)
			if err != nil {
				return err
			}
			if len(terms) == 0 {
				continue
			}
			t := terms[0]
			seats, err := svc.Seats(ctx, t.ID, today)
			if err != nil {
				return err
			}
			current[b.Kind] = seats
			// People are told apart by id (two 王伟 are two people), named
			// in the findings.
			names := map[string]string{}
			for _, s := range seats {
				names[strconv.FormatInt(s.PersonID, 10)] = s.Name
			}
			named := func(f *charter.Finding) charter.Finding {
				for i, p := range f.People {
					if n, ok := names[p]; ok {
						f.People[i] = n
					}
				}
				slices.Sort(f.People)
				return *f
			}
			if rules.FrontLineMin != nil {
				holders := map[string]bool{}
				for _, s := range seats {
					holders[strconv.FormatInt(s.PersonID, 10)] = s.FrontLine
				}
				if f := charter.FrontLine(b.Kind, *rules.FrontLineMin, holders); f != nil {
					out = append(out, named(f))
				}
			}
			if rules.RenewalMin != nil && len(terms) > 1 {
				prev, err := svc.Seats(ctx, terms[1].ID, "")
				if err != nil {
					return err
				}
				// Renewal is of the term as it began: replacements made during
				// it are not a renewal.
				atStart, err := svc.Seats(ctx, t.ID, t.Started)
				if err != nil {
					return err
				}
				var was, now []string
				for _, s := range prev {
					was = append(was, strconv.FormatInt(s.PersonID, 10))
				}
				for _, s := range atStart {
					k := strconv.FormatInt(s.PersonID, 10)
					now, names[k] = append(now, k), s.Name
				}
				if f := charter.Renewal(b.Kind, *rules.RenewalMin, was, now); f != nil {
					out = append(out, named(f))
				}
			}
			last, err := lastMeeting(ctx, tx, b.ID, today)
			if err != nil {
				return err
			}
			started, _ := kexie.ParseDate(t.Started)
			if f := charter.MeetingDue(b.Kind, rules.MeetEveryMonths, last, started, day); f != nil {
				out = append(out, *f)
			}
			planned, _ := kexie.ParseDate(t.PlannedEnd)
			out = append(out, charter.TermDue(b.Kind, planned, t.ExtensionMonths, rules.MaxExtensionMonths, t.Ended != "", day)...)
			absences, err := absenceHistory(ctx, tx, t.ID, seats, today)
			if err != nil {
				return err
			}
			for _, f := range charter.Absences(b.Kind, rules.AbsenceLimit, absences) {
				out = append(out, named(&f))
			}
		}
		if share := c.Bodies[charter.StandingCouncil].MaxShareOf; share != nil && len(current[share.Of]) > 0 {
			if f := charter.StandingSize(*share, len(current[charter.StandingCouncil]), len(current[share.Of])); f != nil {
				out = append(out, *f)
			}
		}
		return nil
	})
	return out, err
}

// lastMeeting is the day a body last met on or before day (a meeting
// planned ahead is not one held).
func lastMeeting(ctx context.Context, tx *sqldb.Tx, bodyID int64, day string) (time.Time, error) {
	var held sql.NullString
	if err := tx.QueryRowContext(ctx, `SELECT MAX(m.held) FROM meetings m JOIN terms t ON t.id = m.term_id WHERE t.body_id = $1 AND m.held <= $2`,
		bodyID, day).Scan(&held); err != nil {
		return time.Time{}, err
	}
	d, _ := kexie.ParseDate(held.String)
	return d, nil
}

// absenceHistory is each current seat holder's attendance (by person id)
// at the term's meetings held on or before day, oldest first.
func absenceHistory(ctx context.Context, tx *sqldb.Tx, termID int64, seats []Seat, day string) (map[string][]charter.Attendance, error) {
	holder := map[int64]string{}
	for _, s := range seats {
		holder[s.ID] = strconv.FormatInt(s.PersonID, 10)
	}
	rows, err := tx.QueryContext(ctx, `SELECT a.seat_id, a.status FROM attendance a JOIN meetings m ON m.id = a.meeting_id
		WHERE m.term_id = $1 AND m.held <= $2 ORDER BY m.held, m.id`, termID, day)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string][]charter.Attendance{}
	for rows.Next() {
		var seat int64
		var status string
		if err := rows.Scan(&seat, &status); err != nil {
			return nil, err
		}
		if p, ok := holder[seat]; ok {
			out[p] = append(out[p], charter.Attendance(status))
		}
	}
	return out, rows.Err()
}

// errNoQuorum is the refusal to vote without a quorum.
func errNoQuorum(q charter.QuorumState) error {
	return kexie.Errorf(kexie.CodeConflict, "err.no_quorum", "no vote without a quorum: %d of %v seats count as present, %d needed",
		q.Present, kexie.CountOf("count.seats", q.Entitled), q.Required)
}

// BodyByID reads a body.
func (svc *Service) BodyByID(ctx context.Context, id int64) (Body, error) {
	var b Body
	err := svc.db.Read(ctx, func(tx *sqldb.Tx) error {
		var err error
		b, err = body(ctx, tx, id)
		return err
	})
	return b, err
}

// TermByID reads a term and the organisation whose body it is.
func (svc *Service) TermByID(ctx context.Context, id int64) (Term, int64, error) {
	var t Term
	var orgID int64
	err := svc.db.Reader().QueryRowContext(ctx, `SELECT t.id, t.body_id, t.number, t.started, t.planned_end, t.ended, b.org_id
		FROM terms t JOIN bodies b ON b.id = t.body_id WHERE t.id = $1`, id).Scan(&t.ID, &t.BodyID, &t.Number, &t.Started, &t.PlannedEnd, &t.Ended, &orgID)
	if errors.Is(err, sql.ErrNoRows) {
		return t, 0, kexie.Errorf(kexie.CodeNotFound, "err.term_not_found", "no such term")
	}
	return t, orgID, sqldb.MapErr(err)
}

// SeatByID reads a seat and the organisation it belongs to.
func (svc *Service) SeatByID(ctx context.Context, id int64) (Seat, int64, error) {
	var s Seat
	var orgID int64
	err := svc.db.Reader().QueryRowContext(ctx, `SELECT `+seatColumns+`, b.org_id FROM seats s JOIN people p ON p.id = s.person_id
		JOIN terms t ON t.id = s.term_id JOIN bodies b ON b.id = t.body_id WHERE s.id = $1`, id).
		Scan(&s.ID, &s.TermID, &s.PersonID, &s.Name, &s.Post, &s.FrontLine, &s.AgeBand, &s.Seated, &s.LeftOn, &s.LeftWhy, &orgID)
	if errors.Is(err, sql.ErrNoRows) {
		return s, 0, kexie.Errorf(kexie.CodeNotFound, "err.seat_not_found", "no such seat")
	}
	return s, orgID, sqldb.MapErr(err)
}
