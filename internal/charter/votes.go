package charter

import (
	"errors"
	"fmt"
	"sort"
)

// Attendance is a seat's standing at a meeting.
type Attendance string

const (
	Present          Attendance = "present"
	AbsentExcused    Attendance = "absent_excused"
	AbsentUnexcused  Attendance = "absent_unexcused"
	RepresentedProxy Attendance = "proxy" // absent, entrusted another seat holder of the body
)

// QuorumState is the quorum, computed live: how many seats are entitled,
// how many count as present, how many are needed, and whether it is met.
type QuorumState struct {
	Entitled, Present, Represented, Required int
	Met                                      bool
}

// Quorum computes the quorum of a body's meeting from its seats'
// attendance. Represented seats count as present only where the charter
// lets proxies count.
func Quorum(r BodyRules, seats []Attendance) QuorumState {
	q := QuorumState{Entitled: len(seats)}
	for _, a := range seats {
		switch a {
		case Present:
			q.Present++
		case RepresentedProxy:
			q.Represented++
		}
	}
	counted := q.Present
	if r.ProxiesCount {
		counted += q.Represented
	}
	q.Required = r.Quorum.Required(q.Entitled)
	q.Met = r.Quorum.Met(counted, q.Entitled)
	return q
}

// Proxy is one entrustment: the absent seat holder From entrusts To.
type Proxy struct{ From, To string }

// Proxy errors.
var (
	ErrSelfProxy     = errors.New("a seat holder cannot entrust themselves")
	ErrProxyChain    = errors.New("a proxy cannot pass on what they hold for another: no chains")
	ErrProxyTwice    = errors.New("a seat holder entrusts one other seat holder only")
	ErrProxyHeld     = errors.New("a seat holder holds one proxy only")
	ErrProxyAbsent   = errors.New("the proxy must be present")
	ErrProxyNotSeat  = errors.New("both must hold seats of the same body")
	ErrProxyPresence = errors.New("a seat holder who is present votes in person")
	ErrProxyNobody   = errors.New("a seat marked represented names the holder of its proxy")
)

// ProxyError is a refused entrustment: which seat holder entrusted whom
// (To is "" when the refusal is of From alone), Other the holder whose
// proxy To already holds (ErrProxyHeld), and why (one of the errors
// above, for errors.Is).
type ProxyError struct {
	From, To, Other string
	Err             error
}

func (e *ProxyError) Error() string {
	switch {
	case e.Other != "":
		return e.From + " → " + e.To + " (already holds " + e.Other + "'s): " + e.Err.Error()
	case e.To != "":
		return e.From + " → " + e.To + ": " + e.Err.Error()
	}
	return e.From + ": " + e.Err.Error()
}

func (e *ProxyError) Unwrap() error { return e.Err }

// CheckProxies checks entrustments against the meeting's attendance (by
// seat holder): each From is represented by proxy, holds a seat, entrusts
// one To only, who is present, holds a seat of the same body, is not
// themselves represented (no chains) and holds no other proxy; no
// self-delegation. A refusal is a *ProxyError naming the holders.
func CheckProxies(attendance map[string]Attendance, proxies []Proxy) error {
	from, held := map[string]bool{}, map[string]string{}
	for _, p := range proxies {
		fa, okF := attendance[p.From]
		ta, okT := attendance[p.To]
		switch {
		case p.From == p.To:
			return &ProxyError{From: p.From, Err: ErrSelfProxy}
		case !okF || !okT:
			return &ProxyError{From: p.From, To: p.To, Err: ErrProxyNotSeat}
		case from[p.From]:
			return &ProxyError{From: p.From, Err: ErrProxyTwice}
		case fa == Present:
			return &ProxyError{From: p.From, Err: ErrProxyPresence}
		case ta == RepresentedProxy:
			return &ProxyError{From: p.From, To: p.To, Err: ErrProxyChain}
		case ta != Present:
			return &ProxyError{From: p.From, To: p.To, Err: ErrProxyAbsent}
		case held[p.To] != "":
			return &ProxyError{From: p.From, To: p.To, Other: held[p.To], Err: ErrProxyHeld}
		}
		from[p.From], held[p.To] = true, p.From
	}
	for who, a := range attendance {
		if a == RepresentedProxy && !from[who] {
			return &ProxyError{From: who, Err: ErrProxyNobody}
		}
	}
	return nil
}

// Tally is a motion's count.
type Tally struct{ Yes, No, Abstain int }

