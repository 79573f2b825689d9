package activities_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/kexie/kexie/internal/activities"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/membership"
	"github.com/kexie/kexie/internal/sqldb"
	"github.com/kexie/kexie/internal/sqldb/dbtest"
)

var ctx = context.Background()

// forum enters an activity code owned by organisation owner (its first
// registry sponsor), with capacity places, and opens it to the public.
func forum(t *testing.T, db *dbtest.DB, code, owner string, capacity int, extra ...activities.RoleInput) activities.Activity {
	t.Helper()
	in := activities.Input{Code: code, Kind: "forum", Category: "academic", TitleZH: "青年科学家论坛", Starts: "2025-05-16", Ends: "2025-05-17",
		RegionCode: "230100", Public: true, Capacity: capacity,
		Roles: append([]activities.RoleInput{{Role: "sponsor", OrgCode: owner}}, extra...)}
	a, err := db.Activities.Create(ctx, dbtest.Admin, in)
	dbtest.Must(t, err)
	dbtest.Must(t, db.Activities.SetStatus(ctx, dbtest.Admin, code, activities.StatusPublished))
	dbtest.Must(t, db.Activities.SetStatus(ctx, dbtest.Admin, code, activities.StatusRegistrationOpen))
	return a
}

// TestActivityModel: roles in order with outside bodies, the owner is the
// first registry sponsor, series editions are unique, titles fall back
// and say so, and statuses move only along the allowed transitions.
func TestActivityModel(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		_, a, _, b := dbtest.Tree(t, db)
		_, err := db.Activities.CreateSeries(ctx, dbtest.Admin, "A", activities.Series{Code: "YSF", NameZH: "青年科学家论坛"})
		dbtest.Must(t, err)
		in := activities.Input{Code: "YSF-320", Kind: "forum", Category: "academic", TitleZH: "第320次青年科学家论坛", Starts: "2025-05-16",
			Series: "YSF", Edition: 320, Roles: []activities.RoleInput{
				{Role: "guiding_unit", Name: "伊春市人民政府"}, {Role: "co_sponsor", OrgCode: "B"}, {Role: "sponsor", OrgCode: "A"}, {Role: "organiser", OrgCode: "B"}}}
		act, err := db.Activities.Create(ctx, dbtest.Admin, in)
		dbtest.Must(t, err)
		if act.OrgID != a.ID || len(act.Roles) != 4 || act.Roles[0].Name != "伊春市人民政府" || act.Roles[1].OrgID != b.ID || act.Edition != 320 || act.SeriesCode != "YSF" {
			t.Fatalf("activity = %+v", act)
		}
		if en, fb := act.Title("en"); en != "第320次青年科学家论坛" || !fb {
			t.Errorf("English title = %q (fallback %v), want the Chinese one, marked as a fallback", en, fb)
		}
		if zh, fb := act.Title("zh-Hans"); fb || zh != act.TitleZH {
			t.Errorf("Chinese title = %q fallback %v", zh, fb)
		}
		in.Code = "YSF-320b"
		if _, err := db.Activities.Create(ctx, dbtest.Admin, in); kexie.ErrorCode(err) != kexie.CodeConflict {
			t.Errorf("a second edition 320: %v, want conflict", err)
		}
		in.Roles = []activities.RoleInput{{Role: "sponsor", Name: "某公司"}}
		if _, err := db.Activities.Create(ctx, dbtest.Admin, in); kexie.ErrorCode(err) != kexie.CodeInvalid {
			t.Errorf("no registry sponsor: %v, want invalid", err)
		}
		if err := db.Activities.SetStatus(ctx, dbtest.Admin, "YSF-320", activities.StatusHeld); kexie.ErrorCode(err) != kexie.CodeConflict {
			t.Errorf("draft → held: %v, want conflict", err)
		}
		for _, s := range []string{"published", "registration_open", "closed", "held"} {
			dbtest.Must(t, db.Activities.SetStatus(ctx, dbtest.Admin, "YSF-320", s))
		}
		if err := db.Activities.SetStatus(ctx, dbtest.Admin, "YSF-320", activities.StatusCancelled); kexie.ErrorCode(err) != kexie.CodeConflict {
			t.Errorf("held → cancelled: %v, want conflict (held is final)", err)
		}
		list, total, err := db.Activities.List(ctx, dbtest.Admin, activities.Filter{Series: "YSF"})
		dbtest.Must(t, err)
		if total != 1 || len(list) != 1 || list[0].Code != "YSF-320" {
			t.Errorf("series list = %d %+v", total, list)
		}
	})
}

