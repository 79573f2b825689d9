package governance

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base32"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/kexie/kexie/internal/charter"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/seal"
	"github.com/kexie/kexie/internal/sqldb"
)

// Secrecy of the ballot, how. The property: nobody holding a copy of the
// database files taken at any moment (SQLite's file and WAL, a PostgreSQL
// dump or replica), nor the logs or the audit log, can link a seat to a
// ballot's receipt or choices without the data key.
//
// Who has voted (election_voters) and the ballot (ballots) are written in
// one transaction — so a seat votes at most once, atomically — and so a
// copy taken at that commit links the two rows (WAL frames, PostgreSQL's
// xmin). What such a copy links a seat to is therefore only ciphertext:
// while the election is open a ballot row is a random key and one sealed
// value (AES-GCM under the data key, never stored) holding the receipt
// and the choices, encoded at one length for every ballot of the election
// (a bitmap over its candidates), so not even the size says how many were
// approved. The poll book keeps the receipt sealed apart (another nonce),
// for the voter to get again until the count (issue: a crash after the
// commit and before the answer). The count opens the ballots and writes
// them in a random order under new random keys — nothing of a ballot's
// row while open survives into its published row but what the key hides
// — and erases the receipts from the poll book. Nothing is logged, and
// the audit log records that a seat voted, never what.

// Voting is the secret-ballot side of governance: elections opened at a
// meeting, the ballots cast in them (through one ballot box that batches
// them), their count and the published ballots. It is apart from Service
// so that each stays a size a reader can hold.
type Voting struct {
	db  *sqldb.DB
	gov *Service
	box *ballotBox
	// forms caches each election's ballot form (seats, candidates), which
	// never changes once the election is open: a congress of thousands
	// votes at once, and each ballot is checked and encoded against it.
	forms sync.Map // election id → ballotForm
}

// ballotForm is what a ballot of an election may say: at most seats of
// the candidates, kept sorted by person id (the order of a ballot's
// bitmap).
type ballotForm struct {
	seats      int
	candidates []int64
}

// NewVoting returns the voting side of gov. Its ballot box batches the
// ballots cast through it in a goroutine of its own, started by the first
// ballot and stopped when the database closes; make one per server.
func NewVoting(gov *Service) *Voting {
	return &Voting{db: gov.db, gov: gov, box: newBallotBox(gov.db)}
}

// NewElection describes an election to open at a meeting.
type NewElection struct {
	Title      string
	Seats      int
	Candidates []int64 // people standing
}

// Election is an election and, once closed, its count.
type Election struct {
	ID, MeetingID, OrgID int64
	Title                string
	Seats                int
	Rule                 string
	State                string
	Issued, Cast         int
	Voted                int // ballots in so far: the turnout while the election is open
	Valid, Invalid       int
	Required             int
	RunoffSeats          int
	Candidates           []Candidate
}

// Candidate is a person standing, with the count's outcome.
type Candidate struct {
	PersonID int64
	Name     string
	Votes    int
	Outcome  string // "", elected, runoff, not_elected
}

// OpenElection opens an election at a meeting with a quorum: one ballot is
// issued to each seat that votes there (present, or represented where the
// charter lets proxies count).
func (v *Voting) OpenElection(ctx context.Context, actor kexie.Actor, meetingID int64, e NewElection) (int64, error) {
	if strings.TrimSpace(e.Title) == "" || e.Seats <= 0 || len(e.Candidates) == 0 {
		return 0, kexie.Errorf(kexie.CodeInvalid, "err.election", "an election needs a title, at least one seat and candidates")
	}
	// Bounded before the write lock is taken: each candidate is looked up
	// in the transaction, and 250,000 of them held every write for seconds.
	if len(e.Candidates) > maxListed || e.Seats > len(e.Candidates) {
		return 0, kexie.Errorf(kexie.CodeInvalid, "err.election_size", "an election has at most %v candidates, and no more seats than candidates", kexie.CountOf("count.candidates", maxListed))
	}
	if err := plainText(e.Title); err != nil {
		return 0, err
	}
	var id int64
	err := v.db.Write(ctx, actor, func(tx *sqldb.Tx) error {
		if err := manageMeeting(ctx, tx, meetingID, notFound("err.meeting_not_found", "meeting")); err != nil {
			return err
		}
		m, q, rules, rule, err := voteRule(ctx, tx, meetingID, charter.Election, nil)
		if err != nil {
			return err
		}
		// Candidates are members of the organisation (or hold a seat of
		// its bodies): no name from elsewhere comes through an election.
		for _, p := range e.Candidates {
			var ok bool
			if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM memberships WHERE org_id = $1 AND person_id = $2)
				OR EXISTS (SELECT 1 FROM seats s JOIN terms t ON t.id = s.term_id JOIN bodies b ON b.id = t.body_id WHERE b.org_id = $1 AND s.person_id = $2)`,
				m.OrgID, p).Scan(&ok); err != nil {
				return err
			}
			if !ok {
				return kexie.Errorf(kexie.CodeInvalid, "err.candidate", "candidate %d is neither a member nor a seat holder of this organisation", p)
			}
		}

		issued := q.Present
		if rules.ProxiesCount {
			issued += q.Represented
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO elections (meeting_id, title, seats, rule, issued, voters) VALUES ($1, $2, $3, $4, $5, $5) RETURNING id`,
			meetingID, e.Title, e.Seats, encodeRule(rule), issued).Scan(&id); err != nil {
			return err
		}
		seen := map[int64]bool{}
		for _, p := range e.Candidates {
			if seen[p] {
				continue
			}
			seen[p] = true
			if _, err := tx.ExecContext(ctx, `INSERT INTO election_candidates (election_id, person_id) VALUES ($1, $2)`, id, p); err != nil {
				return err
			}
		}
		return tx.Audit(ctx, sqldb.Change{Action: "election.open", ObjectType: "election", ObjectID: strconv.FormatInt(id, 10), OrgID: m.OrgID,
			After: map[string]any{"meeting_id": meetingID, "title": e.Title, "seats": e.Seats, "candidates": len(seen), "issued": issued, "rule": rule.String()}})
	})
	return id, err
}

