package awards_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/kexie/kexie/internal/awards"
	"github.com/kexie/kexie/internal/charter"
	"github.com/kexie/kexie/internal/governance"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/membership"
	"github.com/kexie/kexie/internal/sqldb"
	"github.com/kexie/kexie/internal/sqldb/dbtest"
)

// panel is a council of organisation A with four members, all present at
// a meeting: the first works where 张三 works (哈尔滨工业大学), so is in
// conflict with him. Each member has an account linked to their person.
type panel struct {
	meeting int64
	seats   []int64
	members []kexie.Actor
}

func newPanel(t *testing.T, db *dbtest.DB, w *world) panel {
	t.Helper()
	var rows []kexie.MemberRecord
	for i, emp := range []string{"哈尔滨工业大学", "东北石油大学", "哈尔滨医科大学", "黑龙江科技大学"} {
		rows = append(rows, kexie.MemberRecord{Line: i + 2, MemberNo: fmt.Sprintf("P%03d", i), OrgCode: w.a.Code, Type: "individual",
			Name: fmt.Sprintf("委员%d", i+1), Employer: emp, Status: "active", Joined: "2020-01-01"})
	}
	_, err := db.Membership.ImportMembers(ctx, dbtest.Admin, membership.MemberRecords(rows, nil), membership.MemberImportOptions{})
	dbtest.Must(t, err)
	body, err := db.Governance.CreateBody(ctx, dbtest.Admin, w.a.ID, charter.Council, "评审委员会", "Award panel")
	dbtest.Must(t, err)
	term, err := db.Governance.StartTerm(ctx, dbtest.Admin, body.ID, 1, "2025-01-01")
	dbtest.Must(t, err)
	var p panel
	for i := range rows {
		m, err := db.Membership.MemberByNo(ctx, w.a.ID, fmt.Sprintf("P%03d", i))
		dbtest.Must(t, err)
		seat, err := db.Governance.AddSeat(ctx, dbtest.Admin, term.ID, governance.NewSeat{PersonID: m.PersonID, Post: "director", Seated: "2025-01-01"})
		dbtest.Must(t, err)
		u := dbtest.User(t, db, fmt.Sprintf("panel%d", i+1), kexie.RoleMember, w.a.ID)
		_, err = db.Writer().ExecContext(ctx, `UPDATE users SET person_id = $1 WHERE id = $2`, m.PersonID, u.ID)
		dbtest.Must(t, err)
		p.seats, p.members = append(p.seats, seat), append(p.members, as(u))
	}
	p.meeting, err = db.Governance.CreateMeeting(ctx, dbtest.Admin, term.ID, governance.NewMeeting{Held: "2025-06-20"})
	dbtest.Must(t, err)
	var att []governance.Presence
	for _, s := range p.seats {
		att = append(att, governance.Presence{SeatID: s, Status: charter.Present})
	}
	dbtest.Must(t, db.Governance.SetAttendance(ctx, dbtest.Admin, p.meeting, att))
	return p
}

// scoreAll has every expert with an assignment at the current stage
// declare and score: the nomination's score from the table, on both
// criteria (so the weighted score is that number).
func scoreAll(t *testing.T, aw *awards.Service, w *world, score map[int64]int64) {
	t.Helper()
	for _, u := range w.expertUsers {
		list, err := aw.MyReviews(ctx, u)
		dbtest.Must(t, err)
		for _, v := range list {
			if v.Status != "assigned" {
				continue
			}
			dbtest.Must(t, aw.Declare(ctx, u, v.ID, false, ""))
			dbtest.Must(t, aw.Score(ctx, u, v.ID, map[string]int64{"innovation": score[v.NominationID], "impact": score[v.NominationID]}))
		}
	}
}

