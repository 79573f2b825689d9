package activities_test

import (
	"testing"
	"time"

	"github.com/kexie/kexie/internal/activities"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/sqldb"
	"github.com/kexie/kexie/internal/sqldb/dbtest"
)

// TestCheckInBatchAnswersEach: scans written together in one batch of the
// desk — duplicates of each other, of check-ins made before the batch,
// nonces sent twice within the batch and before it, an unknown code —
// each get the answer they would have had one by one: the first of a
// registration's scans checked in, the next ones duplicates answered with
// its time, a nonce seen before replayed, the unknown code refused alone;
// a member's check-in feeds participation once.
func TestCheckInBatchAnswersEach(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		dbtest.Tree(t, db)
		act := forum(t, db, "DUPS", "A", 0)
		m := member(t, db, "A", "M-9")
		var regs []activities.Registration
		for _, name := range []string{"甲", "乙", "丙", "丁"} {
			r, err := db.Activities.Register(ctx, kexie.Actor{}, "DUPS", activities.RegisterInput{Name: name})
			dbtest.Must(t, err)
			regs = append(regs, r)
		}
		mr, err := db.Activities.Register(ctx, dbtest.Admin, "DUPS", activities.RegisterInput{OrgCode: "A", MemberNo: "M-9"})
		dbtest.Must(t, err)
		// Checked in before the batch.
		e0, err := db.Activities.CheckIn(ctx, dbtest.Admin, "DUPS", activities.Scan{Code: regs[0].Token, Nonce: "e0"})
		dbtest.Must(t, err)
		e3, err := db.Activities.CheckIn(ctx, dbtest.Admin, "DUPS", activities.Scan{Code: regs[3].Token, Nonce: "e3"})
		dbtest.Must(t, err)
		if e0.Result != "checked_in" || e3.Result != "checked_in" {
			t.Fatalf("before the batch: %+v, %+v", e0, e3)
		}
		scans := []activities.Scan{
			{Code: activities.FormatReference(regs[0].Reference), Nonce: "b0"},                 // 0: duplicate of e0, by reference
			{Code: regs[1].Token, Nonce: "b1"},                                                 // 1: checked in
			{Code: regs[1].Token, Nonce: "b2"},                                                 // 2: duplicate of 1
			{Code: regs[1].Token, Nonce: "b1"},                                                 // 3: 1 replayed
			{Code: regs[2].Token, Nonce: "b4"},                                                 // 4: checked in
			{Code: regs[2].Token},                                                              // 5: duplicate of 4, no nonce
			{Code: "NO-SUCH-CODE", Nonce: "b6"},                                                // 6: refused
			{Code: mr.Token, Nonce: "b7"},                                                      // 7: checked in, participation
			{Code: mr.Token, Nonce: "b8"},                                                      // 8: duplicate of 7
			{Code: regs[3].Token, Nonce: "e3"},                                                 // 9: e3 replayed
			{Code: regs[1].Token, Nonce: "b2"},                                                 // 10: 2 replayed (a duplicate)
			{Code: regs[0].Token, Nonce: "e0", Offline: true, At: "2025-05-16T08:00:00+08:00"}, // 11: e0 replayed
		}
		got, errs := db.Activities.CheckInBatch(ctx, dbtest.Admin, "DUPS", scans)
		want := []struct {
			result   string
			replayed bool
			at       int // the answer's time is that of scan at (-1: e0, -2: e3)
		}{
			{"duplicate", false, -1}, {"checked_in", false, 1}, {"duplicate", false, 1}, {"checked_in", true, 1},
			{"checked_in", false, 4}, {"duplicate", false, 4}, {}, {"checked_in", false, 7}, {"duplicate", false, 7},
			{"checked_in", true, -2}, {"duplicate", true, 1}, {"checked_in", true, -1},
		}
		for i, w := range want {
			if i == 6 {
				if kexie.ErrorCode(errs[i]) != kexie.CodeInvalid {
					t.Errorf("scan %d (unknown code): %v, want refused as invalid", i, errs[i])
				}
				continue
			}
			if errs[i] != nil {
				t.Errorf("scan %d: %v", i, errs[i])
				continue
			}
			at := e0.At
			switch {
			case w.at == -2:
				at = e3.At
			case w.at >= 0:
				at = got[w.at].At
			}
			if got[i].Result != w.result || got[i].Replayed != w.replayed || !got[i].At.Equal(at) || got[i].Reference == "" {
				t.Errorf("scan %d: %+v, want %s (replayed %v) at %v", i, got[i], w.result, w.replayed, at)
			}
		}
		if got[1].At.Before(e0.At) || got[0].Reference != regs[0].Reference || got[8].Reference != mr.Reference {
			t.Errorf("answers: %+v", got)
		}
		// (The desk sorts a batch by what was scanned: scans of one
		// registration by the same text keep their order.)
		// Written: the 2 before, 3 check-ins and 4 duplicates of the
		// batch; replays and the refused scan wrote nothing.
		h, err := db.Activities.History(ctx, act.ID, 100)
		dbtest.Must(t, err)
		n := map[string]int{}
		for _, e := range h {
			n[e.Result]++
		}
		if n["checked_in"] != 5 || n["duplicate"] != 4 || len(h) != 9 {
			t.Errorf("history: %v in %d entries, want 5 checked in, 4 duplicates", n, len(h))
		}
		entries, err := db.Audit(ctx, dbtest.Admin, sqldb.AuditFilter{Action: "activity.checkin", Limit: 100})
		dbtest.Must(t, err)
		if len(entries) != 5 {
			t.Errorf("%d check-ins audited, want 5", len(entries))
		}
		var parts int
		dbtest.Must(t, db.Reader().QueryRowContext(ctx, `SELECT COUNT(*) FROM participations WHERE membership_id = $1`, m.ID).Scan(&parts))
		if parts != 1 || lapses(t, db, m.ID) {
			t.Errorf("%d participation records (lapses: %v), want 1", parts, lapses(t, db, m.ID))
		}
		if _, err := db.VerifyAudit(ctx, nil); err != nil {
			t.Fatal(err)
		}
	})
}