// encodeRule and decodeRule keep an election's rule as it was when it
// opened: "num/den/strict/base".
func encodeRule(f charter.Fraction) string {
	return strconv.FormatInt(f.Num, 10) + "/" + strconv.FormatInt(f.Den, 10) + "/" + strconv.FormatBool(f.Strict) + "/" + string(f.Base)
}

func decodeRule(s string) (charter.Fraction, error) {
	p := strings.Split(s, "/")
	if len(p) != 4 {
		return charter.Fraction{}, errors.New("bad rule " + s)
	}
	num, err1 := strconv.ParseInt(p[0], 10, 64)
	den, err2 := strconv.ParseInt(p[1], 10, 64)
	strict, err3 := strconv.ParseBool(p[2])
	f := charter.Fraction{Num: num, Den: den, Strict: strict, Base: charter.Base(p[3])}
	if err := errors.Join(err1, err2, err3); err != nil || !f.Valid() {
		return f, errors.New("bad rule " + s)
	}
	return f, nil
}

var receiptEncoding = base32.NewEncoding("0123456789ABCDEFGHJKMNPQRSTVWXYZ").WithPadding(base32.NoPadding)

// receiptLen is a receipt code's length: 60 random bits.
const receiptLen = 12

// form reads (once) an election's ballot form.
func (v *Voting) form(ctx context.Context, electionID int64) (ballotForm, error) {
	if f, ok := v.forms.Load(electionID); ok {
		return f.(ballotForm), nil
	}
	f, err := readForm(ctx, v.db.Reader(), electionID)
	if err != nil {
		return f, err
	}
	v.forms.Store(electionID, f)
	return f, nil
}

// querier is what readForm needs of a pool or a transaction.
type querier interface {
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
}

func readForm(ctx context.Context, q querier, electionID int64) (ballotForm, error) {
	var f ballotForm
	err := q.QueryRowContext(ctx, `SELECT seats FROM elections WHERE id = $1`, electionID).Scan(&f.seats)
	if errors.Is(err, sql.ErrNoRows) {
		return f, kexie.Errorf(kexie.CodeNotFound, "err.election_not_found", "no such election")
	}
	if err != nil {
		return f, sqldb.MapErr(err)
	}
	rows, err := q.QueryContext(ctx, `SELECT person_id FROM election_candidates WHERE election_id = $1 ORDER BY person_id`, electionID)
	if err != nil {
		return f, sqldb.MapErr(err)
	}
	defer rows.Close()
	for rows.Next() {
		var p int64
		if err := rows.Scan(&p); err != nil {
			return f, sqldb.MapErr(err)
		}
		f.candidates = append(f.candidates, p)
	}
	return f, sqldb.MapErr(rows.Err())
}

// encode checks a ballot against the form — only candidates, at most one
// per seat (an overfilled ballot is refused with its reason, before it is
// cast, not counted invalid afterwards) — and writes it as a bitmap over
// the candidates: the same length for every ballot of the election.
func (f ballotForm) encode(choices []int64) (string, error) {
	bits := make([]byte, (len(f.candidates)+7)/8)
	n := 0
	for _, c := range choices {
		i, ok := slices.BinarySearch(f.candidates, c)
		if !ok {
			return "", kexie.Errorf(kexie.CodeInvalid, "err.ballot_candidate", "person %d is not standing in this election", c)
		}
		if bits[i/8]&(1<<(i%8)) == 0 {
			bits[i/8] |= 1 << (i % 8)
			n++
		}
	}
	if n > f.seats {
		return "", kexie.Errorf(kexie.CodeInvalid, "err.ballot_overfilled", "this ballot approves %v candidates for %d seats", kexie.CountOf("count.candidates", n), f.seats)
	}
	return hex.EncodeToString(bits), nil
}

// decode reads a bitmap back into the candidates it approves.
func (f ballotForm) decode(bitmap string) ([]int64, error) {
	bits, err := hex.DecodeString(bitmap)
	if err != nil || len(bits) != (len(f.candidates)+7)/8 {
		return nil, errors.New("ballot: malformed")
	}
	var out []int64
	for i, c := range f.candidates {
		if bits[i/8]&(1<<(i%8)) != 0 {
			out = append(out, c)
		}
	}
	return out, nil
}

