package governance_test

import (
	"errors"
	"testing"

	"github.com/kexie/kexie/internal/charter"
	"github.com/kexie/kexie/internal/governance"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/registry"
	"github.com/kexie/kexie/internal/sqldb"
	"github.com/kexie/kexie/internal/sqldb/dbtest"
)

// TestWritesCheckTheirObject: every governance write checks, in its own
// transaction, that the actor may manage the organisation its object
// belongs to. A user of another subtree finds nothing (not_found, exactly
// as for an object that does not exist) and changes nothing — the audit
// log stays as it was; a user of the organisation's own subtree succeeds.
func TestWritesCheckTheirObject(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		meeting, seats, people := councilMeeting(t, db, 5, 5)
		soc, err := db.Registry.OrgByCode(ctx, "SOC")
		dbtest.Must(t, err)
		_, err = db.Registry.ImportOrgs(ctx, dbtest.Admin, dbtest.Numbered(dbtest.OrgRow("OTHER", "", "national_society", "另一学会")), registry.ImportOptions{})
		dbtest.Must(t, err)
		other, err := db.Registry.OrgByCode(ctx, "OTHER")
		dbtest.Must(t, err)
		out := dbtest.User(t, db, "staff.other", kexie.RoleStaff, other.ID)
		in := dbtest.User(t, db, "staff.soc", kexie.RoleStaff, soc.ID)
		outsider := kexie.Actor{UserID: out.ID, Username: out.Username, Source: "test"}
		insider := kexie.Actor{UserID: in.ID, Username: in.Username, Source: "test"}
		m, err := db.Governance.MeetingByID(ctx, meeting)
		dbtest.Must(t, err)
		body, err := db.Governance.BodyByID(ctx, m.BodyID)
		dbtest.Must(t, err)
		motion, err := db.Governance.OpenMotion(ctx, dbtest.Admin, meeting, "年度报告", charter.Ordinary, "electronic")
		dbtest.Must(t, err)

		auditCount := func() int {
			es, err := db.Audit(ctx, dbtest.System, sqldb.AuditFilter{Limit: 10000})
			dbtest.Must(t, err)
			return len(es)
		}
		writes := []struct {
			name string
			do   func(a kexie.Actor) error
		}{
			{"SetCharter", func(a kexie.Actor) error { return db.Governance.SetCharter(ctx, a, soc.ID, "national_society") }},
			{"SetCharterRules", func(a kexie.Actor) error {
				c, err := db.Governance.CharterOf(ctx, soc.ID)
				dbtest.Must(t, err)
				return db.Governance.SetCharterRules(ctx, a, soc.ID, c)
			}},
			{"CreateBody", func(a kexie.Actor) error {
				_, err := db.Governance.CreateBody(ctx, a, soc.ID, charter.StandingCouncil, "常务理事会", "Standing council")
				return err
			}},
			{"ExtendTerm", func(a kexie.Actor) error { return db.Governance.ExtendTerm(ctx, a, m.TermID, 6, "第1次会议决议") }},
			{"AddSeat", func(a kexie.Actor) error {
				_, err := db.Governance.AddSeat(ctx, a, m.TermID, governance.NewSeat{PersonID: people[0], Post: "supervisor", Seated: "2025-02-01"})
				return err
			}},
			{"EndSeat", func(a kexie.Actor) error { return db.Governance.EndSeat(ctx, a, seats[4], "2025-03-01", "resignation") }},
			{"CreateMeeting", func(a kexie.Actor) error {
				_, err := db.Governance.CreateMeeting(ctx, a, m.TermID, governance.NewMeeting{Held: "2026-06-02"})
				return err
			}},
			{"CloseMotion", func(a kexie.Actor) error {
				_, err := db.Governance.CloseMotion(ctx, a, motion, nil)
				return err
			}},
			{"SetAttendance", func(a kexie.Actor) error {
				return db.Governance.SetAttendance(ctx, a, meeting, []governance.Presence{{SeatID: seats[0], Status: charter.Present}})
			}},
			{"OpenMotion", func(a kexie.Actor) error {
				_, err := db.Governance.OpenMotion(ctx, a, meeting, "财务报告", charter.Ordinary, "electronic")
				return err
			}},
			{"OpenElection", func(a kexie.Actor) error {
				_, err := db.Voting.OpenElection(ctx, a, meeting, governance.NewElection{Title: "补选", Seats: 1, Candidates: people[:2]})
				return err
			}},
		}
		for _, w := range writes {
			before := auditCount()
			if err := w.do(outsider); !errors.Is(err, kexie.ErrNotFound) {
				t.Errorf("%s by a user of another subtree: %v, want not found", w.name, err)
			}
			if n := auditCount(); n != before {
				t.Errorf("%s by a user of another subtree wrote %d audit entries", w.name, n-before)
			}
			if err := w.do(insider); err != nil {
				t.Errorf("%s by the organisation's staff: %v", w.name, err)
			}
		}
		// The election just opened: closing it is the organisation's too.
		els, err := db.Voting.Elections(ctx, meeting)
		dbtest.Must(t, err)
		if len(els) != 1 {
			t.Fatalf("%d elections, want 1", len(els))
		}
		if _, err := db.Voting.CloseElection(ctx, outsider, els[0].ID, sealer); !errors.Is(err, kexie.ErrNotFound) {
			t.Errorf("CloseElection by a user of another subtree: %v, want not found", err)
		}
		if _, err := db.Voting.CloseElection(ctx, insider, els[0].ID, sealer); err != nil {
			t.Errorf("CloseElection by the organisation's staff: %v", err)
		}
		// Last, as a new term ends the seats of the one before.
		if _, err := db.Governance.BeginTerm(ctx, outsider, body.ID, governance.NewTerm{Number: 2, Started: "2026-07-01", Resolution: "换届选举决议"}); !errors.Is(err, kexie.ErrNotFound) {
			t.Errorf("StartTerm by a user of another subtree: %v, want not found", err)
		}
		if _, err := db.Governance.BeginTerm(ctx, insider, body.ID, governance.NewTerm{Number: 2, Started: "2026-07-01", Resolution: "换届选举决议"}); err != nil {
			t.Errorf("StartTerm by the organisation's staff: %v", err)
		}
	})
}
