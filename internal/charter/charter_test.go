package charter

import (
	"errors"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"
)

func seats(present, proxy, excused, unexcused int) []Attendance {
	var s []Attendance
	for range present {
		s = append(s, Present)
	}
	for range proxy {
		s = append(s, RepresentedProxy)
	}
	for range excused {
		s = append(s, AbsentExcused)
	}
	for range unexcused {
		s = append(s, AbsentUnexcused)
	}
	return s
}

// TestQuorumCHIA: "more than 2/3" of 30 directors: 20 present is not a
// quorum (20/30 is exactly 2/3), 21 is; a represented seat counts on the
// council (CHIA lets proxies count) but not at the congress.
func TestQuorumCHIA(t *testing.T) {
	c := NationalSociety()
	council := c.Bodies[Council]
	for _, tc := range []struct {
		present, proxy int
		met            bool
	}{{20, 0, false}, {21, 0, true}, {19, 1, false}, {20, 1, true}, {0, 21, true}, {30, 0, true}} {
		q := Quorum(council, seats(tc.present, tc.proxy, 30-tc.present-tc.proxy, 0))
		if q.Met != tc.met || q.Required != 21 || q.Entitled != 30 {
			t.Errorf("council %d present + %d by proxy: %+v, want met=%v, required 21", tc.present, tc.proxy, q, tc.met)
		}
	}
	congress := c.Bodies[Congress]
	if q := Quorum(congress, seats(20, 1, 9, 0)); q.Met {
		t.Errorf("congress counts a proxy: %+v", q)
	}
}

// TestDecideCHIA: the council's ordinary resolution needs more than 2/3 of
// those present: of 21 present, 14 yes fails (14/21 = 2/3), 15 passes;
// mid-term replacement of directors needs more than 4/5 of those present.
func TestDecideCHIA(t *testing.T) {
	c := NationalSociety()
	r := c.Bodies[Council]
	q := Quorum(r, seats(21, 0, 9, 0))
	ord, _ := c.Threshold(Council, Ordinary)
	for yes, want := range map[int]bool{14: false, 15: true} {
		o, err := Decide(ord, Tally{Yes: yes, No: 21 - yes}, q, r.ProxiesCount)
		if err != nil || o.Passed != want || o.Required != 15 || o.Base != 21 {
			t.Errorf("%d yes of 21: %+v %v", yes, o, err)
		}
	}
	rep, _ := c.Threshold(Council, MidTermReplace)
	// 4/5 of 21 = 16.8: 16 fails, 17 passes. Of 25 present: 20 = exactly 4/5 fails, 21 passes.
	for _, tc := range []struct {
		present, yes int
		want         bool
	}{{21, 16, false}, {21, 17, true}, {25, 20, false}, {25, 21, true}} {
		qq := Quorum(r, seats(tc.present, 0, 30-tc.present, 0))
		o, err := Decide(rep, Tally{Yes: tc.yes, No: tc.present - tc.yes}, qq, r.ProxiesCount)
		if err != nil || o.Passed != tc.want {
			t.Errorf("replacement %d of %d: %+v %v", tc.yes, tc.present, o, err)
		}
	}
	// No vote without a quorum; no more votes than voters.
	if _, err := Decide(ord, Tally{Yes: 20}, Quorum(r, seats(20, 0, 10, 0)), true); err == nil {
		t.Error("a vote without a quorum was counted")
	}
	if _, err := Decide(ord, Tally{Yes: 20, No: 5}, q, true); err == nil {
		t.Error("25 votes from 21 present were counted")
	}
	// Abstentions are not cast: on a "cast" base they do not count against.
	o, _ := Decide(More(1, 2, BaseCast), Tally{Yes: 6, No: 5, Abstain: 10}, q, true)
	if !o.Passed || o.Base != 11 {
		t.Errorf("cast base: %+v", o)
	}
	o, _ = Decide(More(1, 2, BaseCast), Tally{Abstain: 21}, q, true)
	if o.Passed {
		t.Errorf("nothing cast passed: %+v", o)
	}
}

