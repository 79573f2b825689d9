package activities_test

import (
	"testing"

	"github.com/kexie/kexie/internal/activities"
	"github.com/kexie/kexie/internal/sqldb/dbtest"
)

// TestProgrammeImport: a programme file, one row per contribution: rows
// with the same room and start are one session; a break row is one break
// for every room; a row in a taken room, during a break or outside the
// days is refused with its line, and so are the other rows of a refused
// session; a dry run keeps nothing.
func TestProgrammeImport(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		dbtest.Tree(t, db)
		a := forum(t, db, "F", "A", 0)
		row := func(line int, kv ...string) activities.ProgrammeRow {
			v := map[string]string{}
			for i := 0; i+1 < len(kv); i += 2 {
				v[kv[i]] = kv[i+1]
			}
			return activities.ProgrammeRow{Line: line, Values: v}
		}
		rows := []activities.ProgrammeRow{
			row(2, "kind", "plenary", "session_title_zh", "开幕式", "room", "主会场", "starts", "2025-05-16 09:00", "ends", "2025-05-16 10:00", "title", "致辞", "speakers", "王芳"),
			row(3, "room", "主会场", "starts", "2025-05-16 09:00", "ends", "2025-05-16 10:00", "title", "主旨报告", "speakers", "李娜", "paper", "是"),
			row(4, "kind", "parallel", "session_title_en", "Materials", "room", "A", "starts", "2025-05-16 10:30", "ends", "2025-05-16 12:00", "international", "1", "title", "Graphene", "paper", "yes"),
			row(5, "kind", "休息", "session_title_zh", "午餐", "starts", "2025-05-16 12:00", "ends", "2025-05-16 13:30"),
			row(6, "session_title_zh", "冲突", "room", "A", "starts", "2025-05-16 11:00", "ends", "2025-05-16 11:30", "title", "x"), // room A taken
			row(7, "session_title_zh", "午间", "room", "B", "starts", "2025-05-16 12:30", "ends", "2025-05-16 13:00"),               // during lunch
			row(8, "session_title_zh", "越界", "room", "B", "starts", "2025-05-20 09:00", "ends", "2025-05-20 10:00"),               // outside the days
			row(9, "session_title_zh", "无时间", "room", "B", "starts", "soon", "ends", "later"),
		}
		res, err := db.Activities.ImportProgramme(ctx, dbtest.Admin, "F", rows, true)
		dbtest.Must(t, err)
		if res.Sessions != 2 || res.Breaks != 1 || res.Contributions != 3 || len(res.Rejected) != 4 || res.Rejected[0].Line != 6 || res.Rejected[3].Line != 9 {
			t.Fatalf("dry run: %+v", res)
		}
		if ss, _ := db.Activities.Sessions(ctx, a.ID); len(ss) != 0 {
			t.Fatalf("the dry run kept %d sessions", len(ss))
		}
		res, err = db.Activities.ImportProgramme(ctx, dbtest.Admin, "F", rows, false)
		dbtest.Must(t, err)
		ss, _ := db.Activities.Sessions(ctx, a.ID)
		bs, _ := db.Activities.Breaks(ctx, a.ID)
		if len(ss) != 2 || len(bs) != 1 || !ss[1].International || ss[0].Kind != "plenary" || ss[1].Title.ZH != "Materials" {
			t.Errorf("programme: %+v %+v", ss, bs)
		}
		st, err := db.Activities.Stats(ctx, dbtest.Admin, "A", 2025)
		dbtest.Must(t, err)
		_ = st // the forum is not held: papers count once it is
		dbtest.Must(t, db.Activities.SetStatus(ctx, dbtest.Admin, "F", activities.StatusHeld))
		st, _ = db.Activities.Stats(ctx, dbtest.Admin, "A", 2025)
		if st.Total.Papers != 2 || st.Total.Sessions != 2 || st.Total.InternationalSessions != 1 {
			t.Errorf("figures: %+v", st.Total)
		}
		// A row whose session was refused takes the rest of it down.
		res, err = db.Activities.ImportProgramme(ctx, dbtest.Admin, "F", []activities.ProgrammeRow{
			row(2, "session_title_zh", "重复", "room", "主会场", "starts", "2025-05-16 09:30", "ends", "2025-05-16 10:30", "title", "一"),
			row(3, "room", "主会场", "starts", "2025-05-16 09:30", "ends", "2025-05-16 10:30", "title", "二"),
		}, false)
		dbtest.Must(t, err)
		if res.Sessions != 0 || len(res.Rejected) != 2 {
			t.Errorf("a refused session: %+v", res)
		}
	})
}