// TestActivityScope: staff of every registry organisation holding a role
// read the activity; only the owner's staff manage it; others find
// nothing, as for a missing activity.
func TestActivityScope(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		root, a, a1, b := dbtest.Tree(t, db)
		_ = root
		forum(t, db, "F1", "A1", 0, activities.RoleInput{Role: "organiser", OrgCode: "B"})
		staffA := dbtest.As(dbtest.User(t, db, "staff-a", kexie.RoleStaff, a.ID).ID)
		staffB := dbtest.As(dbtest.User(t, db, "staff-b", kexie.RoleStaff, b.ID).ID)
		staffA1 := dbtest.As(dbtest.User(t, db, "staff-a1", kexie.RoleStaff, a1.ID).ID)
		other, err := db.Registry.CreateOrg(ctx, dbtest.Admin, kexie.Organisation{Code: "C", ParentID: root.ID, Kind: "provincial_association", NameZH: "C科协"})
		dbtest.Must(t, err)
		staffC := dbtest.As(dbtest.User(t, db, "staff-c", kexie.RoleStaff, other.ID).ID)
		for _, c := range []struct {
			who          kexie.Actor
			read, manage bool
		}{{staffA, true, true}, {staffA1, true, true}, {staffB, true, false}, {staffC, false, false}} {
			_, err := db.Activities.Activity(ctx, c.who, kexie.PermActivitiesRead, "F1")
			if (err == nil) != c.read {
				t.Errorf("%s reads: %v, want %v", c.who.Username, err, c.read)
			}
			_, total, err := db.Activities.List(ctx, c.who, activities.Filter{})
			dbtest.Must(t, err)
			if (total == 1) != c.read {
				t.Errorf("%s lists %d", c.who.Username, total)
			}
			err = db.Activities.SetStatus(ctx, c.who, "F1", activities.StatusClosed)
			if c.manage {
				dbtest.Must(t, err)
				dbtest.Must(t, db.Activities.SetStatus(ctx, dbtest.Admin, "F1", activities.StatusRegistrationOpen))
			} else if kexie.ErrorCode(err) != kexie.CodeNotFound {
				t.Errorf("%s manages: %v, want not_found", c.who.Username, err)
			}
		}
	})
}

