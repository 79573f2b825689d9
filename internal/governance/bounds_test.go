package governance_test

import (
	"testing"

	"github.com/kexie/kexie/internal/charter"
	"github.com/kexie/kexie/internal/governance"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/sqldb/dbtest"
)

// TestRequestsAreBounded: what a request may ask of governance is bounded
// before any write lock is taken — an election of 250,000 candidates held
// every write for seconds — and titles hold no control characters (issue
// 12, items 8 and 12).
func TestRequestsAreBounded(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		meeting, seats, people := councilMeeting(t, db, 5, 5)
		m, err := db.Governance.MeetingByID(ctx, meeting)
		dbtest.Must(t, err)
		many := make([]int64, 10001)
		for i := range many {
			many[i] = people[i%len(people)]
		}
		key := func(err error) string { return kexie.AsError(err).Key }
		if _, err := db.Voting.OpenElection(ctx, dbtest.Admin, meeting, governance.NewElection{Title: "选举", Seats: 1, Candidates: many}); key(err) != "err.election_size" {
			t.Errorf("10,001 candidates: %v", err)
		}
		if _, err := db.Voting.OpenElection(ctx, dbtest.Admin, meeting, governance.NewElection{Title: "选举", Seats: 3, Candidates: people[:2]}); key(err) != "err.election_size" {
			t.Errorf("more seats than candidates: %v", err)
		}
		if _, err := db.Voting.OpenElection(ctx, dbtest.Admin, meeting, governance.NewElection{Title: "选举\x07", Seats: 1, Candidates: people[:2]}); key(err) != "err.control_chars" {
			t.Errorf("a title with a control character: %v", err)
		}
		if _, err := db.Governance.OpenMotion(ctx, dbtest.Admin, meeting, "议案\x1b[2J", charter.Ordinary, "electronic"); key(err) != "err.control_chars" {
			t.Errorf("a motion title with a control character: %v", err)
		}
		if err := db.Governance.ExtendTerm(ctx, dbtest.Admin, m.TermID, 99999999999, "决议"); key(err) != "err.extension" {
			t.Errorf("an extension of 99,999,999,999 months: %v", err)
		}
		list := make([]governance.Presence, 10001)
		for i := range list {
			list[i] = governance.Presence{SeatID: seats[i%len(seats)], Status: charter.Present}
		}
		if err := db.Governance.SetAttendance(ctx, dbtest.Admin, meeting, list); key(err) != "err.attendance_size" {
			t.Errorf("an attendance list of 10,001: %v", err)
		}
		// Within the bounds all is taken.
		dbtest.Must(t, db.Governance.ExtendTerm(ctx, dbtest.Admin, m.TermID, 12, "第2次会议决议"))
		if _, err := db.Voting.OpenElection(ctx, dbtest.Admin, meeting, governance.NewElection{Title: "选举\n常务理事", Seats: 2, Candidates: people[:2]}); err != nil {
			t.Errorf("an election within the bounds: %v", err)
		}
	})
}