// TestFractionOracle compares Met and Required with plain rational
// arithmetic over many fractions and counts.
func TestFractionOracle(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	for range 20000 {
		den := int64(1 + rng.IntN(12))
		num := rng.Int64N(den + 1)
		strict := rng.IntN(2) == 0
		f := Fraction{Num: num, Den: den, Strict: strict, Base: BasePresent}
		base := rng.IntN(200)
		for count := 0; count <= base; count += 1 + rng.IntN(3) {
			lhs, rhs := int64(count)*den, num*int64(base)
			want := lhs >= rhs
			if strict {
				want = lhs > rhs
			}
			if f.Met(count, base) != want {
				t.Fatalf("%v Met(%d, %d) = %v", f, count, base, !want)
			}
		}
		req := f.Required(base)
		if (req <= base && !f.Met(req, base)) || (req > 0 && f.Met(req-1, base)) {
			t.Fatalf("%v Required(%d) = %d", f, base, req)
		}
	}
}

func TestProxies(t *testing.T) {
	att := map[string]Attendance{"a": Present, "b": RepresentedProxy, "c": RepresentedProxy, "d": AbsentExcused, "e": Present}
	ok := []Proxy{{"b", "a"}, {"c", "e"}}
	if err := CheckProxies(att, ok); err != nil {
		t.Errorf("two seats entrusting two present holders: %v", err)
	}
	for _, tc := range []struct {
		p    []Proxy
		want error
	}{
		{[]Proxy{{"b", "a"}, {"c", "a"}}, ErrProxyHeld}, // one proxy per holder
		{[]Proxy{{"b", "b"}, {"c", "a"}}, ErrSelfProxy},
		{[]Proxy{{"b", "c"}, {"c", "a"}}, ErrProxyChain},
		{[]Proxy{{"b", "d"}, {"c", "a"}}, ErrProxyAbsent},
		{[]Proxy{{"b", "a"}, {"b", "e"}, {"c", "e"}}, ErrProxyTwice},
		{[]Proxy{{"b", "x"}, {"c", "a"}}, ErrProxyNotSeat},
		{[]Proxy{{"a", "e"}, {"b", "a"}, {"c", "e"}}, ErrProxyPresence},
		{[]Proxy{{"b", "a"}}, ErrProxyNobody}, // c marked represented, entrusted nobody
	} {
		if err := CheckProxies(att, tc.p); !errors.Is(err, tc.want) {
			t.Errorf("%v: %v, want %v", tc.p, err, tc.want)
		}
	}
}

// TestCount: invalid ballots (more approvals than seats, a name not
// standing, a name twice) count for no one; the highest above the
// threshold are elected; a tie across the last seat is a runoff.
func TestCount(t *testing.T) {
	half := More(1, 2, BasePresent)
	cands := []string{"甲", "乙", "丙", "丁"}
	ballots := []Ballot{
		{"甲", "乙"}, {"甲", "乙"}, {"甲", "丙"}, {"甲", "丙"}, {"乙", "丙"},
		{"甲", "乙", "丙"}, // three approvals for two seats: invalid
		{"戊"},           // not standing: invalid
		{"甲", "甲"},      // the same twice: invalid
		{},              // blank: valid, for no one
	}
	res, err := Count(half, 2, 10, 10, cands, ballots)
	if err != nil {
		t.Fatal(err)
	}
	// 10 voters present: more than 1/2 is 6. 甲 4, 乙 3, 丙 3: nobody is elected.
	if res.Issued != 10 || res.Cast != 9 || res.Valid != 6 || res.Invalid != 3 || res.Required != 6 || len(res.Elected) != 0 {
		t.Fatalf("%+v", res)
	}
	// Nine present: more than 1/2 is 5.
	b2 := []Ballot{{"甲", "乙"}, {"甲", "乙"}, {"甲", "丙"}, {"甲", "丙"}, {"甲", "乙"}, {"乙", "丙"}, {"丙", "乙"}, {"丁"}, {"丁"}}
	res, _ = Count(half, 2, 9, 9, cands, b2)
	// 甲 5, 乙 5, 丙 4: 甲 and 乙 both reach 5 > 4.5, two seats: both elected.
	if !reflect.DeepEqual(res.Elected, []string{"乙", "甲"}) && !reflect.DeepEqual(res.Elected, []string{"甲", "乙"}) || len(res.Runoff) != 0 {
		t.Fatalf("two qualified for two seats: %+v", res)
	}
	// Two seats, all three at 6 of 9 (each above 4.5): a runoff of three
	// for two seats, nobody elected silently.
	tie := []Ballot{{"甲", "乙"}, {"甲", "乙"}, {"甲", "乙"}, {"乙", "丙"}, {"乙", "丙"}, {"乙", "丙"}, {"甲", "丙"}, {"甲", "丙"}, {"甲", "丙"}}
	res, _ = Count(half, 2, 9, 9, cands, tie)
	if len(res.Elected) != 0 || !reflect.DeepEqual(res.Runoff, []string{"丙", "乙", "甲"}) || res.RunoffSeats != 2 {
		t.Fatalf("tie at the last seat: %+v", res)
	}
	// Three seats, 甲 6, 乙 5, 丙 5, 丁 5 with 9 present: 甲 elected, two seats for three tied: runoff.
	res, _ = Count(half, 3, 9, 9, cands, []Ballot{{"甲", "乙", "丙"}, {"甲", "乙", "丙"}, {"甲", "乙", "丙"}, {"甲", "乙", "丁"}, {"甲", "乙", "丁"}, {"甲", "丙", "丁"}, {"丙", "丁"}, {"丁"}})
	if !reflect.DeepEqual(res.Elected, []string{"甲"}) || len(res.Runoff) != 3 || res.RunoffSeats != 2 {
		t.Fatalf("three tied for two seats: %+v", res)
	}
	if _, err := Count(half, 1, 2, 3, cands, []Ballot{{}, {}, {}}); err == nil {
		t.Error("more ballots than issued were counted")
	}
}