// TestProgrammeBreaksAllRooms: a break is entered once and lies across
// every room's column; no session may be held during it, nor two in one
// room at once; sessions lie within the activity's days.
func TestProgrammeBreaksAllRooms(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		dbtest.Tree(t, db)
		act := forum(t, db, "AM21", "A", 0)
		add := func(room, s, e string) error {
			_, err := db.Activities.AddSession(ctx, dbtest.Admin, "AM21", activities.SessionInput{TitleZH: "分会场" + room, Room: room, Starts: s, Ends: e})
			return err
		}
		for _, room := range []string{"R1", "R2", "R3"} {
			dbtest.Must(t, add(room, "2025-05-16 09:00", "2025-05-16 12:00"))
			dbtest.Must(t, add(room, "2025-05-16 13:30", "2025-05-16 17:00"))
		}
		_, err := db.Activities.AddBreak(ctx, dbtest.Admin, "AM21", "午餐", "Lunch", "2025-05-16 12:00", "2025-05-16 13:30")
		dbtest.Must(t, err)
		if err := add("R1", "2025-05-16 11:00", "2025-05-16 12:30"); kexie.ErrorCode(err) != kexie.CodeConflict {
			t.Errorf("a session into the lunch break: %v, want conflict", err)
		}
		if err := add("R9", "2025-05-16 12:30", "2025-05-16 13:00"); kexie.ErrorCode(err) != kexie.CodeConflict {
			t.Errorf("a session in another room during the break: %v, want conflict", err)
		}
		if err := add("R2", "2025-05-16 10:00", "2025-05-16 10:30"); kexie.ErrorCode(err) != kexie.CodeConflict {
			t.Errorf("two sessions in one room at once: %v, want conflict", err)
		}
		if err := add("R2", "2025-05-18 09:00", "2025-05-18 10:00"); kexie.ErrorCode(err) != kexie.CodeInvalid {
			t.Errorf("a session after the activity's days: %v, want invalid", err)
		}
		if _, err := db.Activities.AddBreak(ctx, dbtest.Admin, "AM21", "茶歇", "", "2025-05-16 10:00", "2025-05-16 10:15"); kexie.ErrorCode(err) != kexie.CodeConflict {
			t.Errorf("a break while sessions run: %v, want conflict", err)
		}
		p, err := db.Activities.Programme(ctx, act.ID)
		dbtest.Must(t, err)
		if len(p.Days) != 1 || len(p.Days[0].Rooms) != 3 || len(p.Days[0].Rows) != 3 {
			t.Fatalf("programme = %+v", p)
		}
		mid := p.Days[0].Rows[1]
		if len(mid.Cells) != 1 || mid.Cells[0].Break == nil || mid.Cells[0].ColSpan != 3 {
			t.Errorf("the lunch row = %+v, want one break across 3 rooms", mid.Cells)
		}
		if first := p.Days[0].Rows[0]; len(first.Cells) != 3 || first.Cells[2].Session == nil || first.Cells[2].Room != "R3" {
			t.Errorf("the morning row = %+v, want three sessions in room columns", first.Cells)
		}
	})
}

// TestRegistrationNeverOverbooks: many goroutines race for the last
// places: exactly capacity are confirmed, the rest waitlisted, none lost;
// a cancellation promotes the first waitlisted, atomically.
func TestRegistrationNeverOverbooks(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		dbtest.Tree(t, db)
		act := forum(t, db, "RACE", "A", 7)
		forum(t, db, "OTHER", "B", 100)
		const n = 40
		var wg sync.WaitGroup
		results := make([]activities.Registration, n)
		errs := make([]error, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				code := "RACE"
				if i%4 == 3 {
					code = "OTHER"
				}
				results[i], errs[i] = db.Activities.Register(ctx, kexie.Actor{}, code, activities.RegisterInput{Name: fmt.Sprintf("访客%02d", i)})
			}()
		}
		wg.Wait()
		count := map[string]int{}
		for i, r := range results {
			dbtest.Must(t, errs[i])
			if r.ActivityCode == "RACE" {
				count[r.Status]++
			}
		}
		if count["confirmed"] != 7 || count["waitlisted"] != 30-7 {
			t.Fatalf("RACE: %v, want 7 confirmed and 23 waitlisted", count)
		}
		got, err := db.Activities.RegistrationCounts(ctx, act.ID)
		dbtest.Must(t, err)
		if got["confirmed"] != 7 || got["waitlisted"] != 23 {
			t.Fatalf("stored: %v", got)
		}
		regs, err := db.Activities.Registrations(ctx, act.ID, 0, 100)
		dbtest.Must(t, err)
		var confirmed, firstWait activities.Registration
		for _, r := range regs {
			if r.Status == "confirmed" && confirmed.ID == 0 {
				confirmed = r
			}
			if r.Status == "waitlisted" && firstWait.ID == 0 {
				firstWait = r
			}
		}
		_, err = db.Activities.CancelByToken(ctx, kexie.Actor{}, confirmed.Token)
		dbtest.Must(t, err)
		promoted, err := db.Activities.RegistrationByToken(ctx, firstWait.Token)
		dbtest.Must(t, err)
		if promoted.Status != "confirmed" {
			t.Errorf("first waitlisted after a cancellation: %s, want confirmed", promoted.Status)
		}
		got, _ = db.Activities.RegistrationCounts(ctx, act.ID)
		if got["confirmed"] != 7 || got["waitlisted"] != 22 || got["cancelled"] != 1 {
			t.Errorf("after the cancellation: %v", got)
		}
		// Concurrent cancellations: each frees a place that goes to the
		// next in line; the count never exceeds the capacity.
		regs, _ = db.Activities.Registrations(ctx, act.ID, 0, 100)
		var toCancel []string
		for _, r := range regs {
			if r.Status == "confirmed" {
				toCancel = append(toCancel, r.Token)
			}
		}
		cancelErrs := make([]error, len(toCancel))
		for i, tok := range toCancel {
			wg.Add(1)
			go func() { defer wg.Done(); _, cancelErrs[i] = db.Activities.CancelByToken(ctx, kexie.Actor{}, tok) }()
		}
		wg.Wait()
		for _, err := range cancelErrs {
			if err != nil {
				t.Errorf("concurrent cancellation: %v", err)
			}
		}
		got, _ = db.Activities.RegistrationCounts(ctx, act.ID)
		if got["confirmed"] != 7 || got["waitlisted"] != 15 {
			t.Errorf("after 7 concurrent cancellations: %v, want 7 confirmed, 15 waitlisted", got)
		}
		a, _ := db.Activities.ByCode(ctx, "RACE")
		if a.Confirmed != 7 {
			t.Errorf("the activity's count of places = %d, want 7", a.Confirmed)
		}
	})
}

