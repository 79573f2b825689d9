package governance_test

import (
	"testing"

	"github.com/kexie/kexie/internal/charter"
	"github.com/kexie/kexie/internal/governance"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/sqldb"
	"github.com/kexie/kexie/internal/sqldb/dbtest"
)

// A motion with a recused seat: the seat whose proxy the recused holder
// holds is recused too; neither votes; the quorum and the base leave both
// out (5 seats, 2 recused: 3 entitled, 3 present, "more than 2/3 of those
// present" needs 3 of 3).
func TestMotionWithRecusedSeats(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		meeting, seats, _ := councilMeeting(t, db, 5, 4)
		dbtest.Must(t, db.Governance.SetAttendance(ctx, dbtest.Admin, meeting, []governance.Presence{{SeatID: seats[4], Status: charter.RepresentedProxy, ProxySeat: seats[0]}}))
		var motion int64
		dbtest.Must(t, db.Write(ctx, dbtest.Admin, func(tx *sqldb.Tx) error {
			var err error
			motion, err = governance.OpenMotionIn(ctx, tx, meeting, "提名 #1", charter.Ordinary, "electronic", []int64{seats[0]})
			return err
		}))
		for _, s := range []int64{seats[0], seats[4]} {
			if err := db.Governance.CastVote(ctx, dbtest.Admin, motion, s, "yes"); kexie.ErrorCode(err) != kexie.CodeForbidden {
				t.Fatalf("recused seat %d votes: %v", s, err)
			}
		}
		for _, s := range seats[1:3] {
			dbtest.Must(t, db.Governance.CastVote(ctx, dbtest.Admin, motion, s, "yes"))
		}
		dbtest.Must(t, db.Governance.CastVote(ctx, dbtest.Admin, motion, seats[3], "no"))
		out, err := db.Governance.CloseMotion(ctx, dbtest.Admin, motion, nil)
		dbtest.Must(t, err)
		if out.Entitled != 3 || out.Present != 3 || out.Base != 3 || out.Required != 3 || out.Passed {
			t.Fatalf("outcome %+v", out)
		}
		// The meeting's own quorum, for any other motion, still counts all five.
		q, err := db.Governance.MeetingQuorum(ctx, meeting)
		dbtest.Must(t, err)
		if q.Entitled != 5 {
			t.Fatalf("meeting quorum %+v", q)
		}
	})
}