// Outcome is a closed motion: its tally, the base it was measured
// against, the count required and whether it passed.
type Outcome struct {
	Tally    Tally
	Rule     Fraction
	Base     int
	Required int
	Passed   bool
	Entitled int
	Present  int // counted as present (represented seats included where proxies count)
}

// Decide closes a motion by the rule: the base is the seats present (with
// represented ones where proxies count), the votes cast (yes + no) or the
// seats entitled.
func Decide(rule Fraction, t Tally, q QuorumState, proxiesCount bool) (Outcome, error) {
	if !q.Met {
		return Outcome{}, errors.New("no vote without a quorum")
	}
	if t.Yes < 0 || t.No < 0 || t.Abstain < 0 {
		return Outcome{}, errors.New("a count is not negative")
	}
	present := q.Present
	if proxiesCount {
		present += q.Represented
	}
	if t.Yes+t.No+t.Abstain > present {
		return Outcome{}, fmt.Errorf("%d votes from %d present", t.Yes+t.No+t.Abstain, present)
	}
	o := Outcome{Tally: t, Rule: rule, Entitled: q.Entitled, Present: present}
	switch rule.Base {
	case BasePresent:
		o.Base = present
	case BaseCast:
		o.Base = t.Yes + t.No
	case BaseEntitled:
		o.Base = q.Entitled
	default:
		return Outcome{}, fmt.Errorf("unknown base %q", rule.Base)
	}
	o.Required = rule.Required(o.Base)
	o.Passed = o.Base > 0 && rule.Met(t.Yes, o.Base)
	return o, nil
}

// Ballot is one secret ballot's content: the candidates it approves.
type Ballot []string

// ElectionResult is the count of an election by secret ballot.
type ElectionResult struct {
	Issued, Cast, Valid, Invalid int
	Votes                        map[string]int // yes votes per candidate, valid ballots only
	Required                     int            // votes a candidate needs (more than the fraction of voters present)
	Elected                      []string       // in order of votes, then name
	// Runoff: candidates tied at the last seat(s) — the count decides
	// nothing for them; RunoffSeats seats remain to fill among them.
	Runoff      []string
	RunoffSeats int
}

// Count counts an election: a ballot approving more candidates than there
// are seats, or a candidate not standing, is invalid (counted, but for no
// one); a candidate is elected when their votes meet the rule (default
// more than 1/2) of the voters present, highest first, up to the seats; a
// tie across the last seat is reported as a runoff, never decided silently.
func Count(rule Fraction, seats, issued, votersPresent int, candidates []string, ballots []Ballot) (ElectionResult, error) {
	if seats <= 0 {
		return ElectionResult{}, errors.New("an election fills at least one seat")
	}
	if len(ballots) > issued {
		return ElectionResult{}, fmt.Errorf("%d ballots cast, %d issued", len(ballots), issued)
	}
	standing := map[string]bool{}
	for _, c := range candidates {
		standing[c] = true
	}
	res := ElectionResult{Issued: issued, Cast: len(ballots), Votes: map[string]int{}}
	for _, c := range candidates {
		res.Votes[c] = 0
	}
	for _, b := range ballots {
		seen := map[string]bool{}
		ok := len(b) <= seats
		for _, c := range b {
			ok = ok && standing[c] && !seen[c]
			seen[c] = true
		}
		if !ok {
			res.Invalid++
			continue
		}
		res.Valid++
		for _, c := range b {
			res.Votes[c]++
		}
	}
	res.Required = rule.Required(votersPresent)
	var qualified []string
	for _, c := range candidates {
		if rule.Met(res.Votes[c], votersPresent) {
			qualified = append(qualified, c)
		}
	}
	sort.SliceStable(qualified, func(i, j int) bool {
		if res.Votes[qualified[i]] != res.Votes[qualified[j]] {
			return res.Votes[qualified[i]] > res.Votes[qualified[j]]
		}
		return qualified[i] < qualified[j]
	})
	if len(qualified) <= seats {
		res.Elected = qualified
		return res, nil
	}
	// More qualify than there are seats: those above the last seat's vote
	// count are elected; those at it share what is left, unless they fit.
	last := res.Votes[qualified[seats-1]]
	for _, c := range qualified {
		if res.Votes[c] > last {
			res.Elected = append(res.Elected, c)
		}
	}
	var tied []string
	for _, c := range qualified {
		if res.Votes[c] == last {
			tied = append(tied, c)
		}
	}
	left := seats - len(res.Elected)
	if len(tied) <= left {
		res.Elected = append(res.Elected, tied...)
		return res, nil
	}
	res.Runoff, res.RunoffSeats = tied, left
	return res, nil
}