// TestRegistrationWindow: the public registers only while registration is
// open; a draft activity does not exist for them; approval makes pending.
func TestRegistrationWindow(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		dbtest.Tree(t, db)
		_, err := db.Activities.Create(ctx, dbtest.Admin, activities.Input{Code: "D", Kind: "lecture", Category: "popularisation", TitleEN: "Talk",
			Starts: "2025-09-20", Public: true, Approval: true, Roles: []activities.RoleInput{{Role: "sponsor", OrgCode: "A"}}})
		dbtest.Must(t, err)
		if _, err := db.Activities.Register(ctx, kexie.Actor{}, "D", activities.RegisterInput{Name: "x"}); kexie.ErrorCode(err) != kexie.CodeNotFound {
			t.Errorf("a draft: %v, want not_found", err)
		}
		dbtest.Must(t, db.Activities.SetStatus(ctx, dbtest.Admin, "D", "published"))
		if _, err := db.Activities.Register(ctx, kexie.Actor{}, "D", activities.RegisterInput{Name: "x"}); kexie.ErrorCode(err) != kexie.CodeConflict {
			t.Errorf("published, not open: %v, want conflict", err)
		}
		dbtest.Must(t, db.Activities.SetStatus(ctx, dbtest.Admin, "D", "registration_open"))
		r, err := db.Activities.Register(ctx, kexie.Actor{}, "D", activities.RegisterInput{Name: "x"})
		dbtest.Must(t, err)
		if r.Status != "pending" {
			t.Errorf("with approval: %s, want pending", r.Status)
		}
		r, err = db.Activities.Decide(ctx, dbtest.Admin, "D", r.Reference, true)
		dbtest.Must(t, err)
		if r.Status != "confirmed" {
			t.Errorf("approved: %s", r.Status)
		}
	})
}

// member imports a member whose last participation was long ago.
func member(t *testing.T, db *dbtest.DB, org, no string) membership.Member {
	t.Helper()
	rows := []kexie.MemberRecord{{Line: 2, MemberNo: no, OrgCode: org, Type: "individual", Name: "会员" + no, Status: "active",
		Joined: "2010-01-01", LastDuesPaid: kexie.Today(db.Now()).String(), LastActivity: "2010-01-01"}}
	_, err := db.Membership.ImportMembers(ctx, dbtest.Admin, membership.MemberRecords(rows, nil), membership.MemberImportOptions{})
	dbtest.Must(t, err)
	o, err := db.Registry.OrgByCode(ctx, org)
	dbtest.Must(t, err)
	m, err := db.Membership.MemberByNo(ctx, o.ID, no)
	dbtest.Must(t, err)
	return m
}