// CastBallot records a seat's ballot — the candidates it approves — and
// returns the receipt code, the voter's handle on their ballot in the
// published list. A second ballot for the same seat is refused
// (err.ballot_twice), even under concurrent requests: the "has voted" row
// is keyed by seat; the voter gets the receipt again through Receipt. A
// ballot naming someone not standing, or more candidates than seats, is
// refused with the reason. Who may cast for a seat (MayVoteFor: its
// holder, present, or the holder of its proxy) is checked in the ballot
// box's transaction, for a whole batch in one query: a congress votes at
// once, and per request that rule cost three round trips and, on a
// PostgreSQL without statistics, a scan of the meeting's attendance. To
// one who does not vote for the seat the answer is MayVoteFor's (the
// election does not exist, or the seat is not theirs) whatever else is
// wrong with the ballot. The system actor casts for any seat.
//
// Ballots arriving together are written together (ballotBox): one
// transaction, one commit.
func (v *Voting) CastBallot(ctx context.Context, actor kexie.Actor, electionID, seatID int64, choices []int64, sl *seal.Sealer) (string, error) {
	b, err := v.newBallot(ctx, actor, electionID, seatID, choices, sl)
	if err != nil {
		return "", err
	}
	if err := v.box.PutAny(ctx, v.db, b); err != nil {
		return "", err
	}
	select {
	case err := <-b.done:
		if err := v.refusal(ctx, b, err); err != nil {
			return "", err
		}
		return b.receipt, nil
	case <-ctx.Done():
		// The ballot may still be written: the box does not drop what it
		// took. The voter learns it is in, and its receipt, from Receipt.
		return "", ctx.Err()
	}
}

// newBallot checks a ballot against the election's form and seals it for
// the box.
func (v *Voting) newBallot(ctx context.Context, actor kexie.Actor, electionID, seatID int64, choices []int64, sl *seal.Sealer) (*ballot, error) {
	if sl == nil {
		return nil, kexie.Errorf(kexie.CodeUnavailable, "err.ballot_key", "secret ballots need the server's data key (--data-key-file or KEXIE_DATA_KEY)")
	}
	f, err := v.form(ctx, electionID)
	if err != nil {
		return nil, err
	}
	bitmap, err := f.encode(choices)
	if err != nil {
		// What is wrong with a ballot tells who is standing: only to one
		// who votes for the seat.
		if !actor.IsSystem() {
			if err := v.mayVoteFor(ctx, actor, electionID, seatID); err != nil {
				return nil, err
			}
		}
		return nil, err
	}
	var raw [16]byte
	var rc [10]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return nil, err
	}
	if _, err := rand.Read(rc[:]); err != nil {
		return nil, err
	}
	receipt := receiptEncoding.EncodeToString(rc[:])[:receiptLen]
	sealed, err := sl.Seal(receipt + ":" + bitmap)
	if err != nil {
		return nil, err
	}
	kept, err := sl.Seal(receipt)
	if err != nil {
		return nil, err
	}
	return &ballot{actor: actor, check: !actor.IsSystem(), election: electionID, seat: seatID, id: hex.EncodeToString(raw[:]),
		receipt: receipt, keptReceipt: kept, content: boxMark + sealed, done: make(chan error, 1)}, nil
}

// refusal is what the actor of a ballot the box answered err to may learn:
// to one who does not vote for its seat, that the election does not exist
// or that the seat is not theirs (MayVoteFor), found off the path of the
// ballots taken.
func (v *Voting) refusal(ctx context.Context, b *ballot, err error) error {
	if !errors.Is(err, errNotVoter) {
		return err
	}
	if err := v.mayVoteFor(ctx, b.actor, b.election, b.seat); err != nil {
		return err
	}
	// The rule holds now and did not in the box (attendance is fixed while
	// the election is open, so only around its opening): refused as the box
	// found it.
	return kexie.Errorf(kexie.CodeForbidden, "err.vote_seat", "this seat does not vote at this meeting")
}

// mayVoteFor is MayVoteFor on the election's meeting, with the election
// not found to those who may not see it.
func (v *Voting) mayVoteFor(ctx context.Context, actor kexie.Actor, electionID, seatID int64) error {
	meetingID, err := v.ElectionMeeting(ctx, electionID)
	if err != nil {
		return err
	}
	if err := v.gov.MayVoteFor(ctx, actor, meetingID, seatID); err != nil {
		if kexie.ErrorCode(err) == kexie.CodeNotFound {
			return kexie.Errorf(kexie.CodeNotFound, "err.election_not_found", "no such election")
		}
		return err
	}
	return nil
}

// boxMark starts a ballot's content while the election is open: the
// receipt and the bitmap, sealed together. sealedMark is the form before
// migration 0020 (the receipt in clear beside the sealed choices), still
// counted.
const (
	boxMark    = "box:"
	sealedMark = "sealed:"
)

// ReceiptState is what a voter may learn of their seat's ballot: that it
// is in and, until the count, its receipt.
type ReceiptState struct {
	Voted   bool
	Receipt string // "" when not voted, or once counted (the count erases it)
	Counted bool
}

