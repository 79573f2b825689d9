package activities_test

import (
	"testing"

	"github.com/kexie/kexie/internal/activities"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/membership"
	"github.com/kexie/kexie/internal/sqldb/dbtest"
)

// TestActivityStats: the activities held in the year by the organisations
// of a subtree, each once however many of them hold roles in it, by
// category and kind — sessions, international sessions, attendance (one
// per person), anonymous counts apart, papers, exhibitors, teams; what is
// not held, or held another year, or outside the subtree does not count.
func TestActivityStats(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		root, _, _, b := dbtest.Tree(t, db)
		_, err := db.Membership.ImportMembers(ctx, dbtest.Admin, membership.MemberRecords([]kexie.MemberRecord{
			{MemberNo: "M1", OrgCode: "A1", Type: "individual", Name: "王芳", Status: "active", Joined: "2020-01-01"},
		}, nil), membership.MemberImportOptions{})
		dbtest.Must(t, err)
		mk := func(code, kind, category, starts string, roles ...activities.RoleInput) {
			t.Helper()
			_, err := db.Activities.Create(ctx, dbtest.Admin, activities.Input{Code: code, Kind: kind, Category: category, TitleZH: code, Starts: starts, Roles: roles})
			dbtest.Must(t, err)
			dbtest.Must(t, db.Activities.SetStatus(ctx, dbtest.Admin, code, activities.StatusPublished))
		}
		held := func(code string) {
			dbtest.Must(t, db.Activities.SetStatus(ctx, dbtest.Admin, code, activities.StatusHeld))
		}
		sponsor := func(org string) activities.RoleInput { return activities.RoleInput{Role: "sponsor", OrgCode: org} }
		// Owned by A, A1 organises: once for A.
		mk("CONF", "academic_conference", "international", "2025-05-16", sponsor("A"), activities.RoleInput{Role: "organiser", OrgCode: "A1"})
		for i, s := range []activities.SessionInput{
			{TitleZH: "一", Room: "1", Starts: "2025-05-16 09:00", Ends: "2025-05-16 10:00", International: true},
			{TitleZH: "二", Room: "2", Starts: "2025-05-16 09:00", Ends: "2025-05-16 10:00"},
		} {
			id, err := db.Activities.AddSession(ctx, dbtest.Admin, "CONF", s)
			dbtest.Must(t, err)
			_, err = db.Activities.AddContribution(ctx, dbtest.Admin, "CONF", id, activities.Contribution{Title: "报告", Speakers: "王芳", Paper: i == 0})
			dbtest.Must(t, err)
			_, err = db.Activities.AddContribution(ctx, dbtest.Admin, "CONF", id, activities.Contribution{Title: "论文", Paper: true})
			dbtest.Must(t, err)
		}
		dbtest.Must(t, db.Activities.AddList(ctx, dbtest.Admin, "CONF", "day2", "once", 0, "2025-05-16"))
		m, err := db.Activities.Register(ctx, dbtest.Admin, "CONF", activities.RegisterInput{OrgCode: "A1", MemberNo: "M1"})
		dbtest.Must(t, err)
		g, err := db.Activities.Register(ctx, dbtest.Admin, "CONF", activities.RegisterInput{Name: "来宾"})
		dbtest.Must(t, err)
		_, err = db.Activities.Register(ctx, dbtest.Admin, "CONF", activities.RegisterInput{Name: "未到"})
		dbtest.Must(t, err)
		for _, sc := range []activities.Scan{{Code: m.Reference}, {Code: m.Reference}, {Code: m.Reference, List: "day2"}, {Code: g.Token}} {
			_, err := db.Activities.CheckIn(ctx, dbtest.Admin, "CONF", sc)
			dbtest.Must(t, err)
		}
		held("CONF")
		// A fair of A1's, co-sponsored by B: exhibitors and an anonymous count.
		mk("FAIR", "science_fair", "popularisation", "2025-09-15", sponsor("A1"), activities.RoleInput{Role: "co_sponsor", OrgCode: "B"})
		for _, booth := range []string{"1", "2", "3"} {
			_, err := db.Activities.AddExhibitor(ctx, dbtest.Admin, "FAIR", activities.Exhibitor{Booth: booth, Name: "展商" + booth})
			dbtest.Must(t, err)
		}
		if _, err := db.Activities.AddExhibitor(ctx, dbtest.Admin, "FAIR", activities.Exhibitor{Booth: "1", OrgCode: "B"}); kexie.ErrorCode(err) != kexie.CodeConflict {
			t.Errorf("a booth taken twice: %v", err)
		}
		_, err = db.Activities.AddReach(ctx, dbtest.Admin, "FAIR", activities.Reach{People: 1_000_000, Method: "入场计数"})
		dbtest.Must(t, err)
		_, err = db.Activities.AddReach(ctx, dbtest.Admin, "FAIR", activities.Reach{People: 2_500, Method: "网络直播"})
		dbtest.Must(t, err)
		held("FAIR")
		// A competition of B's only.
		mk("COMP", "competition", "popularisation", "2025-10-01", sponsor("B"))
		for _, n := range []string{"甲队", "乙队"} {
			_, err := db.Activities.AddTeam(ctx, dbtest.Admin, "COMP", activities.Team{Name: n, School: "哈尔滨工程大学", PrizeGrade: "一等奖"})
			dbtest.Must(t, err)
		}
		held("COMP")
		// Not counted: not held; held in another year.
		mk("PLAN", "forum", "academic", "2025-11-01", sponsor("A"))
		mk("OLD", "forum", "academic", "2024-12-31", sponsor("A"))
		held("OLD")

		st, err := db.Activities.Stats(ctx, dbtest.Admin, "A", 2025)
		dbtest.Must(t, err)
		want := activities.Figures{Activities: 2, Sessions: 2, InternationalSessions: 1, Attendance: 2, AnonymousAttendance: 1_002_500, Papers: 3, Exhibitors: 3}
		if st.Total != want {
			t.Errorf("A 2025: %+v, want %+v", st.Total, want)
		}
		if f := st.ByCategory["international"]; f.Activities != 1 || f.Attendance != 2 || f.Papers != 3 {
			t.Errorf("international: %+v", f)
		}
		if f := st.ByKind["science_fair"]; f.Exhibitors != 3 || f.AnonymousAttendance != 1_002_500 || f.Attendance != 0 {
			t.Errorf("science fair: %+v", f)
		}
		if f := st.ByKind["forum"]; f != (activities.Figures{}) || len(st.ByKind) != len(activities.Kinds) || len(st.ByCategory) != len(activities.Categories) {
			t.Errorf("every kind and category, with zeros: %+v", st.ByKind)
		}
		// B: the fair it co-sponsors and its competition.
		st, err = db.Activities.Stats(ctx, dbtest.Admin, "B", 2025)
		dbtest.Must(t, err)
		if st.Total.Activities != 2 || st.Total.Teams != 2 || st.Total.Exhibitors != 3 || st.ByCategory["popularisation"].Activities != 2 {
			t.Errorf("B 2025: %+v", st.Total)
		}
		// The root: each activity once.
		st, err = db.Activities.Stats(ctx, dbtest.Admin, root.Code, 2025)
		dbtest.Must(t, err)
		if st.Total.Activities != 3 || st.Total.Attendance != 2 {
			t.Errorf("root 2025: %+v", st.Total)
		}
		st, err = db.Activities.Stats(ctx, dbtest.Admin, "A", 2024)
		dbtest.Must(t, err)
		if st.Total.Activities != 1 {
			t.Errorf("A 2024: %+v", st.Total)
		}
		staffB := dbtest.As(dbtest.User(t, db, "staff.b", kexie.RoleStaff, b.ID).ID)
		if _, err := db.Activities.Stats(ctx, staffB, "A", 2025); kexie.ErrorCode(err) != kexie.CodeNotFound {
			t.Errorf("staff of B on A's figures: %v, want not found", err)
		}
	})
}