// TestCheckInBatchLosesToAnotherWriter: a registration checked in by
// another transaction while a batch scans it (on PostgreSQL the batch's
// insert waits for that transaction and inserts nothing) is answered
// duplicate with the other's time, and the batch's other scans go through.
func TestCheckInBatchLosesToAnotherWriter(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		dbtest.Tree(t, db)
		forum(t, db, "RACE", "A", 0)
		var regs []activities.Registration
		for _, name := range []string{"甲", "乙"} {
			r, err := db.Activities.Register(ctx, kexie.Actor{}, "RACE", activities.RegisterInput{Name: name})
			dbtest.Must(t, err)
			regs = append(regs, r)
		}
		// Another writer checks regs[0] in and holds its transaction open
		// until the batch has started.
		inserted, release, done := make(chan time.Time), make(chan struct{}), make(chan error, 1)
		go func() {
			done <- db.Write(ctx, dbtest.Admin, func(tx *sqldb.Tx) error {
				at := tx.Now()
				_, err := tx.ExecContext(ctx, `INSERT INTO activity_checkins (list_id, registration_id, result, slot, at, nonce, created_at)
					SELECT l.id, $1, 'checked_in', '', $2, 'other', $2 FROM activity_checkin_lists l JOIN activities a ON a.id = l.activity_id
					WHERE a.code = 'RACE' AND l.name = 'main'`, regs[0].ID, at)
				inserted <- at
				<-release
				return err
			})
		}()
		at := <-inserted
		var got []activities.Checkin
		var errs []error
		batched := make(chan struct{})
		go func() {
			got, errs = db.Activities.CheckInBatch(ctx, dbtest.Admin, "RACE", []activities.Scan{
				{Code: regs[0].Token, Nonce: "x1"}, {Code: regs[0].Token, Nonce: "x2"}, {Code: regs[1].Token, Nonce: "x3"}})
			close(batched)
		}()
		// Let the batch reach the other writer's row (on PostgreSQL), then
		// commit it; the answers do not depend on which came first.
		time.Sleep(300 * time.Millisecond)
		close(release)
		dbtest.Must(t, <-done)
		<-batched
		for i, e := range errs {
			dbtest.Must(t, e)
			want := "duplicate"
			if i == 2 {
				want = "checked_in"
			}
			if got[i].Result != want || (i < 2 && !got[i].At.Equal(at)) {
				t.Errorf("scan %d: %+v, want %s (at %v for a duplicate)", i, got[i], want, at)
			}
		}
	})
}