// Receipt tells the actor whether the seat has voted in the election and,
// while it is open, gives its ballot's receipt again — for the voter
// whose answer was lost (a crash after the commit, a dropped connection).
// It reveals nothing of what the ballot says. The actor must be one who
// may vote for the seat (MayVoteFor).
func (v *Voting) Receipt(ctx context.Context, actor kexie.Actor, electionID, seatID int64, sl *seal.Sealer) (ReceiptState, error) {
	var st ReceiptState
	var meetingID int64
	var state string
	err := v.db.Reader().QueryRowContext(ctx, `SELECT meeting_id, state FROM elections WHERE id = $1`, electionID).Scan(&meetingID, &state)
	if errors.Is(err, sql.ErrNoRows) {
		return st, kexie.Errorf(kexie.CodeNotFound, "err.election_not_found", "no such election")
	}
	if err != nil {
		return st, sqldb.MapErr(err)
	}
	if err := v.gov.MayVoteFor(ctx, actor, meetingID, seatID); err != nil {
		if kexie.ErrorCode(err) == kexie.CodeNotFound {
			return st, kexie.Errorf(kexie.CodeNotFound, "err.election_not_found", "no such election")
		}
		return st, err
	}
	st.Counted = state == "closed"
	var kept string
	err = v.db.Reader().QueryRowContext(ctx, `SELECT receipt FROM election_voters WHERE election_id = $1 AND seat_id = $2`, electionID, seatID).Scan(&kept)
	if errors.Is(err, sql.ErrNoRows) {
		return st, nil
	}
	if err != nil {
		return st, sqldb.MapErr(err)
	}
	st.Voted = true
	if kept == "" || st.Counted {
		return st, nil
	}
	if sl == nil {
		return st, kexie.Errorf(kexie.CodeUnavailable, "err.ballot_key", "secret ballots need the server's data key (--data-key-file or KEXIE_DATA_KEY)")
	}
	if st.Receipt, err = sl.Open(kept); err != nil {
		return st, fmt.Errorf("receipt: %w", err)
	}
	return st, nil
}

