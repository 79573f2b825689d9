package governance_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/kexie/kexie/internal/access"
	"github.com/kexie/kexie/internal/charter"
	"github.com/kexie/kexie/internal/governance"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/membership"
	"github.com/kexie/kexie/internal/registry"
	"github.com/kexie/kexie/internal/sqldb/dbtest"
)

var ctx = context.Background()

// TestCouncilMeetingCHIA plays a CHIA council meeting of 30 directors at
// the charter's boundaries: 20 present is no quorum and no vote opens; a
// proxy makes 21; 14 yes of 21 fails, 15 passes; a vote counts once per
// seat; attendance is fixed while a vote is open; a clerk's count for a
// mid-term replacement needs more than 4/5.
func TestCouncilMeetingCHIA(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		_, err := db.Registry.ImportOrgs(ctx, dbtest.Admin, dbtest.Numbered(dbtest.OrgRow("CHIA", "", "national_society", "中国图学学会")), registry.ImportOptions{})
		dbtest.Must(t, err)
		chia, err := db.Registry.OrgByCode(ctx, "CHIA")
		dbtest.Must(t, err)
		var rows []kexie.MemberRecord
		for i := range 32 {
			rows = append(rows, kexie.MemberRecord{Line: i + 2, MemberNo: fmt.Sprintf("D%02d", i), OrgCode: "CHIA", Type: "individual",
				Name: fmt.Sprintf("理事%02d", i), Status: "active", Joined: "2020-01-01"})
		}
		_, err = db.Membership.ImportMembers(ctx, dbtest.Admin, membership.MemberRecords(rows, nil), membership.MemberImportOptions{})
		dbtest.Must(t, err)
		ms, err := db.Membership.SearchMembers(ctx, dbtest.As(sysadminID(t, db)), membership.MemberFilter{OrgID: chia.ID}, 0, 100)
		dbtest.Must(t, err)
		if len(ms) != 32 {
			t.Fatalf("%d members", len(ms))
		}
		council, err := db.Governance.CreateBody(ctx, dbtest.Admin, chia.ID, charter.Council, "理事会", "Council")
		dbtest.Must(t, err)
		if _, err := db.Governance.CreateBody(ctx, dbtest.Admin, chia.ID, charter.Council, "理事会", "Council"); kexie.ErrorCode(err) != kexie.CodeConflict {
			t.Fatalf("a second council: %v", err)
		}
		term, err := db.Governance.StartTerm(ctx, dbtest.Admin, council.ID, 9, "2023-06-01")
		dbtest.Must(t, err)
		if term.PlannedEnd != "2028-06-01" {
			t.Fatalf("planned end %s", term.PlannedEnd)
		}
		var seatIDs []int64
		for i, m := range ms[:30] {
			post := "director"
			if i == 0 {
				post = "chair"
			}
			id, err := db.Governance.AddSeat(ctx, dbtest.Admin, term.ID, governance.NewSeat{PersonID: m.PersonID, Post: post, FrontLine: i%4 != 0, Seated: "2023-06-01"})
			dbtest.Must(t, err)
			seatIDs = append(seatIDs, id)
		}
		leaders, err := db.Governance.Leaders(ctx, chia.ID, false)
		dbtest.Must(t, err)
		if len(leaders) != 1 || leaders[0].Post != "chair" || leaders[0].Term != 9 {
			t.Fatalf("leaders %+v", leaders)
		}
		meeting, err := db.Governance.CreateMeeting(ctx, dbtest.Admin, term.ID, governance.NewMeeting{Held: "2026-03-01", Place: "北京"})
		dbtest.Must(t, err)
		present := func(n int) []governance.Presence {
			var p []governance.Presence
			for i, s := range seatIDs {
				st := charter.AbsentExcused
				if i < n {
					st = charter.Present
				}
				p = append(p, governance.Presence{SeatID: s, Status: st})
			}
			return p
		}
		dbtest.Must(t, db.Governance.SetAttendance(ctx, dbtest.Admin, meeting, present(20)))
		q, err := db.Governance.MeetingQuorum(ctx, meeting)
		dbtest.Must(t, err)
		if q.Met || q.Required != 21 || q.Present != 20 || q.Entitled != 30 {
			t.Fatalf("20 of 30: %+v", q)
		}
		if _, err := db.Governance.OpenMotion(ctx, dbtest.Admin, meeting, "年度工作报告", charter.Ordinary, ""); kexie.AsError(err).Key != "err.no_quorum" {
			t.Fatalf("a vote opened without a quorum: %v", err)
		}
		// Seat 20 entrusts seat 0 (present): 21 count.
		dbtest.Must(t, db.Governance.SetAttendance(ctx, dbtest.Admin, meeting, []governance.Presence{{SeatID: seatIDs[20], Status: charter.RepresentedProxy, ProxySeat: seatIDs[0]}}))
		// A chain (seat 21 entrusts the represented seat 20) is refused.
		if err := db.Governance.SetAttendance(ctx, dbtest.Admin, meeting, []governance.Presence{{SeatID: seatIDs[21], Status: charter.RepresentedProxy, ProxySeat: seatIDs[20]}}); kexie.AsError(err).Key != "err.proxy_chain" {
			t.Fatalf("a proxy chain: %v", err)
		}
		q, _ = db.Governance.MeetingQuorum(ctx, meeting)
		if !q.Met || q.Represented != 1 {
			t.Fatalf("20 + 1 by proxy: %+v", q)
		}
		motion, err := db.Governance.OpenMotion(ctx, dbtest.Admin, meeting, "年度工作报告", charter.Ordinary, "")
		dbtest.Must(t, err)
		if err := db.Governance.SetAttendance(ctx, dbtest.Admin, meeting, present(21)); kexie.AsError(err).Key != "err.motion_open" {
			t.Fatalf("attendance changed during a vote: %v", err)
		}
		for i := 0; i < 21; i++ {
			seat := seatIDs[i]
			if i == 20 {
				seat = seatIDs[20] // the represented seat, voted by its proxy
			}
			vote := "no"
			if i < 14 {
				vote = "yes"
			}
			dbtest.Must(t, db.Governance.CastVote(ctx, dbtest.Admin, motion, seat, vote))
		}
		if err := db.Governance.CastVote(ctx, dbtest.Admin, motion, seatIDs[0], "no"); kexie.AsError(err).Key != "err.vote_twice" {
			t.Fatalf("a second vote: %v", err)
		}
		if err := db.Governance.CastVote(ctx, dbtest.Admin, motion, seatIDs[25], "yes"); kexie.AsError(err).Key != "err.vote_seat" {
			t.Fatalf("an absent seat voted: %v", err)
		}
		out, err := db.Governance.CloseMotion(ctx, dbtest.Admin, motion, nil)
		dbtest.Must(t, err)
		if out.Passed || out.Tally.Yes != 14 || out.Base != 21 || out.Required != 15 {
			t.Fatalf("14 yes of 21: %+v", out)
		}
		m2, err := db.Governance.OpenMotion(ctx, dbtest.Admin, meeting, "财务报告", charter.Ordinary, "clerk")
		dbtest.Must(t, err)
		if _, err := db.Governance.CloseMotion(ctx, dbtest.Admin, m2, nil); kexie.AsError(err).Key != "err.motion_tally" {
			t.Fatalf("a clerk's motion closed without a count: %v", err)
		}
		out, err = db.Governance.CloseMotion(ctx, dbtest.Admin, m2, &charter.Tally{Yes: 15, No: 6})
		dbtest.Must(t, err)
		if !out.Passed {
			t.Fatalf("15 yes of 21: %+v", out)
		}
		// A motion is decided by the rule it was put under, even if the
		// charter changes before it closes.
		mr, err := db.Governance.OpenMotion(ctx, dbtest.Admin, meeting, "章程修改前的议案", charter.Ordinary, "clerk")
		dbtest.Must(t, err)
		loose := charter.NationalSociety()
		lr := loose.Bodies[charter.Council]
		lr.Thresholds = map[charter.Decision]charter.Fraction{charter.Ordinary: charter.More(1, 2, charter.BasePresent)}
		loose.Bodies[charter.Council] = lr
		dbtest.Must(t, db.Governance.SetCharterRules(ctx, dbtest.Admin, chia.ID, loose))
		if out, err = db.Governance.CloseMotion(ctx, dbtest.Admin, mr, &charter.Tally{Yes: 11, No: 10}); err != nil || out.Passed || out.Required != 15 {
			t.Fatalf("11 of 21 under the rule it was put under (more than 2/3): %+v %v", out, err)
		}
		dbtest.Must(t, db.Governance.SetCharter(ctx, dbtest.Admin, chia.ID, "national_society"))
		m3, err := db.Governance.OpenMotion(ctx, dbtest.Admin, meeting, "增补理事", charter.MidTermReplace, "clerk")
		dbtest.Must(t, err)
		out, err = db.Governance.CloseMotion(ctx, dbtest.Admin, m3, &charter.Tally{Yes: 16, No: 5})
		dbtest.Must(t, err)
		if out.Passed || out.Required != 17 {
			t.Fatalf("replacement 16 of 21: %+v", out)
		}
		// Compliance: 7 of 30 not front-line (3/4 needs 23: 22 is short);
		// the council met in March 2026, due again by March 2027.
		fs, err := db.Governance.Findings(ctx, chia.ID, time.Date(2027, 4, 1, 0, 0, 0, 0, time.UTC))
		dbtest.Must(t, err)
		rules := map[string]bool{}
		for _, f := range fs {
			rules[f.Rule] = true
		}
		if !rules["front_line"] || !rules["meeting_overdue"] || rules["term_overdue"] {
			t.Fatalf("findings %+v", fs)
		}
	})
}