// A round reviewed in three stages: a written review, nominations moved on
// by a score the secretary sets (a tie across a number refused), a second
// written review by other experts, moved on by rank, and a panel — a
// council meeting of the governance domain — voting on each nomination
// under the charter's "more than half of those present": a member in
// conflict with a nomination neither sees it nor votes on it and is left
// out of its quorum; two votes of four is not more than half. The ranking
// and the decision take the scores and the panel's outcome.
func TestStagesAndPanel(t *testing.T) {
	clk := &clock{}
	dbtest.EachWith(t, dbtest.Options{Now: func() time.Time { return clk.now }}, func(t *testing.T, db *dbtest.DB) {
		w := setup(t, db, clk, 30, gradesFirstSecond())
		aw := db.Awards
		for i, name := range []string{"expert4", "expert5"} {
			u := dbtest.User(t, db, name, kexie.RoleReviewer, w.a.ID)
			e, err := aw.AddExpert(ctx, w.sec, w.prog.ID, awards.Expert{UserID: u.ID, Name: name, Employer: []string{"哈尔滨理工大学", "齐齐哈尔大学"}[i]}, w.sl)
			dbtest.Must(t, err)
			w.experts, w.expertUsers = append(w.experts, e), append(w.expertUsers, as(u))
		}
		p := newPanel(t, db, w)
		clk.set("2025-03-10")
		var noms []awards.Nomination
		for _, x := range []struct{ name, id, employer string }{
			{"张三", "230102199001011234", "哈尔滨工业大学"}, {"李四", "230102199002021234", "中科院"}, {"王五", "230102199003031234", "大庆油田"},
		} {
			n, err := aw.Nominate(ctx, w.staffA1, w.round.ID, w.a1.ID, w.nominee(x.name, x.id, "1990-01-01", x.employer), w.sl)
			dbtest.Must(t, err)
			noms = append(noms, n)
		}
		stages := []awards.Stage{{Kind: "written", NameZH: "初评"}, {Kind: "written", NameZH: "复评"}, {Kind: "panel", NameZH: "评审委员会会议", MeetingID: p.meeting}}
		wantCode(t, "a panel first", aw.SetStages(ctx, dbtest.Admin, w.round.ID, []awards.Stage{stages[2], stages[0]}), kexie.CodeInvalid)
		wantCode(t, "a panel on a meeting the secretary does not run", aw.SetStages(ctx, w.sec, w.round.ID, stages), kexie.CodeNotFound)
		dbtest.Must(t, aw.SetStages(ctx, dbtest.Admin, w.round.ID, stages))
		clk.set("2025-05-01")
		_, err := aw.Advance(ctx, w.sec, w.round.ID)
		dbtest.Must(t, err)
		for _, n := range noms {
			dbtest.Must(t, aw.FormalCheck(ctx, w.sec, n.ID, true, ""))
		}
		_, err = aw.Advance(ctx, w.sec, w.round.ID)
		dbtest.Must(t, err)
		wantCode(t, "stages set once the review began", aw.SetStages(ctx, dbtest.Admin, w.round.ID, stages[:1]), kexie.CodeConflict)

		// Stage 1: 张三 and 李四 8, 王五 5.
		_, err = aw.Assign(ctx, w.sec, w.round.ID, 3)
		dbtest.Must(t, err)
		scoreAll(t, aw, w, map[int64]int64{noms[0].ID: 8, noms[1].ID: 8, noms[2].ID: 5})
		_, err = aw.Advance(ctx, w.sec, w.round.ID)
		wantCode(t, "to the decision with stages left", err, kexie.CodeConflict)
		err = aw.AdvanceStage(ctx, w.sec, w.round.ID, awards.Advancing{Top: 1})
		if kexie.AsError(err) == nil || kexie.AsError(err).Key != "err.award_stage_tie" {
			t.Fatalf("the top 1 with two tied: %v", err)
		}
		wantCode(t, "by rank and by score at once", aw.AdvanceStage(ctx, w.sec, w.round.ID, awards.Advancing{Top: 1, MinScore: "7"}), kexie.CodeInvalid)
		dbtest.Must(t, aw.AdvanceStage(ctx, w.sec, w.round.ID, awards.Advancing{MinScore: "15/2"}))

		// Stage 2: other experts only; 王五 stopped.
		first := map[int64][]int64{}
		for i, u := range w.expertUsers {
			list, _ := aw.MyReviews(ctx, u)
			for _, v := range list {
				first[v.NominationID] = append(first[v.NominationID], w.experts[i].ID)
			}
		}
		res, err := aw.Assign(ctx, w.sec, w.round.ID, 5)
		dbtest.Must(t, err)
		if len(res.Experts) != 2 || res.Experts[noms[2].ID] != nil || len(res.Infeasible) != 0 {
			t.Fatalf("stage 2 assignment %+v", res)
		}
		for n, es := range res.Experts {
			for _, e := range es {
				if slices.Contains(first[n], e) {
					t.Fatalf("expert %d reviews nomination %d twice", e, n)
				}
			}
		}
		scoreAll(t, aw, w, map[int64]int64{noms[0].ID: 9, noms[1].ID: 6})
		dbtest.Must(t, aw.AdvanceStage(ctx, w.sec, w.round.ID, awards.Advancing{Top: 2}))
		wantCode(t, "past the last stage", aw.AdvanceStage(ctx, w.sec, w.round.ID, awards.Advancing{Top: 2}), kexie.CodeConflict)
		_, err = aw.OpenPanelVote(ctx, dbtest.Admin, noms[2].ID, "electronic")
		wantCode(t, "王五 put to the panel", err, kexie.CodeConflict)

		// The panel sees the nominations before it with every expert's name
		// and score; a member in conflict does not see that nomination.
		pv, err := aw.Panel(ctx, p.members[1], w.round.ID)
		dbtest.Must(t, err)
		items, withheld := pv.Nominations, pv.Withheld
		if len(items) != 2 || withheld != 0 || len(items[0].Reviews) != 4 || items[0].Reviews[0].Expert == "" || items[0].Score != "9.00" {
			t.Fatalf("panel view %+v withheld %d", items, withheld)
		}
		pv, err = aw.Panel(ctx, p.members[0], w.round.ID)
		dbtest.Must(t, err)
		items, withheld = pv.Nominations, pv.Withheld
		if len(items) != 1 || items[0].NominationID != noms[1].ID || withheld != 1 {
			t.Fatalf("the conflicted member sees %+v (withheld %d)", items, withheld)
		}
		_, err = aw.Panel(ctx, w.staffA1, w.round.ID)
		wantCode(t, "the unit's staff at the panel", err, kexie.CodeNotFound)
		// The secretary runs the round but not the council's meetings.
		_, err = aw.OpenPanelVote(ctx, w.sec, noms[0].ID, "electronic")
		wantCode(t, "a vote put by who does not run the meeting", err, kexie.CodeNotFound)

		// 张三: member 1 recused; three vote, two yes: more than half of 3.
		motion, err := aw.OpenPanelVote(ctx, dbtest.Admin, noms[0].ID, "electronic")
		dbtest.Must(t, err)
		wantCode(t, "a recused member votes", db.Governance.CastVote(ctx, dbtest.Admin, motion, p.seats[0], "yes"), kexie.CodeForbidden)
		for i, v := range []string{"yes", "yes", "no"} {
			dbtest.Must(t, db.Governance.CastVote(ctx, dbtest.Admin, motion, p.seats[i+1], v))
		}
		out, err := aw.ClosePanelVote(ctx, dbtest.Admin, noms[0].ID, nil)
		dbtest.Must(t, err)
		if !out.Passed || out.Base != 3 || out.Required != 2 || out.Entitled != 3 {
			t.Fatalf("张三's vote %+v", out)
		}
		_, err = aw.Advance(ctx, w.sec, w.round.ID)
		wantCode(t, "to the decision with a nomination not voted on", err, kexie.CodeConflict)
		// 李四: counted by the clerk, 2 for and 2 against of 4: not more than half.
		_, err = aw.OpenPanelVote(ctx, dbtest.Admin, noms[1].ID, "clerk")
		dbtest.Must(t, err)
		_, err = aw.OpenPanelVote(ctx, dbtest.Admin, noms[1].ID, "clerk")
		wantCode(t, "put twice", err, kexie.CodeConflict)
		out, err = aw.ClosePanelVote(ctx, dbtest.Admin, noms[1].ID, &charter.Tally{Yes: 2, No: 2})
		dbtest.Must(t, err)
		if out.Passed || out.Base != 4 || out.Required != 3 {
			t.Fatalf("李四's vote %+v", out)
		}
		_, err = aw.Advance(ctx, w.sec, w.round.ID)
		dbtest.Must(t, err)

		ranking, _, err := aw.Ranking(ctx, w.sec, w.round.ID)
		dbtest.Must(t, err)
		if len(ranking) != 3 || ranking[0].NominationID != noms[0].ID || ranking[0].Grade == "" || ranking[0].Score != "9.00" || ranking[0].PanelVotes != 2 ||
			!ranking[1].Out || ranking[1].Grade != "" || !ranking[2].Out || ranking[2].Grade != "" {
			t.Fatalf("ranking %+v", ranking)
		}
		wantCode(t, "a grade for a nomination the panel did not pass",
			aw.Decide(ctx, w.sec, w.round.ID, map[int64]string{noms[0].ID: "second", noms[1].ID: "second"}, "决议"), kexie.CodeConflict)
		wantCode(t, "a grade for a nomination that stopped at the first stage",
			aw.Decide(ctx, w.sec, w.round.ID, map[int64]string{noms[2].ID: "second"}, "决议"), kexie.CodeConflict)
		dbtest.Must(t, aw.Decide(ctx, w.sec, w.round.ID, map[int64]string{noms[0].ID: "second"}, "决议"))

		entries, err := db.Audit(ctx, dbtest.Admin, sqldb.AuditFilter{Action: "award.", Limit: 1000})
		dbtest.Must(t, err)
		seen := map[string]bool{}
		for _, e := range entries {
			seen[e.Action] = true
		}
		for _, a := range []string{"award.stages", "award.stage.advance", "award.panel.open", "award.panel.close"} {
			if !seen[a] {
				t.Errorf("no audit entry %s", a)
			}
		}
	})
}
