package governance_test

import (
	"bytes"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/kexie/kexie/internal/access"
	"github.com/kexie/kexie/internal/charter"
	"github.com/kexie/kexie/internal/governance"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/membership"
	"github.com/kexie/kexie/internal/registry"
	"github.com/kexie/kexie/internal/seal"
	"github.com/kexie/kexie/internal/sqldb"
	"github.com/kexie/kexie/internal/sqldb/dbtest"
)

// councilMeeting sets up a national society whose council of n seats meets
// with the first present of them present; it returns the meeting, the
// seats and their holders.
func councilMeeting(t *testing.T, db *dbtest.DB, n, present int) (meeting int64, seats, people []int64) {
	t.Helper()
	_, err := db.Registry.ImportOrgs(ctx, dbtest.Admin, dbtest.Numbered(dbtest.OrgRow("SOC", "", "national_society", "学会")), registry.ImportOptions{})
	dbtest.Must(t, err)
	soc, err := db.Registry.OrgByCode(ctx, "SOC")
	dbtest.Must(t, err)
	var rows []kexie.MemberRecord
	for i := range n {
		rows = append(rows, kexie.MemberRecord{Line: i + 2, MemberNo: fmt.Sprintf("S%03d", i), OrgCode: "SOC", Type: "individual",
			Name: fmt.Sprintf("理事%03d", i), Status: "active", Joined: "2020-01-01"})
	}
	_, err = db.Membership.ImportMembers(ctx, dbtest.Admin, membership.MemberRecords(rows, nil), membership.MemberImportOptions{})
	dbtest.Must(t, err)
	council, err := db.Governance.CreateBody(ctx, dbtest.Admin, soc.ID, charter.Council, "理事会", "Council")
	dbtest.Must(t, err)
	term, err := db.Governance.StartTerm(ctx, dbtest.Admin, council.ID, 1, "2025-01-01")
	dbtest.Must(t, err)
	for i := range n {
		m, err := db.Membership.MemberByNo(ctx, soc.ID, fmt.Sprintf("S%03d", i))
		dbtest.Must(t, err)
		id, err := db.Governance.AddSeat(ctx, dbtest.Admin, term.ID, governance.NewSeat{PersonID: m.PersonID, Post: "director", FrontLine: true, Seated: "2025-01-01"})
		dbtest.Must(t, err)
		seats, people = append(seats, id), append(people, m.PersonID)
	}
	meeting, err = db.Governance.CreateMeeting(ctx, dbtest.Admin, term.ID, governance.NewMeeting{Held: "2026-06-01"})
	dbtest.Must(t, err)
	var p []governance.Presence
	for i, s := range seats {
		if i < present {
			p = append(p, governance.Presence{SeatID: s, Status: charter.Present})
		}
	}
	dbtest.Must(t, db.Governance.SetAttendance(ctx, dbtest.Admin, meeting, p))
	return meeting, seats, people
}