// castBatch writes the ballots of one election that arrived together,
// inside the box's transaction, in five statements whatever their number:
// the election's row taken, then read; the batch's seats' attendance and
// holders read with the voters' people; one insert for the "has voted"
// rows (a seat that voted already is a row the insert did not write —
// nothing fails, so no savepoint is needed and the batch goes on) and one
// for the ballots, in another order than their voters. On PostgreSQL a
// ballot cost four round trips in the box before, and the voting rule
// three more per request outside it; a congress's 12,000 requests now
// cost the box about a hundred batches of a dozen round trips (with the
// audit entries and the commit). It returns each ballot's refusal (nil:
// taken) and the audit entries of those taken.
func castBatch(ctx context.Context, tx *sqldb.Tx, electionID int64, batch []*ballot) ([]error, []sqldb.Change, []kexie.Actor, error) {
	refused := make([]error, len(batch))
	refuseAll := func(err error) ([]error, []sqldb.Change, []kexie.Actor, error) {
		for i := range refused {
			refused[i] = err
		}
		return refused, nil, nil, nil
	}
	// The election's row taken first: a ballot and the count happen one
	// after the other (on PostgreSQL a ballot could otherwise commit after
	// the count read the box).
	if _, err := tx.ExecContext(ctx, `UPDATE elections SET state = state WHERE id = $1`, electionID); err != nil {
		return nil, nil, nil, err
	}
	var meetingID, orgID int64
	var state, kind, template, rules, orgKind string
	err := tx.QueryRowContext(ctx, `SELECT e.meeting_id, e.state, bo.org_id, bo.kind, COALESCE(c.template, ''), COALESCE(c.rules, ''), o.kind
		FROM elections e JOIN meetings m ON m.id = e.meeting_id JOIN terms t ON t.id = m.term_id JOIN bodies bo ON bo.id = t.body_id
		JOIN orgs o ON o.id = bo.org_id LEFT JOIN charters c ON c.org_id = o.id
		WHERE e.id = $1`, electionID).Scan(&meetingID, &state, &orgID, &kind, &template, &rules, &orgKind)
	if errors.Is(err, sql.ErrNoRows) {
		return refuseAll(kexie.Errorf(kexie.CodeNotFound, "err.election_not_found", "no such election"))
	}
	if err != nil {
		return nil, nil, nil, err
	}
	c, err := charterFor(template, rules, orgKind)
	if err != nil {
		return nil, nil, nil, err
	}
	proxiesCount := c.Bodies[charter.BodyKind(kind)].ProxiesCount

	// Each seat's attendance, its holder and the holder of the seat named
	// as its proxy — by the attendance's key, one row per seat of the
	// batch, whatever the planner knows of the tables' sizes — and the
	// people of the users casting (a user without one votes for no seat),
	// in one query.
	person := map[int64]int64{}
	var users []int64
	for _, b := range batch {
		if _, ok := person[b.actor.UserID]; b.check && b.actor.UserID != 0 && !ok {
			person[b.actor.UserID] = 0
			users = append(users, b.actor.UserID)
		}
	}
	if len(users) == 0 {
		users = append(users, 0) // no user has id 0
	}
	var args []any
	arg := sqldb.Args(&args)
	size := padded(len(batch))
	q := `SELECT 0, a.seat_id, a.status, s.person_id, COALESCE(ps.person_id, 0)
		FROM attendance a JOIN seats s ON s.id = a.seat_id LEFT JOIN seats ps ON ps.id = a.proxy_seat
		WHERE a.meeting_id = ` + arg(meetingID) + ` AND a.seat_id IN (`
	for i := range size {
		if i > 0 {
			q += ", "
		}
		q += arg(batch[min(i, len(batch)-1)].seat)
	}
	q += `) UNION ALL SELECT 1, id, '', person_id, 0 FROM users WHERE person_id IS NOT NULL AND id IN (`
	for i := range size {
		if i > 0 {
			q += ", "
		}
		q += arg(users[min(i, len(users)-1)])
	}
	rows, err := tx.QueryContext(ctx, q+`)`, args...)
	if err != nil {
		return nil, nil, nil, err
	}
	type seatAt struct {
		status        string
		holder, proxy int64 // people
	}
	seats := map[int64]seatAt{}
	for rows.Next() {
		var user, id int64
		var st seatAt
		if err := rows.Scan(&user, &id, &st.status, &st.holder, &st.proxy); err != nil {
			rows.Close()
			return nil, nil, nil, err
		}
		if user == 1 {
			person[id] = st.holder
		} else {
			seats[id] = st
		}
	}
	if err := rows.Close(); err != nil {
		return nil, nil, nil, err
	}
	// The voting rule (as SeatsVotedBy): a seat's holder votes for it when
	// present, the holder of its proxy when it is represented.
	votesFor := func(b *ballot) bool {
		if !b.check {
			return true
		}
		st, ok := seats[b.seat]
		p := person[b.actor.UserID]
		return ok && p != 0 && ((st.status == string(charter.Present) && st.holder == p) ||
			(st.status == string(charter.RepresentedProxy) && st.proxy == p))
	}
	if state != "open" {
		for i, b := range batch {
			if votesFor(b) {
				refused[i] = kexie.Errorf(kexie.CodeConflict, "err.election_closed", "this election is closed")
			} else {
				refused[i] = errNotVoter
			}
		}
		return refused, nil, nil, nil
	}

	twice := kexie.Errorf(kexie.CodeConflict, "err.ballot_twice", "this seat has voted in this election already")
	var voting []int // indexes of the ballots whose seat votes here, one per seat
	inBatch := map[int64]bool{}
	for i, b := range batch {
		switch {
		case !votesFor(b):
			refused[i] = errNotVoter
		case !seatVotes(seats[b.seat].status, proxiesCount):
			refused[i] = kexie.Errorf(kexie.CodeForbidden, "err.vote_seat", "this seat does not vote at this meeting")
		case inBatch[b.seat]:
			refused[i] = twice
		default:
			inBatch[b.seat] = true
			voting = append(voting, i)
		}
	}
	if len(voting) == 0 {
		return refused, nil, nil, nil
	}
	// The padding repeats the last row, which the insert then does not
	// write (the seat has its row already).
	args = args[:0]
	q = `INSERT INTO election_voters (election_id, seat_id, receipt) VALUES `
	for n := range padded(len(voting)) {
		i := voting[min(n, len(voting)-1)]
		if n > 0 {
			q += ", "
		}
		q += "(" + arg(electionID) + ", " + arg(batch[i].seat) + ", " + arg(batch[i].keptReceipt) + ")"
	}
	rows, err = tx.QueryContext(ctx, q+` ON CONFLICT (election_id, seat_id) DO NOTHING RETURNING seat_id`, args...)
	if err != nil {
		return nil, nil, nil, err
	}
	written := map[int64]bool{}
	for rows.Next() {
		var seat int64
		if err := rows.Scan(&seat); err != nil {
			rows.Close()
			return nil, nil, nil, err
		}
		written[seat] = true
	}
	if err := rows.Close(); err != nil {
		return nil, nil, nil, err
	}
	var taken []int
	for _, i := range voting {
		if written[batch[i].seat] {
			taken = append(taken, i)
		} else {
			refused[i] = twice
		}
	}
	if len(taken) == 0 {
		return refused, nil, nil, nil
	}
	// The ballots go in another order than their voters: whatever a
	// database keeps of insertion order within the batch links nothing.
	order := slices.Clone(taken)
	if err := shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] }); err != nil {
		return nil, nil, nil, err
	}
	args = args[:0]
	q = `INSERT INTO ballots (election_id, ballot_id, receipt, choices) VALUES `
	for n := range padded(len(order)) {
		i := order[min(n, len(order)-1)]
		if n > 0 {
			q += ", "
		}
		q += "(" + arg(electionID) + ", " + arg(batch[i].id) + ", '', " + arg(batch[i].content) + ")"
	}
	// The padding's repeats are the rows this does not write; a ballot's
	// key is 128 random bits, so no other ballot is ever one of them.
	res, err := tx.ExecContext(ctx, q+` ON CONFLICT (election_id, ballot_id) DO NOTHING`, args...)
	if err != nil {
		return nil, nil, nil, err
	}
	if n, err := res.RowsAffected(); err != nil || n != int64(len(order)) {
		return nil, nil, nil, fmt.Errorf("ballot box: %d of %d ballots written (%v)", n, len(order), err)
	}
	// The poll book: that each seat voted, never what.
	changes, actors := make([]sqldb.Change, 0, len(taken)), make([]kexie.Actor, 0, len(taken))
	for _, i := range taken {
		changes = append(changes, sqldb.Change{Action: "election.voted", ObjectType: "election", ObjectID: strconv.FormatInt(electionID, 10), OrgID: orgID,
			After: map[string]any{"seat_id": batch[i].seat}})
		actors = append(actors, batch[i].actor)
	}
	return refused, changes, actors, nil
}

// A batch's statements are made for its rows, and a text per batch size
// would be prepared anew on PostgreSQL and fill SQLite's kept statements
// (a congress's batches come in every size up to 256). So each is padded
// to a power of two by repeating its last value or row, which an IN list
// ignores and an insert that does nothing on conflict does not write: nine
// texts each, kept prepared on both databases, and one statement each.

// padded is the length an IN list of n values is padded to.
func padded(n int) int {
	p := 1
	for p < n {
		p *= 2
	}
	return p
}

