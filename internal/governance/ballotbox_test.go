package governance_test

import (
	"fmt"
	"testing"

	"github.com/kexie/kexie/internal/charter"
	"github.com/kexie/kexie/internal/governance"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/sqldb/dbtest"
)

// voterActors gives each holder of a council seat an account linked to
// them, and returns those users as actors.
func voterActors(t *testing.T, db *dbtest.DB, people []int64) []kexie.Actor {
	t.Helper()
	users, err := db.VotersForTest(ctx, people)
	dbtest.Must(t, err)
	out := make([]kexie.Actor, len(users))
	for i, u := range users {
		out[i] = kexie.Actor{UserID: u, Username: fmt.Sprintf("voter%05d", i), Source: "test"}
	}
	return out
}

// errKey is an error's message key, "" for none (and the text of an
// error without one).
func errKey(err error) string {
	if err == nil {
		return ""
	}
	if k := kexie.AsError(err).Key; k != "" {
		return k
	}
	return err.Error()
}

// TestCastBallotChecksTheVoter: a user's ballot is taken for a seat they
// vote for (their own, present; one whose proxy they hold) and refused
// for any other, as the voting rule says — the stranger finds no election
// (404), one who sits at the meeting is told the seat is not theirs (403)
// — whatever else is wrong with the ballot: what makes a ballot invalid
// (who is standing) is told only to one who votes for the seat.
func TestCastBallotChecksTheVoter(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		meeting, seats, people := councilMeeting(t, db, 8, 6)
		dbtest.Must(t, db.Governance.SetAttendance(ctx, dbtest.Admin, meeting, []governance.Presence{{SeatID: seats[6], Status: charter.RepresentedProxy, ProxySeat: seats[0]}}))
		el, err := db.Voting.OpenElection(ctx, dbtest.Admin, meeting, governance.NewElection{Title: "选举常务理事", Seats: 1, Candidates: people[:3]})
		dbtest.Must(t, err)
		voter := voterActors(t, db, people)
		visitor := kexie.Actor{Username: "anonymous", Source: "test"}
		for _, c := range []struct {
			name    string
			actor   kexie.Actor
			seat    int64
			choices []int64
			key     string
		}{
			{"another's seat", voter[1], seats[2], people[:1], "err.vote_seat"},
			{"own seat, absent", voter[7], seats[7], people[:1], "err.vote_seat"},
			{"a visitor", visitor, seats[3], people[:1], "err.election_not_found"},
			{"a visitor's invalid ballot", visitor, seats[3], people[7:], "err.election_not_found"},
			{"another's invalid ballot", voter[1], seats[2], people[7:], "err.vote_seat"},
			{"a voter's invalid ballot", voter[3], seats[3], people[7:], "err.ballot_candidate"},
			{"own seat", voter[3], seats[3], people[:1], ""},
			{"a proxy held", voter[0], seats[6], people[1:2], ""},
			{"own seat again", voter[3], seats[3], people[:1], "err.ballot_twice"},
		} {
			_, err := db.Voting.CastBallot(ctx, c.actor, el, c.seat, c.choices, sealer)
			if errKey(err) != c.key {
				t.Errorf("%s: %v, want %q", c.name, err, c.key)
			}
		}
		res, err := db.Voting.CloseElection(ctx, dbtest.Admin, el, sealer)
		dbtest.Must(t, err)
		if res.Cast != 2 || res.Votes[fmt.Sprint(people[0])] != 1 || res.Votes[fmt.Sprint(people[1])] != 1 {
			t.Fatalf("count %+v", res)
		}
	})
}

// TestBallotBoxBatchRules: ballots that arrive together are written in one
// batch, and each is judged on its own there: of two ballots for one seat
// one is taken and the other refused as a second ballot; one cast by a
// user who does not vote for its seat is refused while the others of the
// batch are taken; and the count has exactly the ballots taken.
func TestBallotBoxBatchRules(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		meeting, seats, people := councilMeeting(t, db, 8, 6)
		dbtest.Must(t, db.Governance.SetAttendance(ctx, dbtest.Admin, meeting, []governance.Presence{{SeatID: seats[6], Status: charter.RepresentedProxy, ProxySeat: seats[0]}}))
		el, err := db.Voting.OpenElection(ctx, dbtest.Admin, meeting, governance.NewElection{Title: "选举常务理事", Seats: 1, Candidates: people[:3]})
		dbtest.Must(t, err)
		voter := voterActors(t, db, people)
		visitor := kexie.Actor{Username: "anonymous", Source: "test"}
		casts := []governance.CastForTest{
			{Actor: voter[0], Seat: seats[0], Choices: people[1:2]},
			{Actor: voter[0], Seat: seats[0], Choices: people[2:3]}, // the same seat again, in the same batch
			{Actor: voter[0], Seat: seats[6], Choices: people[1:2]}, // the proxy voter 0 holds
			{Actor: voter[1], Seat: seats[2], Choices: people[2:3]}, // not voter 1's seat
			{Actor: visitor, Seat: seats[3], Choices: people[2:3]},
			{Actor: voter[7], Seat: seats[7], Choices: people[2:3]}, // absent
			{Actor: voter[3], Seat: seats[3], Choices: people[:1]},
			{Actor: dbtest.Admin, Seat: seats[4], Choices: people[:1]}, // the system casts for any seat that votes
			{Actor: dbtest.Admin, Seat: seats[7], Choices: people[:1]}, // but not for one that does not
			{Actor: voter[5], Seat: seats[5], Choices: people[2:3]},
		}
		want := []string{"", "err.ballot_twice", "", "err.vote_seat", "err.election_not_found", "err.vote_seat", "", "", "err.vote_seat", ""}
		receipts, errs, err := db.Voting.CastTogetherForTest(ctx, el, casts, sealer)
		dbtest.Must(t, err)
		for i := range casts {
			if errKey(errs[i]) != want[i] || (want[i] == "" && len(receipts[i]) != 12) {
				t.Errorf("ballot %d: %q, %v; want %q", i, receipts[i], errs[i], want[i])
			}
		}
		res, err := db.Voting.CloseElection(ctx, dbtest.Admin, el, sealer)
		dbtest.Must(t, err)
		if res.Cast != 5 || res.Valid != 5 || res.Votes[fmt.Sprint(people[0])] != 2 || res.Votes[fmt.Sprint(people[1])] != 2 || res.Votes[fmt.Sprint(people[2])] != 1 {
			t.Fatalf("count %+v", res)
		}
		// A closed election: the voter learns it is closed, anyone else
		// nothing more than before.
		_, errs, err = db.Voting.CastTogetherForTest(ctx, el, []governance.CastForTest{
			{Actor: voter[4], Seat: seats[4], Choices: people[:1]},
			{Actor: visitor, Seat: seats[5], Choices: people[:1]},
		}, sealer)
		dbtest.Must(t, err)
		if kexie.AsError(errs[0]).Key != "err.election_closed" || kexie.AsError(errs[1]).Key != "err.election_not_found" {
			t.Fatalf("closed: %v, %v", errs[0], errs[1])
		}
	})
}
