package governance_test

import (
	"testing"
	"time"

	"github.com/kexie/kexie/internal/charter"
	"github.com/kexie/kexie/internal/governance"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/membership"
	"github.com/kexie/kexie/internal/registry"
	"github.com/kexie/kexie/internal/sqldb/dbtest"
)

// Seat and status changes have happened: they are not dated after today
// (the Beijing day: 2026-03-02 from 16:00 UTC on 03-01), and a seat does
// not end before it was taken.
func TestSeatAndStatusChangesAreNotInTheFuture(t *testing.T) {
	now := func() time.Time { return time.Date(2026, 3, 1, 22, 6, 0, 0, time.UTC) }
	dbtest.EachWith(t, dbtest.Options{Now: now}, func(t *testing.T, db *dbtest.DB) {
		_, err := db.Registry.ImportOrgs(ctx, dbtest.Admin, dbtest.Numbered(dbtest.OrgRow("CHIA", "", "national_society", "中国图学学会")), registry.ImportOptions{})
		dbtest.Must(t, err)
		chia, err := db.Registry.OrgByCode(ctx, "CHIA")
		dbtest.Must(t, err)
		_, err = db.Membership.ImportMembers(ctx, dbtest.Admin, membership.MemberRecords([]kexie.MemberRecord{{Line: 2, MemberNo: "D1", OrgCode: "CHIA",
			Type: "individual", Name: "理事甲", Status: "active", Joined: "2020-01-01"}}, nil), membership.MemberImportOptions{})
		dbtest.Must(t, err)
		m, err := db.Membership.MemberByNo(ctx, chia.ID, "D1")
		dbtest.Must(t, err)
		council, err := db.Governance.CreateBody(ctx, dbtest.Admin, chia.ID, charter.Council, "理事会", "Council")
		dbtest.Must(t, err)
		future := func(what string, err error) {
			t.Helper()
			if kexie.ErrorCode(err) != kexie.CodeInvalid || kexie.AsError(err).Key != "err.date_future" {
				t.Fatalf("%s dated after today: %v, want err.date_future", what, err)
			}
		}
		_, err = db.Governance.StartTerm(ctx, dbtest.Admin, council.ID, 9, "2026-03-03")
		future("a term", err)
		term, err := db.Governance.StartTerm(ctx, dbtest.Admin, council.ID, 9, "2026-03-02")
		dbtest.Must(t, err)
		_, err = db.Governance.AddSeat(ctx, dbtest.Admin, term.ID, governance.NewSeat{PersonID: m.PersonID, Post: "director", Seated: "2026-03-03"})
		future("a seat taken", err)
		seat, err := db.Governance.AddSeat(ctx, dbtest.Admin, term.ID, governance.NewSeat{PersonID: m.PersonID, Post: "director", Seated: "2026-03-02"})
		dbtest.Must(t, err)
		future("a seat ended", db.Governance.EndSeat(ctx, dbtest.Admin, seat, "2027-01-01", "resignation"))
		if err := db.Governance.EndSeat(ctx, dbtest.Admin, seat, "2026-03-01", "resignation"); kexie.AsError(err).Key != "err.date_before_step" {
			t.Fatalf("a seat ended before it was taken: %v", err)
		}
		dbtest.Must(t, db.Governance.EndSeat(ctx, dbtest.Admin, seat, "2026-03-02", "resignation"))

		// An organisation's status changes, dated as the seeds date them.
		for _, day := range []string{"2027", "2026-04", "2026-03-03"} {
			future("a suspension "+day, db.Registry.ChangeOrgStatus(ctx, dbtest.Admin, chia.ID, registry.StatusChange{Action: "suspend", Happened: day, Resolution: "R1"}))
			future("a history entry "+day, db.Registry.AddHistory(ctx, dbtest.Admin, chia.ID, "established", day, ""))
		}
		dbtest.Must(t, db.Registry.ChangeOrgStatus(ctx, dbtest.Admin, chia.ID, registry.StatusChange{Action: "suspend", Happened: "2026-03", Resolution: "R1"}))
	})
}

// A new term that ends the current one rests on a resolution: without
// one it is refused and nothing ends; with one it is recorded.
func TestANewTermNeedsItsResolution(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		meeting, _ := smallCouncil(t, db, 2)
		m, err := db.Governance.MeetingByID(ctx, meeting)
		dbtest.Must(t, err)
		_, err = db.Governance.BeginTerm(ctx, dbtest.Admin, m.BodyID, governance.NewTerm{Number: 10, Started: "2025-07-01"})
		if kexie.AsError(err).Key != "err.term_resolution" {
			t.Fatalf("a new term without its resolution: %v, want err.term_resolution", err)
		}
		seats, err := db.Governance.Seats(ctx, m.TermID, "2025-07-02")
		dbtest.Must(t, err)
		if len(seats) != 2 {
			t.Fatalf("the refused term ended %d seats", 2-len(seats))
		}
		term, err := db.Governance.BeginTerm(ctx, dbtest.Admin, m.BodyID, governance.NewTerm{Number: 10, Started: "2025-07-01", Resolution: "第十次会员代表大会选举决议"})
		dbtest.Must(t, err)
		terms, err := db.Governance.Terms(ctx, m.BodyID)
		dbtest.Must(t, err)
		if terms[0].ID != term.ID || terms[0].Resolution != "第十次会员代表大会选举决议" {
			t.Fatalf("terms: %+v", terms)
		}
	})
}
