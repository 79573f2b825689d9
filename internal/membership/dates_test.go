package membership_test

import (
	"testing"
	"time"

	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/membership"
	"github.com/kexie/kexie/internal/sqldb/dbtest"
)

// sentAt is 06:06 on 2026-03-02 in Beijing: 22:06 UTC the day before.
var sentAt = time.Date(2026, 3, 1, 22, 6, 0, 0, time.UTC)

func fixedClock() dbtest.Options { return dbtest.Options{Now: func() time.Time { return sentAt }} }

// Things that have happened are not dated in the future (today is the
// Beijing day), and the steps of an application do not go back in time.
func TestDatesOfThingsThatHappened(t *testing.T) {
	dbtest.EachWith(t, fixedClock(), func(t *testing.T, db *dbtest.DB) {
		_, a, _, _ := dbtest.Tree(t, db)
		id, _, err := db.Membership.Apply(ctx, kexie.Actor{Username: "anonymous"}, a.ID, kexie.MemberRecord{Type: "individual", Name: "王芳", Gender: "female"}, nil, nil)
		dbtest.Must(t, err)
		h, err := db.Membership.MemberHistory(ctx, id)
		dbtest.Must(t, err)
		if len(h) != 1 || h[0].Happened != "2026-03-02" {
			t.Fatalf("an application sent at 06:06 Beijing time is dated %+v, want 2026-03-02", h)
		}
		future := func(what string, err error) {
			t.Helper()
			if kexie.ErrorCode(err) != kexie.CodeInvalid || kexie.AsError(err).Key != "err.date_future" {
				t.Fatalf("%s dated after today: %v, want err.date_future", what, err)
			}
		}
		back := func(what string, err error) {
			t.Helper()
			if kexie.ErrorCode(err) != kexie.CodeInvalid || kexie.AsError(err).Key != "err.date_before_step" {
				t.Fatalf("%s dated before the step it follows: %v, want err.date_before_step", what, err)
			}
		}
		// The application was submitted on 2026-03-02: it is not reviewed
		// the day before, nor tomorrow.
		_, err = db.Membership.Decide(ctx, dbtest.Admin, id, membership.Decision{Action: "review", Day: "2026-03-01"})
		back("a review", err)
		_, err = db.Membership.Decide(ctx, dbtest.Admin, id, membership.Decision{Action: "review", Day: "2026-03-03"})
		future("a review", err)
		_, err = db.Membership.Decide(ctx, dbtest.Admin, id, membership.Decision{Action: "review", Day: "2026-03-02"})
		dbtest.Must(t, err)
		_, err = db.Membership.Decide(ctx, dbtest.Admin, id, membership.Decision{Action: "approve", Day: "2026-02-20", Body: "council", Resolution: "R1"})
		back("an approval", err)
		_, err = db.Membership.Decide(ctx, dbtest.Admin, id, membership.Decision{Action: "approve", Day: "2026-03-02", Body: "council", Resolution: "R1"})
		dbtest.Must(t, err)

		future("a dues payment", db.Membership.RecordDues(ctx, dbtest.Admin, id, "2028-03-02", 5000, "2028", "R-1"))
		future("a participation", db.Membership.RecordParticipation(ctx, dbtest.Admin, id, "2026-03-03", "年会"))
		future("a status change", db.Membership.ChangeMemberStatus(ctx, dbtest.Admin, id, membership.MemberChange{Status: "withdrawn", Happened: "2026-04-01", Reason: "书面申请"}))
		back("a withdrawal", db.Membership.ChangeMemberStatus(ctx, dbtest.Admin, id, membership.MemberChange{Status: "withdrawn", Happened: "2026-01-01", Reason: "书面申请"}))
		m, err := db.Membership.MemberByID(ctx, id)
		dbtest.Must(t, err)
		if m.Record.LastDuesPaid != "" || m.Record.LastActivity != "" || m.Record.Status != "active" {
			t.Fatalf("a refused date was recorded: %+v", m.Record)
		}
		// Today is fine.
		// A payment is bounded: 92 quadrillion yuan was once accepted.
		for _, fen := range []int64{-1, membership.MaxPaymentFen + 1, 9_200_000_000_000_000_000} {
			if err := db.Membership.RecordDues(ctx, dbtest.Admin, id, "2026-03-02", fen, "2026", "R-X"); kexie.AsError(err).Key != "err.payment_amount" {
				t.Fatalf("a payment of %d fen: %v", fen, err)
			}
		}
		dbtest.Must(t, db.Membership.RecordDues(ctx, dbtest.Admin, id, "2026-03-02", 5000, "2026", "R-2"))
		dbtest.Must(t, db.Membership.RecordParticipation(ctx, dbtest.Admin, id, "2026-03-02", "年会"))
	})
}