// ballot is one ballot waiting in the box.
type ballot struct {
	actor kexie.Actor
	// check: the box applies the voting rule to the actor (everyone but
	// the system, which casts for any seat).
	check          bool
	election, seat int64
	id             string
	receipt        string // answered to the voter, never stored in clear
	keptReceipt    string // the receipt sealed, for the poll book
	content        string // boxMark + the receipt and bitmap sealed
	done           chan error
}

// ballotBox writes the ballots that arrive together in one transaction —
// a refused one (a second ballot, a closed election) writes nothing and
// the others go on — with one commit: a congress of thousands
// voting at once costs a few dozen commits, not thousands. (Mixing the
// ballots of many voters in one transaction suits the secret too.) One
// writer (sqldb.Batcher) per Voting that takes ballots (the server's),
// started with the first ballot, stopped when the database closes.
type ballotBox = sqldb.Batcher[*ballot]

func newBallotBox(db *sqldb.DB) *ballotBox {
	return sqldb.NewBatcher(ballotBatch, func(*sqldb.DB) int { return 1 },
		func(ctx context.Context, batch []*ballot) {
			results, err := writeBatch(ctx, db, batch)
			for i, b := range batch {
				if err != nil {
					b.done <- err
				} else {
					b.done <- sqldb.MapErr(results[i])
				}
			}
		},
		func(b *ballot) { b.done <- sqldb.ErrBatcherClosed })
}

const ballotBatch = 256

// errNotVoter is the box's answer to a ballot whose actor does not vote
// for its seat; CastBallot turns it into what that actor may learn (404
// or 403), off the path of the ballots taken.
var errNotVoter = errors.New("ballot: the actor does not vote for this seat")

// writeBatch writes a batch of ballots in one transaction, by election in
// the order each first arrived, and returns each ballot's refusal (nil:
// taken); err: the database failed and nothing was written.
func writeBatch(ctx context.Context, db *sqldb.DB, batch []*ballot) ([]error, error) {
	results := make([]error, len(batch))
	err := db.Write(ctx, kexie.SystemActor("ballot-box"), func(tx *sqldb.Tx) error {
		// By election, in the order each first arrived.
		byElection := map[int64][]int{}
		var elections []int64
		for i, b := range batch {
			if _, ok := byElection[b.election]; !ok {
				elections = append(elections, b.election)
			}
			byElection[b.election] = append(byElection[b.election], i)
		}
		var changes []sqldb.Change
		var actors []kexie.Actor
		for _, e := range elections {
			idx := byElection[e]
			some := make([]*ballot, len(idx))
			for n, i := range idx {
				some[n] = batch[i]
			}
			refused, ch, ac, err := castBatch(ctx, tx, e, some)
			if err != nil {
				return err // the database failed: the whole batch fails
			}
			for n, i := range idx {
				results[i] = refused[n]
			}
			changes, actors = append(changes, ch...), append(actors, ac...)
		}
		return tx.AuditMany(ctx, changes, actors)
	})
	return results, err
}