// TestElectionSecretBallot: ballots issued to the voters present; one
// ballot per seat even when twenty requests race; an over-long ballot is
// counted invalid; the count elects the highest above half the voters
// present; receipts find their ballots in the published list; and nothing
// stored links a voter to a ballot.
func TestElectionSecretBallot(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		meeting, seats, people := councilMeeting(t, db, 12, 9)
		if _, err := db.Voting.OpenElection(ctx, dbtest.Admin, meeting, governance.NewElection{Title: "选举常务理事", Seats: 2}); kexie.AsError(err).Key != "err.election" {
			t.Fatalf("no candidates: %v", err)
		}
		a, b, c := people[0], people[1], people[2]
		el, err := db.Voting.OpenElection(ctx, dbtest.Admin, meeting, governance.NewElection{Title: "选举常务理事", Seats: 2, Candidates: []int64{a, b, c}})
		dbtest.Must(t, err)
		// Seat 0's ballot, raced by twenty requests: exactly one is taken.
		var wg sync.WaitGroup
		var mu sync.Mutex
		var receipts []string
		twice := 0
		for range 20 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r, err := db.Voting.CastBallot(ctx, dbtest.Admin, el, seats[0], []int64{a, b}, sealer)
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					receipts = append(receipts, r)
				case kexie.AsError(err).Key == "err.ballot_twice":
					twice++
				default:
					t.Errorf("race: %v", err)
				}
			}()
		}
		wg.Wait()
		if len(receipts) != 1 || twice != 19 {
			t.Fatalf("20 racing ballots for one seat: %d taken, %d refused", len(receipts), twice)
		}
		// An overfilled ballot, or one naming someone not standing, is
		// refused with its reason before it is cast: the seat may vote again.
		if _, err := db.Voting.CastBallot(ctx, dbtest.Admin, el, seats[6], []int64{a, b, c}, sealer); kexie.AsError(err).Key != "err.ballot_overfilled" {
			t.Fatalf("3 names for 2 seats: %v", err)
		}
		if _, err := db.Voting.CastBallot(ctx, dbtest.Admin, el, seats[6], []int64{a, people[5]}, sealer); kexie.AsError(err).Key != "err.ballot_candidate" {
			t.Fatalf("a name not standing: %v", err)
		}
		ballots := map[int][]int64{1: {a, b}, 2: {a, c}, 3: {a}, 4: {a, b}, 5: {b, c}, 6: {c, c}, 7: {c}, 8: {}}
		for i := 1; i <= 8; i++ {
			r, err := db.Voting.CastBallot(ctx, dbtest.Admin, el, seats[i], ballots[i], sealer)
			dbtest.Must(t, err)
			receipts = append(receipts, r)
		}
		if _, err := db.Voting.CastBallot(ctx, dbtest.Admin, el, seats[10], []int64{a}, sealer); kexie.AsError(err).Key != "err.vote_seat" {
			t.Fatalf("an absent seat voted: %v", err)
		}
		if _, err := db.Voting.Ballots(ctx, el); kexie.AsError(err).Key != "err.election_open" {
			t.Fatalf("ballots published before the count: %v", err)
		}
		// Until the count, what a ballot says is sealed in the database, and
		// the attendance that issued the ballots stays as it is.
		rows, err := db.RawQueryForTest(ctx, `SELECT choices FROM ballots`)
		dbtest.Must(t, err)
		for rows.Next() {
			var c string
			dbtest.Must(t, rows.Scan(&c))
			if !strings.HasPrefix(c, "box:") {
				t.Fatalf("a ballot in clear before the count: %q", c)
			}
		}
		rows.Close()
		if err := db.Governance.SetAttendance(ctx, dbtest.Admin, meeting, []governance.Presence{{SeatID: seats[10], Status: charter.Present}}); kexie.AsError(err).Key != "err.motion_open" {
			t.Fatalf("attendance changed during an election: %v", err)
		}
		res, err := db.Voting.CloseElection(ctx, dbtest.Admin, el, sealer)
		dbtest.Must(t, err)
		// 9 present: more than 1/2 is 5. a: 0,1,2,3,4 = 5; b: 0,1,4,5 = 4; c: 2,5,6,7 = 4.
		sa, sb, sc := fmt.Sprint(a), fmt.Sprint(b), fmt.Sprint(c)
		if res.Issued != 9 || res.Cast != 9 || res.Valid != 9 || res.Invalid != 0 || res.Required != 5 ||
			!slices.Equal(res.Elected, []string{sa}) || res.Votes[sa] != 5 || res.Votes[sb] != 4 || res.Votes[sc] != 4 {
			t.Fatalf("count %+v", res)
		}
		e, err := db.Voting.ElectionByID(ctx, el)
		dbtest.Must(t, err)
		if e.State != "closed" || e.Valid != 9 || e.Invalid != 0 || e.Candidates[0].PersonID != a || e.Candidates[0].Outcome != "elected" {
			t.Fatalf("stored election %+v", e)
		}
		list, err := db.Voting.Ballots(ctx, el)
		dbtest.Must(t, err)
		var listed []string
		for _, p := range list {
			listed = append(listed, p.Receipt)
		}
		if !slices.IsSorted(listed) || len(listed) != 9 {
			t.Fatalf("published list %v", listed)
		}
		for _, p := range list {
			if p.Invalid {
				t.Fatalf("a valid ballot published as invalid: %+v", p)
			}
		}
		for _, r := range receipts {
			if !slices.Contains(listed, r) {
				t.Fatalf("receipt %s not in the published list", r)
			}
		}
		// Nothing stored links a voter to a ballot: the two tables have no
		// common column but the election, no time, and the audit log's
		// entries say who voted, never what.
		cols := func(table string) []string {
			rows, err := db.RawQueryForTest(ctx, `SELECT * FROM `+table+` WHERE 1 = 0`)
			dbtest.Must(t, err)
			defer rows.Close()
			c, _ := rows.Columns()
			slices.Sort(c)
			return c
		}
		if got := cols("ballots"); !slices.Equal(got, []string{"ballot_id", "choices", "election_id", "receipt"}) {
			t.Fatalf("ballots columns %v", got)
		}
		if got := cols("election_voters"); !slices.Equal(got, []string{"election_id", "receipt", "seat_id"}) {
			t.Fatalf("election_voters columns %v", got)
		}
		entries, err := db.Audit(ctx, dbtest.As(socAdmin(t, db)), sqldb.AuditFilter{Action: "election.", Limit: 100})
		dbtest.Must(t, err)
		voted := 0
		for _, en := range entries {
			if en.Action != "election.voted" {
				continue
			}
			voted++
			for _, r := range receipts {
				if strings.Contains(string(en.After), r) {
					t.Fatal("a receipt is in the audit log")
				}
			}
			if strings.Contains(string(en.After), "choices") || strings.Contains(string(en.After), fmt.Sprintf("%d,%d", a, b)) {
				t.Fatalf("a ballot's content is in the audit log: %s", en.After)
			}
		}
		if voted != 9 {
			t.Fatalf("%d poll-book entries", voted)
		}
	})
}