func sysadminID(t *testing.T, db *dbtest.DB) int64 {
	t.Helper()
	root, err := db.Registry.OrgByCode(ctx, "CHIA")
	dbtest.Must(t, err)
	u, err := db.Access.CreateUser(ctx, dbtest.Admin, access.NewUser{Username: "gov.admin", Password: "password-gov-admin", Role: kexie.RoleSysAdmin, OrgID: root.ID})
	dbtest.Must(t, err)
	return u.ID
}

// TestCharterRules: an organisation's own rules are data: a council that
// needs only half its seats (at least 1/2) has a quorum at 15 of 30 where
// the template says 21; a broken fraction is refused; choosing a template
// again puts its rules back.
func TestCharterRules(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		meeting, _, _ := councilMeeting(t, db, 30, 15)
		soc, err := db.Registry.OrgByCode(ctx, "SOC")
		dbtest.Must(t, err)
		q, err := db.Governance.MeetingQuorum(ctx, meeting)
		dbtest.Must(t, err)
		if q.Met || q.Required != 21 {
			t.Fatalf("template: %+v", q)
		}
		c, err := db.Governance.CharterOf(ctx, soc.ID)
		dbtest.Must(t, err)
		rules := c.Bodies[charter.Council]
		rules.Quorum = charter.AtLeast(1, 2, charter.BaseEntitled)
		c.Bodies[charter.Council] = rules
		dbtest.Must(t, db.Governance.SetCharterRules(ctx, dbtest.Admin, soc.ID, c))
		if q, _ = db.Governance.MeetingQuorum(ctx, meeting); !q.Met || q.Required != 15 {
			t.Fatalf("own rules: %+v", q)
		}
		rules.Quorum = charter.Fraction{Num: 1, Den: 0, Base: charter.BaseEntitled}
		c.Bodies[charter.Council] = rules
		if err := db.Governance.SetCharterRules(ctx, dbtest.Admin, soc.ID, c); kexie.AsError(err).Key != "err.charter_rules" {
			t.Fatalf("a zero denominator: %v", err)
		}
		dbtest.Must(t, db.Governance.SetCharter(ctx, dbtest.Admin, soc.ID, "national_society"))
		if q, _ = db.Governance.MeetingQuorum(ctx, meeting); q.Met || q.Required != 21 {
			t.Fatalf("template again: %+v", q)
		}
	})
}
