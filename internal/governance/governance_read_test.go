package governance_test

import (
	"fmt"
	"testing"

	"github.com/kexie/kexie/internal/charter"
	"github.com/kexie/kexie/internal/governance"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/membership"
	"github.com/kexie/kexie/internal/registry"
	"github.com/kexie/kexie/internal/sqldb/dbtest"
)

// TestGovernanceReads: the votes cast on a motion by seat, the poll book
// of an election (which seats voted, nothing of what), and the meetings a
// person sits at, with their own attendance, the proxies they hold and
// the votes open.
func TestGovernanceReads(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		_, err := db.Registry.ImportOrgs(ctx, dbtest.Admin, dbtest.Numbered(dbtest.OrgRow("CHIA", "", "national_society", "中国图学学会")), registry.ImportOptions{})
		dbtest.Must(t, err)
		chia, err := db.Registry.OrgByCode(ctx, "CHIA")
		dbtest.Must(t, err)
		var rows []kexie.MemberRecord
		for i := range 4 {
			rows = append(rows, kexie.MemberRecord{Line: i + 2, MemberNo: fmt.Sprintf("D%d", i), OrgCode: "CHIA", Type: "individual",
				Name: fmt.Sprintf("理事%d", i), Status: "active", Joined: "2020-01-01"})
		}
		_, err = db.Membership.ImportMembers(ctx, dbtest.Admin, membership.MemberRecords(rows, nil), membership.MemberImportOptions{})
		dbtest.Must(t, err)
		council, err := db.Governance.CreateBody(ctx, dbtest.Admin, chia.ID, charter.Council, "理事会", "Council")
		dbtest.Must(t, err)
		term, err := db.Governance.StartTerm(ctx, dbtest.Admin, council.ID, 9, "2023-06-01")
		dbtest.Must(t, err)
		var people, seats []int64
		for i := range 4 {
			m, err := db.Membership.MemberByNo(ctx, chia.ID, fmt.Sprintf("D%d", i))
			dbtest.Must(t, err)
			id, err := db.Governance.AddSeat(ctx, dbtest.Admin, term.ID, governance.NewSeat{PersonID: m.PersonID, Post: "director", Seated: "2023-06-01"})
			dbtest.Must(t, err)
			people, seats = append(people, m.PersonID), append(seats, id)
		}
		meeting, err := db.Governance.CreateMeeting(ctx, dbtest.Admin, term.ID, governance.NewMeeting{Held: "2026-03-01", Place: "北京"})
		dbtest.Must(t, err)
		// Seats 0–2 present, seat 3 entrusts seat 0: 4 of 4 count.
		dbtest.Must(t, db.Governance.SetAttendance(ctx, dbtest.Admin, meeting, []governance.Presence{{SeatID: seats[0], Status: charter.Present},
			{SeatID: seats[1], Status: charter.Present}, {SeatID: seats[2], Status: charter.Present}}))
		dbtest.Must(t, db.Governance.SetAttendance(ctx, dbtest.Admin, meeting, []governance.Presence{{SeatID: seats[3], Status: charter.RepresentedProxy, ProxySeat: seats[0]}}))

		list, err := db.Governance.MeetingsOfPerson(ctx, people[0], 10)
		dbtest.Must(t, err)
		if len(list) != 1 || list[0].ID != meeting || list[0].Status != charter.Present || !list[0].HoldsProxy || list[0].OrgCode != "CHIA" ||
			list[0].TermNumber != 9 || list[0].BodyNameZH != "理事会" || list[0].OpenMotions != 0 {
			t.Fatalf("the proxy holder's meetings: %+v", list)
		}
		list, err = db.Governance.MeetingsOfPerson(ctx, people[3], 10)
		dbtest.Must(t, err)
		if len(list) != 1 || list[0].Status != charter.RepresentedProxy || list[0].HoldsProxy {
			t.Fatalf("the represented holder's meetings: %+v", list)
		}

		motion, err := db.Governance.OpenMotion(ctx, dbtest.Admin, meeting, "年度工作报告", charter.Ordinary, "")
		dbtest.Must(t, err)
		dbtest.Must(t, db.Governance.CastVote(ctx, dbtest.Admin, motion, seats[0], "yes"))
		dbtest.Must(t, db.Governance.CastVote(ctx, dbtest.Admin, motion, seats[3], "no"))
		votes, err := db.Governance.MotionVotes(ctx, motion)
		dbtest.Must(t, err)
		if len(votes) != 2 || votes[seats[0]] != "yes" || votes[seats[3]] != "no" {
			t.Fatalf("votes %v", votes)
		}
		if list, _ := db.Governance.MeetingsOfPerson(ctx, people[1], 10); len(list) != 1 || list[0].OpenMotions != 1 {
			t.Fatalf("an open motion is not counted: %+v", list)
		}
		_, err = db.Governance.CloseMotion(ctx, dbtest.Admin, motion, nil)
		dbtest.Must(t, err)

		election, err := db.Voting.OpenElection(ctx, dbtest.Admin, meeting, governance.NewElection{Title: "选举秘书长", Seats: 1, Candidates: []int64{people[1], people[2]}})
		dbtest.Must(t, err)
		voters, err := db.Voting.ElectionVoters(ctx, election)
		dbtest.Must(t, err)
		if len(voters) != 0 {
			t.Fatalf("voters before any ballot: %v", voters)
		}
		_, err = db.Voting.CastBallot(ctx, dbtest.Admin, election, seats[2], []int64{people[1]}, sealer)
		dbtest.Must(t, err)
		voters, err = db.Voting.ElectionVoters(ctx, election)
		dbtest.Must(t, err)
		if len(voters) != 1 || !voters[seats[2]] {
			t.Fatalf("the poll book: %v", voters)
		}
		if list, _ := db.Governance.MeetingsOfPerson(ctx, people[1], 10); len(list) != 1 || list[0].OpenElections != 1 {
			t.Fatalf("an open election is not counted: %+v", list)
		}
		if list, _ := db.Governance.MeetingsOfPerson(ctx, 999999, 10); len(list) != 0 {
			t.Fatalf("a person without seats: %+v", list)
		}
	})
}