func lapses(t *testing.T, db *dbtest.DB, id int64) bool {
	ls, err := db.Membership.Lapses(ctx, dbtest.Admin, db.Now())
	dbtest.Must(t, err)
	for _, l := range ls {
		if l.MembershipID == id {
			return true
		}
	}
	return false
}

// TestCheckInOnceAndParticipation: a check-in under "once" counts once; a
// second scan is a duplicate answered with the first time and kept in the
// history; a nonce sent again records nothing; a member who would lapse
// for lack of participation does not after a check-in.
func TestCheckInOnceAndParticipation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		dbtest.Tree(t, db)
		act := forum(t, db, "CI", "A", 0)
		m := member(t, db, "A", "M001")
		if !lapses(t, db, m.ID) {
			t.Fatal("the member should lapse before the check-in (set-up)")
		}
		r, err := db.Activities.Register(ctx, dbtest.Admin, "CI", activities.RegisterInput{OrgCode: "A", MemberNo: "M001"})
		dbtest.Must(t, err)
		if r.MembershipID != m.ID || r.Status != "confirmed" {
			t.Fatalf("registration = %+v", r)
		}
		c1, err := db.Activities.CheckIn(ctx, dbtest.Admin, "CI", activities.Scan{Code: r.Token, Nonce: "n1"})
		dbtest.Must(t, err)
		if c1.Result != "checked_in" {
			t.Fatalf("first scan: %+v", c1)
		}
		if lapses(t, db, m.ID) {
			t.Error("the member still lapses after checking in: attendance did not feed participation")
		}
		c2, err := db.Activities.CheckIn(ctx, dbtest.Admin, "CI", activities.Scan{Code: activities.FormatReference(r.Reference), Nonce: "n2"})
		dbtest.Must(t, err)
		if c2.Result != "duplicate" || !c2.At.Equal(c1.At) {
			t.Errorf("second scan: %+v, want duplicate at %v", c2, c1.At)
		}
		c3, err := db.Activities.CheckIn(ctx, dbtest.Admin, "CI", activities.Scan{Code: r.Token, Nonce: "n1", Offline: true})
		dbtest.Must(t, err)
		if c3.Result != "checked_in" || !c3.Replayed {
			t.Errorf("nonce n1 again: %+v, want the first answer replayed", c3)
		}
		h, err := db.Activities.History(ctx, act.ID, 10)
		dbtest.Must(t, err)
		if len(h) != 2 || h[0].Result != "duplicate" || h[1].Result != "checked_in" {
			t.Errorf("history = %+v, want the check-in and one duplicate", h)
		}
		var parts int
		dbtest.Must(t, db.Reader().QueryRowContext(ctx, `SELECT COUNT(*) FROM participations WHERE membership_id = $1`, m.ID).Scan(&parts))
		if parts != 1 {
			t.Errorf("%d participation records, want 1", parts)
		}
	})
}

// TestCheckInConcurrentNeverDoubles: the same registration scanned at
// once on many phones (different nonces) is checked in exactly once; the
// same offline upload sent many times at once is recorded once.
func TestCheckInConcurrentNeverDoubles(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		dbtest.Tree(t, db)
		act := forum(t, db, "CC", "A", 0)
		dbtest.Must(t, db.Activities.AddList(ctx, dbtest.Admin, "CC", "daily", "once_daily", 0, ""))
		r, err := db.Activities.Register(ctx, kexie.Actor{}, "CC", activities.RegisterInput{Name: "张三"})
		dbtest.Must(t, err)
		var wg sync.WaitGroup
		res := make([]activities.Checkin, 24)
		errs := make([]error, 24)
		for i := range 24 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				s := activities.Scan{Code: r.Token, Nonce: fmt.Sprintf("phone-%d", i)}
				if i >= 12 {
					s = activities.Scan{Code: r.Token, List: "daily", Nonce: "offline-1", Offline: true, At: "2025-05-16T08:00:00+08:00"}
				}
				res[i], errs[i] = db.Activities.CheckIn(ctx, dbtest.Admin, "CC", s)
			}()
		}
		wg.Wait()
		n := map[string]int{}
		for i := range res {
			dbtest.Must(t, errs[i])
			if i < 12 {
				n[res[i].Result]++
			}
		}
		if n["checked_in"] != 1 || n["duplicate"] != 11 {
			t.Errorf("12 scans at once: %v, want 1 checked in, 11 duplicates", n)
		}
		h, _ := db.Activities.History(ctx, act.ID, 100)
		daily := 0
		for _, e := range h {
			if e.List == "daily" {
				daily++
				if !e.Offline || e.Result != "checked_in" {
					t.Errorf("offline entry = %+v", e)
				}
			}
		}
		if daily != 1 {
			t.Errorf("one offline scan uploaded 12 times is %d entries, want 1", daily)
		}
	})
}

