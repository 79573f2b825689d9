package governance_test

import (
	"testing"

	"github.com/kexie/kexie/internal/charter"
	"github.com/kexie/kexie/internal/governance"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/sqldb/dbtest"
)

// TestQuorumShownIsTheVotesQuorum: the quorum a meeting page shows is the
// one a vote is refused by. A new term that ends the seats before the
// meeting's day leaves the meeting no seat: the page says so (0 of 0, not
// met) as the refused vote does, where it said "met, 5/5" (issue 12, item
// 17).
func TestQuorumShownIsTheVotesQuorum(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		meeting, _, _ := councilMeeting(t, db, 5, 5)
		q, err := db.Governance.MeetingQuorum(ctx, meeting)
		dbtest.Must(t, err)
		if !q.Met || q.Entitled != 5 || q.Present != 5 {
			t.Fatalf("before the new term: %+v", q)
		}
		m, err := db.Governance.MeetingByID(ctx, meeting)
		dbtest.Must(t, err)
		_, err = db.Governance.BeginTerm(ctx, dbtest.Admin, m.BodyID, governance.NewTerm{Number: 2, Started: "2026-05-01", Resolution: "换届选举决议"})
		dbtest.Must(t, err)
		q, err = db.Governance.MeetingQuorum(ctx, meeting)
		dbtest.Must(t, err)
		_, voteErr := db.Governance.OpenMotion(ctx, dbtest.Admin, meeting, "年度报告", charter.Ordinary, "electronic")
		if q.Met || q.Entitled != 0 || kexie.ErrorCode(voteErr) != kexie.CodeConflict {
			t.Fatalf("after the new term: the page's quorum %+v, the vote: %v", q, voteErr)
		}
	})
}

// TestAttendanceListInChunks: a list longer than one statement's chunk
// (1,000 seats) is stored whole: every seat marked as the list says.
func TestAttendanceListInChunks(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		meeting, seats, _ := councilMeeting(t, db, 1003, 0)
		var p []governance.Presence
		for i, s := range seats {
			st := charter.Present
			if i%2 == 1 {
				st = charter.AbsentExcused
			}
			p = append(p, governance.Presence{SeatID: s, Status: st})
		}
		dbtest.Must(t, db.Governance.SetAttendance(ctx, dbtest.Admin, meeting, p))
		rows, err := db.Governance.Attendance(ctx, meeting)
		dbtest.Must(t, err)
		present := 0
		for _, r := range rows {
			if r.Status == charter.Present {
				present++
			}
		}
		if len(rows) != 1003 || present != 502 {
			t.Fatalf("%d rows, %d present; want 1003, 502", len(rows), present)
		}
	})
}

// When a congress's seats first come into a meeting's attendance,
// PostgreSQL's planner has the table's statistics at once (not when
// autovacuum next comes by), so that the look-up of a voter's seats at
// every ballot is planned on the rows there are.
func TestLargeAttendanceRefreshesPostgresStatistics(t *testing.T) {
	db := dbtest.OpenPostgres(t, dbtest.Options{})
	councilMeeting(t, db, 600, 0)
	var cols int
	if err := db.Writer().QueryRowContext(ctx, `SELECT count(*) FROM pg_stats WHERE schemaname = current_schema() AND tablename = 'attendance'`).Scan(&cols); err != nil {
		t.Fatal(err)
	}
	if cols == 0 {
		t.Fatal("no statistics of attendance after 600 seats came into a meeting")
	}
}