// TestElectionRunoff: three candidates tied across the last seat are
// reported as a runoff; nobody is elected silently.
func TestElectionRunoff(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		meeting, seats, people := councilMeeting(t, db, 9, 9)
		a, b, c := people[0], people[1], people[2]
		el, err := db.Voting.OpenElection(ctx, dbtest.Admin, meeting, governance.NewElection{Title: "选举", Seats: 2, Candidates: []int64{a, b, c}})
		dbtest.Must(t, err)
		for i, choice := range [][]int64{{a, b}, {a, b}, {a, b}, {b, c}, {b, c}, {b, c}, {a, c}, {a, c}, {a, c}} {
			_, err := db.Voting.CastBallot(ctx, dbtest.Admin, el, seats[i], choice, sealer)
			dbtest.Must(t, err)
		}
		res, err := db.Voting.CloseElection(ctx, dbtest.Admin, el, sealer)
		dbtest.Must(t, err)
		if len(res.Elected) != 0 || len(res.Runoff) != 3 || res.RunoffSeats != 2 {
			t.Fatalf("tie: %+v", res)
		}
		e, _ := db.Voting.ElectionByID(ctx, el)
		for _, c := range e.Candidates {
			if c.Outcome != "runoff" || c.Votes != 6 {
				t.Fatalf("candidate %+v", c)
			}
		}
		if _, err := db.Voting.CloseElection(ctx, dbtest.Admin, el, sealer); kexie.AsError(err).Key != "err.election_closed" {
			t.Fatalf("closed twice: %v", err)
		}
	})
}

func socAdmin(t *testing.T, db *dbtest.DB) int64 {
	t.Helper()
	soc, err := db.Registry.OrgByCode(ctx, "SOC")
	dbtest.Must(t, err)
	u, err := db.Access.CreateUser(ctx, dbtest.Admin, access.NewUser{Username: "soc.admin", Password: "password-soc-admin", Role: kexie.RoleSysAdmin, OrgID: soc.ID})
	dbtest.Must(t, err)
	return u.ID
}

// sealer seals ballots in tests.
var sealer = func() *seal.Sealer {
	sl, err := seal.New([]byte("0123456789abcdef0123456789abcdef"))
	if err != nil {
		panic(err)
	}
	return sl
}()