// TestDeskBatchKeepsEachAnswer: registrations arriving together are
// written together, yet each keeps its own answer and its own audit
// entry under its own caller; one that fails (a member registered twice,
// refused by the database's unique index on PostgreSQL) leaves nothing
// of itself and does not fail the others.
func TestDeskBatchKeepsEachAnswer(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		dbtest.Tree(t, db)
		act := forum(t, db, "BATCH", "A", 12)
		member(t, db, "A", "M-1")
		const visitors, twice = 16, 8
		var wg sync.WaitGroup
		errs := make([]error, visitors+twice)
		regs := make([]activities.Registration, visitors+twice)
		for i := range visitors + twice {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if i < visitors {
					regs[i], errs[i] = db.Activities.Register(ctx, kexie.Actor{Username: "anonymous", Source: fmt.Sprintf("10.0.0.%d", i)}, "BATCH",
						activities.RegisterInput{Name: fmt.Sprintf("访客%02d", i)})
					return
				}
				regs[i], errs[i] = db.Activities.Register(ctx, dbtest.Admin, "BATCH", activities.RegisterInput{OrgCode: "A", MemberNo: "M-1"})
			}()
		}
		wg.Wait()
		count := map[string]int{}
		var memberRefs []string
		for i, err := range errs {
			switch {
			case i < visitors && err != nil:
				t.Fatalf("visitor %d: %v", i, err)
			case i < visitors:
				count[regs[i].Status]++
			case err == nil:
				memberRefs = append(memberRefs, regs[i].Reference)
				count[regs[i].Status]++
			case kexie.ErrorCode(err) != kexie.CodeConflict:
				t.Fatalf("member registered again: %v, want conflict", err)
			}
		}
		if len(memberRefs) != 1 || count["confirmed"] != 12 || count["waitlisted"] != visitors+1-12 {
			t.Fatalf("answers: %v, member registered %d times, want 12 confirmed, %d waitlisted, the member once", count, len(memberRefs), visitors+1-12)
		}
		stored, err := db.Activities.RegistrationCounts(ctx, act.ID)
		dbtest.Must(t, err)
		if stored["confirmed"] != 12 || stored["waitlisted"] != visitors+1-12 {
			t.Fatalf("stored: %v", stored)
		}
		entries, err := db.Audit(ctx, dbtest.Admin, sqldb.AuditFilter{Action: "activity.register", Limit: 100})
		dbtest.Must(t, err)
		sources := map[string]bool{}
		for _, e := range entries {
			sources[e.Source] = true
		}
		if len(entries) != visitors+1 || !sources["10.0.0.0"] || !sources[fmt.Sprintf("10.0.0.%d", visitors-1)] {
			t.Fatalf("audit: %d entries from %v, want %d, each under its caller", len(entries), sources, visitors+1)
		}
		n, err := db.VerifyAudit(ctx, nil)
		dbtest.Must(t, err)
		if n == 0 {
			t.Fatal("the audit chain is empty")
		}
	})
}

