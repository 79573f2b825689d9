package activities_test

import (
	"testing"

	"github.com/kexie/kexie/internal/activities"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/sqldb/dbtest"
)

// TestActivityEditing: the record changes but its capacity never falls
// below the places confirmed, and more places confirm the waiting list in
// order; the days never leave the programme outside them; a session
// changes under the same rules as when added and is removed only while
// nobody registered for it; a break is removed; a cancelled activity is
// final; offline scans are never dated after their upload.
func TestActivityEditing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		_, _, _, orgB := dbtest.Tree(t, db)
		a := forum(t, db, "F", "A", 1)
		var refs []string
		for _, n := range []string{"甲", "乙", "丙", "丁"} {
			r, err := db.Activities.Register(ctx, dbtest.Admin, "F", activities.RegisterInput{Name: n})
			dbtest.Must(t, err)
			refs = append(refs, r.Reference)
		}
		in := activities.Input{Kind: "forum", Category: "academic", TitleZH: "青年科学家论坛", TitleEN: "Young Scientists Forum", Starts: "2025-05-16",
			Ends: "2025-05-17", Public: true}
		in.Capacity = 0
		b := in
		b.Capacity = 3
		got, err := db.Activities.Update(ctx, dbtest.Admin, "F", b)
		dbtest.Must(t, err)
		n, _ := db.Activities.RegistrationCounts(ctx, a.ID)
		if got.Confirmed != 3 || n["confirmed"] != 3 || n["waitlisted"] != 1 || got.TitleEN != "Young Scientists Forum" {
			t.Fatalf("three places: confirmed %d, counts %v, %+v", got.Confirmed, n, got)
		}
		regs, _ := db.Activities.Registrations(ctx, a.ID, 0, 10)
		if regs[3].Status != activities.RegWaitlisted || regs[1].Status != activities.RegConfirmed || regs[2].Status != activities.RegConfirmed {
			t.Errorf("the waiting list moved up out of order: %v %v %v %v", regs[0].Status, regs[1].Status, regs[2].Status, regs[3].Status)
		}
		b.Capacity = 2
		if _, err := db.Activities.Update(ctx, dbtest.Admin, "F", b); kexie.ErrorCode(err) != kexie.CodeConflict {
			t.Errorf("capacity below the confirmed: %v, want conflict", err)
		}
		b.Capacity = 0 // no limit: everyone in
		if got, err = db.Activities.Update(ctx, dbtest.Admin, "F", b); err != nil || got.Confirmed != 4 {
			t.Errorf("no limit: %v, confirmed %d", err, got.Confirmed)
		}

		s1, err := db.Activities.AddSession(ctx, dbtest.Admin, "F", activities.SessionInput{TitleZH: "一", Room: "101", Starts: "2025-05-17 09:00", Ends: "2025-05-17 10:00"})
		dbtest.Must(t, err)
		s2, err := db.Activities.AddSession(ctx, dbtest.Admin, "F", activities.SessionInput{TitleZH: "二", Room: "102", Starts: "2025-05-17 09:00", Ends: "2025-05-17 10:00"})
		dbtest.Must(t, err)
		br, err := db.Activities.AddBreak(ctx, dbtest.Admin, "F", "茶歇", "", "2025-05-17 10:00", "2025-05-17 10:30")
		dbtest.Must(t, err)
		b.Ends = "2025-05-16"
		if _, err := db.Activities.Update(ctx, dbtest.Admin, "F", b); kexie.ErrorCode(err) != kexie.CodeConflict {
			t.Errorf("days that leave sessions outside: %v, want conflict", err)
		}
		if err := db.Activities.UpdateSession(ctx, dbtest.Admin, "F", s2, activities.SessionInput{TitleZH: "二", Room: "101", Starts: "2025-05-17 09:30", Ends: "2025-05-17 10:00"}); kexie.ErrorCode(err) != kexie.CodeConflict {
			t.Errorf("moved into a taken room: %v, want conflict", err)
		}
		if err := db.Activities.UpdateSession(ctx, dbtest.Admin, "F", s2, activities.SessionInput{TitleZH: "二", Room: "102", Starts: "2025-05-17 09:30", Ends: "2025-05-17 10:15"}); kexie.ErrorCode(err) != kexie.CodeConflict {
			t.Errorf("moved into the break: %v, want conflict", err)
		}
		// Its own old time is no clash.
		dbtest.Must(t, db.Activities.UpdateSession(ctx, dbtest.Admin, "F", s1, activities.SessionInput{TitleZH: "一（改）", Room: "101", Starts: "2025-05-17 08:30", Ends: "2025-05-17 09:30"}))
		if err := db.Activities.UpdateSession(ctx, dbtest.Admin, "F", 999999, activities.SessionInput{TitleZH: "x", Room: "1", Starts: "2025-05-17 08:30", Ends: "2025-05-17 09:30"}); kexie.ErrorCode(err) != kexie.CodeNotFound {
			t.Errorf("a session of no activity: %v", err)
		}
		_, err = db.Activities.Register(ctx, dbtest.Admin, "F", activities.RegisterInput{Name: "戊", SessionID: s1})
		dbtest.Must(t, err)
		if err := db.Activities.DeleteSession(ctx, dbtest.Admin, "F", s1); kexie.ErrorCode(err) != kexie.CodeConflict {
			t.Errorf("removing a session people registered for: %v, want conflict", err)
		}
		dbtest.Must(t, db.Activities.DeleteSession(ctx, dbtest.Admin, "F", s2))
		dbtest.Must(t, db.Activities.DeleteBreak(ctx, dbtest.Admin, "F", br))
		if err := db.Activities.DeleteBreak(ctx, dbtest.Admin, "F", br); kexie.ErrorCode(err) != kexie.CodeNotFound {
			t.Errorf("a break removed twice: %v", err)
		}
		ss, _ := db.Activities.Sessions(ctx, a.ID)
		bs, _ := db.Activities.Breaks(ctx, a.ID)
		if len(ss) != 1 || ss[0].TitleZH != "一（改）" || len(bs) != 0 {
			t.Errorf("programme after the edits: %+v %+v", ss, bs)
		}

		// Staff of B do not edit A's activity: not found.
		staffB := dbtest.As(dbtest.User(t, db, "staff.b", kexie.RoleStaff, orgB.ID).ID)
		if _, err := db.Activities.Update(ctx, staffB, "F", in); kexie.ErrorCode(err) != kexie.CodeNotFound {
			t.Errorf("staff of B update: %v, want not found", err)
		}

		// An offline scan dated after its upload is refused.
		if _, err := db.Activities.CheckIn(ctx, dbtest.Admin, "F", activities.Scan{Code: refs[0], Offline: true, At: "2999-01-01 08:00"}); kexie.ErrorCode(err) != kexie.CodeInvalid {
			t.Errorf("an offline scan in the future: %v, want invalid", err)
		}

		dbtest.Must(t, db.Activities.SetStatus(ctx, dbtest.Admin, "F", activities.StatusCancelled))
		if _, err := db.Activities.Update(ctx, dbtest.Admin, "F", in); kexie.ErrorCode(err) != kexie.CodeConflict {
			t.Errorf("editing a cancelled activity: %v, want conflict", err)
		}
	})
}