// TestBallotSecrecyInEveryCopy: copies of the database taken after every
// ballot's commit while the election is open — SQLite's file and WAL as a
// file-level backup takes them, or a dump of every table on PostgreSQL
// with each row's writing transaction — hold no receipt that the count
// then publishes, and every ballot row in them is the same length of
// ciphertext, whatever it approves; the published rows share no key with
// the rows of the open election, and the count leaves no receipt in the
// poll book. A voter learns that their ballot is in, and gets its receipt
// again, until the count.
func TestBallotSecrecyInEveryCopy(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		meeting, seats, people := councilMeeting(t, db, 12, 12)
		cands := people[:5]
		el, err := db.Voting.OpenElection(ctx, dbtest.Admin, meeting, governance.NewElection{Title: "增补理事", Seats: 3, Candidates: cands})
		dbtest.Must(t, err)
		var copies [][]byte
		var receipts []string
		openIDs := map[string]bool{}
		for i, s := range seats {
			choices := cands[:i%4] // none, one, two or three approved
			r, err := db.Voting.CastBallot(ctx, dbtest.Admin, el, s, choices, sealer)
			dbtest.Must(t, err)
			receipts = append(receipts, r)
			copies = append(copies, filesCopy(t, db))
			// Every stored ballot is a random key, no receipt, and sealed
			// content of one length.
			rows, err := db.RawQueryForTest(ctx, `SELECT ballot_id, receipt, choices FROM ballots WHERE election_id = $1`, el)
			dbtest.Must(t, err)
			size := -1
			for rows.Next() {
				var id, receipt, content string
				dbtest.Must(t, rows.Scan(&id, &receipt, &content))
				openIDs[id] = true
				if receipt != "" || !strings.HasPrefix(content, "box:") || (size >= 0 && len(content) != size) {
					t.Fatalf("an open ballot row: receipt %q, %d bytes of %q (others %d)", receipt, len(content), content[:min(len(content), 8)], size)
				}
				size = len(content)
			}
			dbtest.Must(t, rows.Err())
			rows.Close()
		}
		for n, c := range copies {
			for _, r := range receipts {
				if bytes.Contains(c, []byte(r)) {
					t.Fatalf("receipt %s is in the copy taken after ballot %d", r, n+1)
				}
			}
		}
		// The voter whose answer was lost: a retry is refused, and the
		// receipt is given again.
		if _, err := db.Voting.CastBallot(ctx, dbtest.Admin, el, seats[3], cands[:1], sealer); kexie.AsError(err).Key != "err.ballot_twice" {
			t.Fatalf("second ballot: %v", err)
		}
		soc, err := db.Registry.OrgByCode(ctx, "SOC")
		dbtest.Must(t, err)
		u := dbtest.User(t, db, "director3", kexie.RoleMember, soc.ID)
		dbtest.Must(t, db.RawExec(ctx, `UPDATE users SET person_id = $1 WHERE id = $2`, people[3], u.ID))
		voter := dbtest.As(u.ID)
		st, err := db.Voting.Receipt(ctx, voter, el, seats[3], sealer)
		dbtest.Must(t, err)
		if !st.Voted || st.Counted || st.Receipt != receipts[3] {
			t.Fatalf("receipt again: %+v, cast %s", st, receipts[3])
		}
		// Nobody else learns it: not a signed-in user who holds no seat
		// (an administrator included), nor a visitor.
		for _, who := range []kexie.Actor{dbtest.As(socAdmin(t, db)), {}} {
			if st, err := db.Voting.Receipt(ctx, who, el, seats[3], sealer); err == nil || st.Receipt != "" {
				t.Fatalf("%+v learnt %+v", who, st)
			}
		}
		if st, err := db.Voting.Receipt(ctx, voter, el, seats[4], sealer); err == nil || st.Receipt != "" {
			t.Fatalf("a voter learnt another seat's receipt: %+v", st)
		}
		_, err = db.Voting.CloseElection(ctx, dbtest.Admin, el, sealer)
		dbtest.Must(t, err)
		st, err = db.Voting.Receipt(ctx, voter, el, seats[3], sealer)
		dbtest.Must(t, err)
		if !st.Voted || !st.Counted || st.Receipt != "" {
			t.Fatalf("receipt after the count: %+v", st)
		}
		list, err := db.Voting.Ballots(ctx, el)
		dbtest.Must(t, err)
		if len(list) != len(seats) {
			t.Fatalf("%d published", len(list))
		}
		for _, p := range list {
			if !slices.Contains(receipts, p.Receipt) {
				t.Fatalf("published receipt %s was never given", p.Receipt)
			}
		}
		rows, err := db.RawQueryForTest(ctx, `SELECT ballot_id FROM ballots WHERE election_id = $1`, el)
		dbtest.Must(t, err)
		for rows.Next() {
			var id string
			dbtest.Must(t, rows.Scan(&id))
			if openIDs[id] {
				t.Fatalf("published ballot %s kept its key from the open election", id)
			}
		}
		rows.Close()
		var kept int
		rows, err = db.RawQueryForTest(ctx, `SELECT COUNT(*) FROM election_voters WHERE election_id = $1 AND receipt <> ''`, el)
		dbtest.Must(t, err)
		for rows.Next() {
			dbtest.Must(t, rows.Scan(&kept))
		}
		rows.Close()
		if kept != 0 {
			t.Fatalf("%d receipts left in the poll book after the count", kept)
		}
	})
}

// filesCopy is what someone copying the database at this moment holds:
// SQLite's file and its WAL, byte for byte; on PostgreSQL a dump of every
// table, with each row's writing transaction (as a replica's files keep
// it).
func filesCopy(t *testing.T, db *dbtest.DB) []byte {
	t.Helper()
	if p := db.Path(); p != "" {
		var out []byte
		for _, f := range []string{p, p + "-wal"} {
			b, err := os.ReadFile(f)
			if err != nil && !os.IsNotExist(err) {
				t.Fatal(err)
			}
			out = append(out, b...)
		}
		return out
	}
	rows, err := db.RawQueryForTest(ctx, `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`)
	dbtest.Must(t, err)
	var tables []string
	for rows.Next() {
		var n string
		dbtest.Must(t, rows.Scan(&n))
		tables = append(tables, n)
	}
	rows.Close()
	var out bytes.Buffer
	for _, tb := range tables {
		rows, err := db.RawQueryForTest(ctx, `SELECT xmin::text, t::text FROM `+tb+` t`)
		dbtest.Must(t, err)
		for rows.Next() {
			var x, row string
			dbtest.Must(t, rows.Scan(&x, &row))
			fmt.Fprintf(&out, "%s\t%s\t%s\n", tb, x, row)
		}
		rows.Close()
	}
	return out.Bytes()
}