// TestProgrammePeopleAsRecords: chairs and speakers entered in a
// programme's fields become records, in order, each with the affiliation
// in brackets; a member of the register is named as the register names
// them, of their organisation; the programme carries each session's
// chairs and contributions with their speakers and paper.
func TestProgrammePeopleAsRecords(t *testing.T) {
	got := activities.ParsePeople("王芳（哈尔滨工业大学）、李娜, Ivan Petrov (Tomsk State University, Russia)；\n")
	if len(got) != 3 || got[0].Name != "王芳" || got[0].Affiliation != "哈尔滨工业大学" || got[1].Name != "李娜" || got[1].Affiliation != "" ||
		got[2].Name != "Ivan Petrov" || got[2].Affiliation != "Tomsk State University, Russia" {
		t.Fatalf("ParsePeople = %+v", got)
	}
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		dbtest.Tree(t, db)
		act := forum(t, db, "PPL", "A", 0)
		member(t, db, "A", "M-7")
		sid, err := db.Activities.AddSession(ctx, dbtest.Admin, "PPL", activities.SessionInput{TitleZH: "主论坛", Room: "报告厅", Chairs: "王芳（哈尔滨工业大学）、李娜",
			Starts: "2025-05-16 09:00", Ends: "2025-05-16 11:00"})
		dbtest.Must(t, err)
		cid, err := db.Activities.AddContribution(ctx, dbtest.Admin, "PPL", sid, activities.Contribution{Title: "寒区森林生态旅游", Speakers: "Ivan Petrov (Tomsk State University)", Paper: true})
		dbtest.Must(t, err)
		_, err = db.Activities.AddSpeaker(ctx, dbtest.Admin, "PPL", cid, activities.Person{OrgCode: "A", MemberNo: "M-7"})
		dbtest.Must(t, err)
		_, err = db.Activities.AddChair(ctx, dbtest.Admin, "PPL", sid, activities.Person{OrgCode: "A", MemberNo: "M-404"})
		if kexie.ErrorCode(err) != kexie.CodeInvalid {
			t.Errorf("a chair not in the register: %v, want invalid", err)
		}
		if _, err := db.Activities.AddSpeaker(ctx, dbtest.Admin, "PPL", cid+1000, activities.Person{Name: "某人"}); kexie.ErrorCode(err) != kexie.CodeNotFound {
			t.Errorf("a speaker of no contribution: %v, want not found", err)
		}
		p, err := db.Activities.Programme(ctx, act.ID)
		dbtest.Must(t, err)
		var s *activities.Session
		for _, d := range p.Days {
			for _, r := range d.Rows {
				for _, c := range r.Cells {
					if c.Session != nil {
						s = c.Session
					}
				}
			}
		}
		if s == nil || len(s.ChairList) != 2 || s.ChairList[0].Label("zh-Hans") != "王芳（哈尔滨工业大学）" || s.ChairList[1].Name != "李娜" {
			t.Fatalf("chairs: %+v", s)
		}
		if len(s.Contributions) != 1 || !s.Contributions[0].Paper || len(s.Contributions[0].Speakers) != 2 {
			t.Fatalf("contributions: %+v", s.Contributions)
		}
		sp := s.Contributions[0].Speakers
		if sp[0].Label("en") != "Ivan Petrov (Tomsk State University)" || sp[1].Name != "会员M-7" || sp[1].Affiliation != "A科协" || sp[1].MemberNo != "M-7" {
			t.Errorf("speakers: %+v", sp)
		}
		// Changing the chairs' field replaces the chairs.
		dbtest.Must(t, db.Activities.UpdateSession(ctx, dbtest.Admin, "PPL", sid, activities.SessionInput{TitleZH: "主论坛", Room: "报告厅", Chairs: "赵六",
			Starts: "2025-05-16 09:00", Ends: "2025-05-16 11:00"}))
		p, _ = db.Activities.Programme(ctx, act.ID)
		for _, d := range p.Days {
			for _, r := range d.Rows {
				for _, c := range r.Cells {
					if c.Session != nil && (len(c.Session.ChairList) != 1 || c.Session.ChairList[0].Name != "赵六") {
						t.Errorf("chairs after the change: %+v", c.Session.ChairList)
					}
				}
			}
		}
		// A session goes with its chairs, contributions and speakers.
		dbtest.Must(t, db.Activities.DeleteSession(ctx, dbtest.Admin, "PPL", sid))
	})
}