func TestCompliance(t *testing.T) {
	c := NationalSociety()
	share := *c.Bodies[StandingCouncil].MaxShareOf
	if f := StandingSize(share, 10, 30); f != nil {
		t.Errorf("10 of 30 is exactly 1/3: %+v", f)
	}
	if f := StandingSize(share, 11, 30); f == nil || f.Need != 10 {
		t.Errorf("11 of 30: %+v", f)
	}
	holders := map[string]bool{}
	for i := range 8 {
		holders[string(rune('a'+i))] = i < 6 // 6 of 8 = 3/4 exactly
	}
	if f := FrontLine(Council, *c.Bodies[Council].FrontLineMin, holders); f != nil {
		t.Errorf("6 of 8 front-line meets at least 3/4: %+v", f)
	}
	holders["a"] = false
	if f := FrontLine(Council, *c.Bodies[Council].FrontLineMin, holders); f == nil || f.Have != 5 || f.Need != 6 || len(f.People) != 3 {
		t.Errorf("5 of 8: %+v", f)
	}
	prev := []string{"a", "b", "c", "d", "e", "f"}
	if f := Renewal(Council, *c.Bodies[Council].RenewalMin, prev, []string{"a", "b", "c", "d", "x", "y"}); f != nil {
		t.Errorf("2 of 6 renewed is 1/3: %+v", f)
	}
	if f := Renewal(Council, *c.Bodies[Council].RenewalMin, prev, []string{"a", "b", "c", "d", "e", "y"}); f == nil || f.Have != 1 || f.Need != 2 {
		t.Errorf("1 of 6 renewed: %+v", f)
	}
	day := func(s string) time.Time { d, _ := time.Parse("2006-01-02", s); return d }
	if f := MeetingDue(Council, 12, day("2025-06-01"), day("2024-01-01"), day("2026-04-30")); f != nil {
		t.Errorf("met eleven months ago: %+v", f)
	}
	if f := MeetingDue(Council, 12, day("2025-06-01"), day("2024-01-01"), day("2026-06-01")); f == nil || f.Broken {
		t.Errorf("met exactly a year ago: at risk, not broken: %+v", f)
	}
	if f := MeetingDue(Council, 12, day("2025-06-01"), day("2024-01-01"), day("2026-06-02")); f == nil || !f.Broken {
		t.Errorf("a year and a day: %+v", f)
	}
	if f := MeetingDue(StandingCouncil, 6, day("2025-06-01"), day("2024-01-01"), day("2025-11-15")); f == nil || f.Broken {
		t.Errorf("due within a month is at risk: %+v", f)
	}
	if fs := TermDue(Council, day("2026-01-01"), []int{6, 6}, 12, false, day("2026-12-31")); len(fs) != 0 {
		t.Errorf("extended by the cap, not yet over: %+v", fs)
	}
	if fs := TermDue(Council, day("2026-01-01"), []int{6, 7}, 12, false, day("2026-12-31")); len(fs) != 1 || fs[0].Rule != "extension_cap" {
		t.Errorf("extended past the cap: %+v", fs)
	}
	if fs := TermDue(Council, day("2026-01-01"), nil, 12, false, day("2026-01-02")); len(fs) != 1 || fs[0].Rule != "term_overdue" {
		t.Errorf("past its end without extension: %+v", fs)
	}
	hist := map[string][]Attendance{
		"three": {Present, AbsentUnexcused, AbsentUnexcused, AbsentUnexcused},
		"two":   {AbsentUnexcused, AbsentUnexcused, AbsentExcused, AbsentUnexcused, AbsentUnexcused},
		"proxy": {AbsentUnexcused, AbsentUnexcused, RepresentedProxy, AbsentUnexcused},
	}
	fs := Absences(Council, 3, hist)
	if len(fs) != 2 || !reflect.DeepEqual(fs[0].People, []string{"three"}) || !fs[0].Broken || !reflect.DeepEqual(fs[1].People, []string{"two"}) || fs[1].Broken {
		t.Errorf("absences: %+v", fs)
	}
	if fs := Absences(StandingCouncil, 5, hist); len(fs) != 0 {
		t.Errorf("standing directors have five: %+v", fs)
	}
}