// CloseElection counts an open election by the charter's rule (kept from
// its opening): ballots issued, cast, valid and invalid; each candidate's
// votes; elected, or a runoff for the seats a tie leaves. The ballots are
// re-written in a random order in the same transaction.
func (v *Voting) CloseElection(ctx context.Context, actor kexie.Actor, electionID int64, sl *seal.Sealer) (charter.ElectionResult, error) {
	var res charter.ElectionResult
	err := v.db.Write(ctx, actor, func(tx *sqldb.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE elections SET state = state WHERE id = $1`, electionID); err != nil {
			return err
		}
		var meetingID int64
		var seats, issued, voters int
		var state, ruleText string
		err := tx.QueryRowContext(ctx, `SELECT meeting_id, seats, issued, voters, state, rule FROM elections WHERE id = $1`, electionID).
			Scan(&meetingID, &seats, &issued, &voters, &state, &ruleText)
		if errors.Is(err, sql.ErrNoRows) {
			return kexie.Errorf(kexie.CodeNotFound, "err.election_not_found", "no such election")
		}
		if err != nil {
			return err
		}
		if err := manageMeeting(ctx, tx, meetingID, notFound("err.election_not_found", "election")); err != nil {
			return err
		}
		if state != "open" {
			return kexie.Errorf(kexie.CodeConflict, "err.election_closed", "this election is closed")
		}
		rule, err := decodeRule(ruleText)
		if err != nil {
			return err
		}
		m, err := meeting(ctx, tx, meetingID)
		if err != nil {
			return err
		}
		f, err := readForm(ctx, tx, electionID)
		if err != nil {
			return err
		}
		candidates := make([]string, len(f.candidates))
		for i, p := range f.candidates {
			candidates[i] = strconv.FormatInt(p, 10)
		}
		type stored struct{ receipt, content string }
		var all []stored
		rows, err := tx.QueryContext(ctx, `SELECT receipt, choices FROM ballots WHERE election_id = $1`, electionID)
		if err != nil {
			return err
		}
		for rows.Next() {
			var b stored
			if err := rows.Scan(&b.receipt, &b.content); err != nil {
				rows.Close()
				return err
			}
			all = append(all, b)
		}
		if err := rows.Close(); err != nil {
			return err
		}
		ballots := make([]charter.Ballot, len(all))
		for i, b := range all {
			receipt, choices, err := openBallot(f, b.receipt, b.content, sl)
			if err != nil {
				return err
			}
			all[i] = stored{receipt, choices}
			if choices != "" {
				ballots[i] = strings.Split(choices, ",")
			}
		}
		if res, err = charter.Count(rule, seats, issued, voters, candidates, ballots); err != nil {
			return kexie.Wrap(kexie.CodeConflict, "err.election_count", err.Error(), err)
		}
		// Re-write the ballots in a random order, under new random keys and
		// by this transaction: neither the order they arrived in nor any
		// key of their sealed rows survives into the published ones. The
		// receipts kept for the voters go too.
		if err := shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] }); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM ballots WHERE election_id = $1`, electionID); err != nil {
			return err
		}
		for _, b := range all {
			var raw [16]byte
			if _, err := rand.Read(raw[:]); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO ballots (election_id, ballot_id, receipt, choices) VALUES ($1, $2, $3, $4)`,
				electionID, hex.EncodeToString(raw[:]), b.receipt, b.content); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE election_voters SET receipt = '' WHERE election_id = $1`, electionID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE elections SET state = 'closed', cast_n = $1, valid = $2, invalid = $3, required = $4, runoff_seats = $5
			WHERE id = $6`, res.Cast, res.Valid, res.Invalid, res.Required, res.RunoffSeats, electionID); err != nil {
			return err
		}
		outcome := map[string]string{}
		for _, c := range candidates {
			outcome[c] = "not_elected"
		}
		for _, c := range res.Elected {
			outcome[c] = "elected"
		}
		for _, c := range res.Runoff {
			outcome[c] = "runoff"
		}
		for _, c := range candidates {
			if _, err := tx.ExecContext(ctx, `UPDATE election_candidates SET votes = $1, outcome = $2 WHERE election_id = $3 AND person_id = $4`,
				res.Votes[c], outcome[c], electionID, c); err != nil {
				return err
			}
		}
		return tx.Audit(ctx, sqldb.Change{Action: "election.close", ObjectType: "election", ObjectID: strconv.FormatInt(electionID, 10), OrgID: m.OrgID,
			After: map[string]any{"issued": res.Issued, "cast": res.Cast, "valid": res.Valid, "invalid": res.Invalid, "required": res.Required,
				"elected": res.Elected, "runoff": res.Runoff, "runoff_seats": res.RunoffSeats}})
	})
	return res, err
}

// openBallot opens a stored ballot into its receipt and its choices
// ("id,id", sorted): sealed together (boxMark), or from before migration
// 0020, the choices alone sealed beside a receipt in clear.
func openBallot(f ballotForm, receipt, content string, sl *seal.Sealer) (string, string, error) {
	noKey := kexie.Errorf(kexie.CodeUnavailable, "err.ballot_key", "secret ballots need the server's data key (--data-key-file or KEXIE_DATA_KEY)")
	if sealed, ok := strings.CutPrefix(content, boxMark); ok {
		if sl == nil {
			return "", "", noKey
		}
		plain, err := sl.Open(sealed)
		if err != nil {
			return "", "", fmt.Errorf("ballot: %w", err)
		}
		r, bitmap, ok := strings.Cut(plain, ":")
		if !ok || len(r) != receiptLen {
			return "", "", errors.New("ballot: malformed")
		}
		chosen, err := f.decode(bitmap)
		if err != nil {
			return "", "", err
		}
		parts := make([]string, len(chosen))
		for i, c := range chosen {
			parts[i] = strconv.FormatInt(c, 10)
		}
		return r, strings.Join(parts, ","), nil
	}
	if sealed, ok := strings.CutPrefix(content, sealedMark); ok {
		if sl == nil {
			return "", "", noKey
		}
		plain, err := sl.Open(sealed)
		if err != nil {
			return "", "", fmt.Errorf("ballot: %w", err)
		}
		return receipt, plain, nil
	}
	return receipt, content, nil
}

// shuffle is a Fisher–Yates shuffle on the system's random source.
func shuffle(n int, swap func(i, j int)) error {
	for i := n - 1; i > 0; i-- {
		j, err := rand.Int(rand.Reader, big.NewInt(int64(i+1)))
		if err != nil {
			return err
		}
		swap(i, int(j.Int64()))
	}
	return nil
}

// ElectionByID reads an election and its candidates.
func (v *Voting) ElectionByID(ctx context.Context, id int64) (Election, error) {
	var e Election
	err := v.db.Reader().QueryRowContext(ctx, `SELECT e.id, e.meeting_id, b.org_id, e.title, e.seats, e.rule, e.state, e.issued, e.cast_n, e.valid, e.invalid,
			e.required, e.runoff_seats, (SELECT COUNT(*) FROM election_voters v WHERE v.election_id = e.id)
		FROM elections e JOIN meetings m ON m.id = e.meeting_id JOIN terms t ON t.id = m.term_id JOIN bodies b ON b.id = t.body_id WHERE e.id = $1`, id).
		Scan(&e.ID, &e.MeetingID, &e.OrgID, &e.Title, &e.Seats, &e.Rule, &e.State, &e.Issued, &e.Cast, &e.Valid, &e.Invalid, &e.Required, &e.RunoffSeats, &e.Voted)
	if errors.Is(err, sql.ErrNoRows) {
		return e, kexie.Errorf(kexie.CodeNotFound, "err.election_not_found", "no such election")
	}
	if err != nil {
		return e, sqldb.MapErr(err)
	}
	if f, err := decodeRule(e.Rule); err == nil {
		e.Rule = f.String()
	}
	rows, err := v.db.Reader().QueryContext(ctx, `SELECT c.person_id, p.name, c.votes, c.outcome FROM election_candidates c JOIN people p ON p.id = c.person_id
		WHERE c.election_id = $1 ORDER BY c.votes DESC, p.name`, id)
	if err != nil {
		return e, sqldb.MapErr(err)
	}
	defer rows.Close()
	for rows.Next() {
		var c Candidate
		if err := rows.Scan(&c.PersonID, &c.Name, &c.Votes, &c.Outcome); err != nil {
			return e, sqldb.MapErr(err)
		}
		e.Candidates = append(e.Candidates, c)
	}
	return e, sqldb.MapErr(rows.Err())
}

// PublishedBallot is one line of the published ballot list: a receipt
// code and what that ballot approved.
type PublishedBallot struct {
	Receipt string
	Choices []int64
	// Invalid: the count took this ballot for no one (more candidates than
	// seats, or a name not standing). Ballots are refused so since
	// migration 0020; those cast before it may still be.
	Invalid bool
}

// Ballots is the published ballot list of a closed election, by receipt
// code, for voters to find their own.
func (v *Voting) Ballots(ctx context.Context, electionID int64) ([]PublishedBallot, error) {
	var state string
	if err := v.db.Reader().QueryRowContext(ctx, `SELECT state FROM elections WHERE id = $1`, electionID).Scan(&state); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, kexie.Errorf(kexie.CodeNotFound, "err.election_not_found", "no such election")
		}
		return nil, sqldb.MapErr(err)
	}
	if state != "closed" {
		return nil, kexie.Errorf(kexie.CodeConflict, "err.election_open", "the ballots are published after the count")
	}
	f, err := v.form(ctx, electionID)
	if err != nil {
		return nil, err
	}
	rows, err := v.db.Reader().QueryContext(ctx, `SELECT receipt, choices FROM ballots WHERE election_id = $1 ORDER BY receipt`, electionID)
	if err != nil {
		return nil, sqldb.MapErr(err)
	}
	defer rows.Close()
	var out []PublishedBallot
	for rows.Next() {
		var b PublishedBallot
		var choices string
		if err := rows.Scan(&b.Receipt, &choices); err != nil {
			return nil, sqldb.MapErr(err)
		}
		for _, c := range strings.Split(choices, ",") {
			if c == "" {
				continue
			}
			n, err := strconv.ParseInt(c, 10, 64)
			b.Invalid = b.Invalid || err != nil || slices.Contains(b.Choices, n)
			if _, standing := slices.BinarySearch(f.candidates, n); !standing {
				b.Invalid = true
			}
			b.Choices = append(b.Choices, n)
		}
		b.Invalid = b.Invalid || len(b.Choices) > f.seats
		out = append(out, b)
	}
	return out, sqldb.MapErr(rows.Err())
}

// ElectionMeeting is the meeting an election is held at.
func (v *Voting) ElectionMeeting(ctx context.Context, electionID int64) (int64, error) {
	var id int64
	err := v.db.Reader().QueryRowContext(ctx, `SELECT meeting_id FROM elections WHERE id = $1`, electionID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, kexie.Errorf(kexie.CodeNotFound, "err.election_not_found", "no such election")
	}
	return id, sqldb.MapErr(err)
}

// Elections lists a meeting's elections in the order they were opened.
func (v *Voting) Elections(ctx context.Context, meetingID int64) ([]Election, error) {
	rows, err := v.db.Reader().QueryContext(ctx, `SELECT id FROM elections WHERE meeting_id = $1 ORDER BY id`, meetingID)
	if err != nil {
		return nil, sqldb.MapErr(err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, sqldb.MapErr(err)
		}
		ids = append(ids, id)
	}
	if err := rows.Close(); err != nil {
		return nil, sqldb.MapErr(err)
	}
	var out []Election
	for _, id := range ids {
		e, err := v.ElectionByID(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

// ElectionVoters is the poll book of an election: the seats that have
// taken their ballot. It says nothing of what any ballot contains.
func (v *Voting) ElectionVoters(ctx context.Context, electionID int64) (map[int64]bool, error) {
	rows, err := v.db.Reader().QueryContext(ctx, `SELECT seat_id FROM election_voters WHERE election_id = $1`, electionID)
	if err != nil {
		return nil, sqldb.MapErr(err)
	}
	defer rows.Close()
	out := map[int64]bool{}
	for rows.Next() {
		var seat int64
		if err := rows.Scan(&seat); err != nil {
			return nil, sqldb.MapErr(err)
		}
		out[seat] = true
	}
	return out, sqldb.MapErr(rows.Err())
}

// Election is the election id and its meeting for an actor holding p on
// the meeting's organisation.
func (v *Voting) Election(ctx context.Context, actor kexie.Actor, p kexie.Permission, id int64) (Election, Meeting, error) {
	e, err := v.ElectionByID(ctx, id)
	if err != nil {
		return e, Meeting{}, err
	}
	m, err := v.gov.Meeting(ctx, actor, p, e.MeetingID)
	if kexie.ErrorCode(err) == kexie.CodeNotFound {
		err = notFound("err.election_not_found", "election")
	}
	return e, m, err
}

// ElectionFor is the election id for an actor who may read its
// organisation or holds a seat at its meeting.
func (v *Voting) ElectionFor(ctx context.Context, actor kexie.Actor, id int64) (Election, error) {
	e, err := v.ElectionByID(ctx, id)
	if err != nil {
		return e, err
	}
	return e, v.gov.Attends(ctx, actor, e.MeetingID, notFound("err.election_not_found", "election"))
}