func TestTemplatesValid(t *testing.T) {
	for _, c := range []Charter{NationalSociety(), LocalAssociation()} {
		for b, r := range c.Bodies {
			if !r.Quorum.Valid() {
				t.Errorf("%s %s quorum %v", c.Name, b, r.Quorum)
			}
			for d, f := range r.Thresholds {
				if !f.Valid() {
					t.Errorf("%s %s %s %v", c.Name, b, d, f)
				}
			}
			if _, err := c.Threshold(b, Election); err != nil {
				t.Errorf("%s %s: %v", c.Name, b, err)
			}
		}
	}
}

func TestAddMonthsAndGuards(t *testing.T) {
	d := func(s string) time.Time { v, _ := time.Parse("2006-01-02", s); return v }
	for from, want := range map[string]string{"2024-08-31": "2025-02-28", "2023-08-31": "2024-02-29", "2024-01-15": "2024-07-15"} {
		if got := AddMonths(d(from), 6).Format("2006-01-02"); got != want {
			t.Errorf("%s + 6 months = %s, want %s", from, got, want)
		}
	}
	if f := MeetingDue(StandingCouncil, 6, d("2024-08-31"), d("2024-01-01"), d("2025-03-01")); f == nil || !f.Broken || f.Details != "2025-02-28" {
		t.Errorf("due at the month's end: %+v", f)
	}
	// Not a fraction: nothing meets it, and nothing divides by zero.
	bad := Fraction{Num: 1, Den: 0, Base: BaseEntitled}
	if bad.Met(30, 30) || bad.Required(30) != 31 {
		t.Error("a zero denominator met")
	}
	q := Quorum(NationalSociety().Bodies[Council], seats(21, 0, 9, 0))
	if _, err := Decide(More(2, 3, BasePresent), Tally{Yes: 25, No: -10}, q, true); err == nil {
		t.Error("a negative count was taken")
	}
	c := NationalSociety()
	r := c.Bodies[Council]
	r.Quorum.Base = BasePresent
	c.Bodies[Council] = r
	if c.Check() == nil {
		t.Error("a quorum of those present was taken")
	}
	if LocalAssociation().Check() != nil || NationalSociety().Check() != nil {
		t.Error("a template does not check")
	}
}

// An absences finding carries the real count of consecutive unexcused
// absences ("have 3, need 3", not "have 0"): one finding per count, so
// a holder with four and one with three are told apart.
func TestAbsencesCarryTheirCount(t *testing.T) {
	hist := map[string][]Attendance{
		"three": {Present, AbsentUnexcused, AbsentUnexcused, AbsentUnexcused},
		"four":  {AbsentUnexcused, AbsentUnexcused, AbsentUnexcused, AbsentUnexcused},
		"two":   {Present, AbsentUnexcused, AbsentUnexcused},
	}
	fs := Absences(Council, 3, hist)
	want := []Finding{
		{Rule: "absences", Body: Council, Broken: true, Have: 3, Need: 3, People: []string{"three"}},
		{Rule: "absences", Body: Council, Broken: true, Have: 4, Need: 3, People: []string{"four"}},
		{Rule: "absences", Body: Council, Broken: false, Have: 2, Need: 3, People: []string{"two"}},
	}
	if !reflect.DeepEqual(fs, want) {
		t.Fatalf("absences:\n got %+v\nwant %+v", fs, want)
	}
}
