package awardrule_test

import (
	"math/big"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/kexie/kexie/internal/awardrule"
	"github.com/kexie/kexie/internal/kexie"
)

func day(t *testing.T, s string) kexie.Date {
	t.Helper()
	d, err := kexie.ParseDay(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// A share rounds down, exactly: 15% of 30 is 4 (4.5), of 20 is 3, of 7 is 1 (1.05).
func TestShareRoundsDown(t *testing.T) {
	c := awardrule.Cap{Share: &awardrule.Share{Num: 15, Den: 100}}
	for winners, want := range map[int]int{30: 4, 20: 3, 7: 1, 6: 0, 0: 0, 100: 15} {
		if got := c.Limit(winners); got != want {
			t.Errorf("15%% of %d = %d, want %d", winners, got, want)
		}
	}
	if (awardrule.Cap{Count: 3}).Limit(1000) != 3 || (awardrule.Cap{}).Limit(10) != -1 {
		t.Error("count caps")
	}
	grades := []awardrule.Grade{{Code: "first", Cap: c}, {Code: "second"}}
	decided := map[int64]string{}
	for i := range 30 {
		decided[int64(i)] = "second"
	}
	for i := range 4 {
		decided[int64(i)] = "first"
	}
	if err := awardrule.CheckCaps(decided, grades, 30); err != nil {
		t.Fatalf("4 of 30 refused: %v", err)
	}
	decided[4] = "first"
	if err := awardrule.CheckCaps(decided, grades, 30); kexie.ErrorCode(err) != kexie.CodeConflict {
		t.Fatalf("5 first prizes of 30 (16.7%%) accepted: %v", err)
	}
	decided[4] = "second"
	decided[30] = "second"
	if err := awardrule.CheckCaps(decided, grades, 30); kexie.ErrorCode(err) != kexie.CodeConflict {
		t.Fatalf("31 winners over a total cap of 30 accepted: %v", err)
	}
}

// "Under 40 on 31 December of the round's year": 39 on the reference
// date passes, 40 on that very day does not.
func TestAgeOnReferenceDate(t *testing.T) {
	e := awardrule.Eligibility{MaxAge: 39, AgeOn: "12-31"}
	if n := e.Eligible(awardrule.Nominee{Birth: day(t, "1986-01-01")}, 2025); len(n) != 0 {
		t.Errorf("born 1986-01-01, 39 on 2025-12-31, refused: %v", n)
	}
	if n := e.Eligible(awardrule.Nominee{Birth: day(t, "1985-12-31")}, 2025); len(n) != 1 || n[0].Key != "award.unmet.age" {
		t.Errorf("born 1985-12-31, 40 on 2025-12-31, accepted: %v", n)
	}
	if n := e.Eligible(awardrule.Nominee{Birth: day(t, "1986-01-01")}, 2026); len(n) != 1 {
		t.Errorf("40 on 2026-12-31 accepted: %v", n)
	}
	if awardrule.Age(day(t, "2000-02-29"), day(t, "2025-02-28")) != 24 || awardrule.Age(day(t, "2000-02-29"), day(t, "2025-03-01")) != 25 {
		t.Error("leap-day birthdays")
	}
	f := awardrule.Eligibility{Fields: []string{"engineering"}, Regions: []string{"23"}, MembershipRequired: true}
	if n := f.Eligible(awardrule.Nominee{Field: "medicine", Region: "220100"}, 2025); len(n) != 3 {
		t.Errorf("field, region and membership not all refused: %v", n)
	}
	if n := f.Eligible(awardrule.Nominee{Field: "engineering", Region: "230100", IsMember: true}, 2025); len(n) != 0 {
		t.Errorf("eligible refused: %v", n)
	}
}

func TestWeightedExact(t *testing.T) {
	form := []awardrule.Criterion{{Code: "a", Weight: 2, Max: 10}, {Code: "b", Weight: 1, Max: 10}}
	s, err := awardrule.Weighted(form, map[string]int64{"a": 7, "b": 8})
	if err != nil || s.Cmp(big.NewRat(22, 3)) != 0 {
		t.Fatalf("got %v, %v; want 22/3", s, err)
	}
	if _, err := awardrule.Weighted(form, map[string]int64{"a": 11, "b": 0}); err == nil {
		t.Error("a score over the maximum accepted")
	}
	if _, err := awardrule.Weighted(form, map[string]int64{"a": 1}); err == nil {
		t.Error("a missing criterion accepted")
	}
	m := awardrule.Mean([]*big.Rat{big.NewRat(1, 3), big.NewRat(1, 3), big.NewRat(1, 3)})
	if m.Cmp(big.NewRat(1, 3)) != 0 {
		t.Errorf("mean of thirds %v", m)
	}
}

// A tie across a cap is reported and given no grade; the grade below
// goes on after it.
func TestCutReportsTieAtCap(t *testing.T) {
	r := func(id int64, s int64) awardrule.Ranked { return awardrule.Ranked{ID: id, Score: big.NewRat(s, 1)} }
	ranked := awardrule.Rank([]awardrule.Ranked{r(1, 90), r(2, 80), r(3, 80), r(4, 70), r(5, 60)})
	grades := []awardrule.Grade{{Code: "first", Cap: awardrule.Cap{Count: 2}}, {Code: "second"}}
	picks, ties := awardrule.Cut(ranked, grades, 4)
	if len(ties) != 1 || ties[0].Grade != "first" || ties[0].Places != 1 || !slices.Equal(ties[0].IDs, []int64{2, 3}) {
		t.Fatalf("ties %+v", ties)
	}
	want := map[int64]string{1: "first", 2: "", 3: "", 4: "second", 5: ""}
	wantGrades(t, picks, want)
	// Without the tie the cap is simply filled.
	ranked = awardrule.Rank([]awardrule.Ranked{r(1, 90), r(2, 85), r(3, 80)})
	if _, ties := awardrule.Cut(ranked, grades, 0); len(ties) != 0 {
		t.Errorf("no tie, got %v", ties)
	}
}

// wantGrades checks the cut's grade of each nomination.
func wantGrades(t *testing.T, picks []awardrule.Pick, want map[int64]string) {
	t.Helper()
	got := map[int64]string{}
	for _, p := range picks {
		got[p.ID] = p.Grade
	}
	for id, g := range want {
		if got[id] != g {
			t.Errorf("nomination %d: grade %q, want %q (all %v)", id, got[id], g, got)
		}
	}
}

// A nomination out (stopped at an earlier stage, or failed by the panel)
// ranks after every one still in, whatever its score, wins nothing, and
// does not count among the winners a share is of; one failed by the panel
// with the same score as one passed is not tied with it.
func TestCutLeavesOutThoseOut(t *testing.T) {
	r := func(id int64, s int64, out bool) awardrule.Ranked {
		return awardrule.Ranked{ID: id, Score: big.NewRat(s, 1), Out: out}
	}
	ranked := awardrule.Rank([]awardrule.Ranked{r(1, 95, true), r(2, 80, false), r(3, 80, true), r(4, 70, false), r(5, 60, false)})
	var order []int64
	for _, x := range ranked {
		order = append(order, x.ID)
	}
	if !slices.Equal(order, []int64{2, 4, 5, 1, 3}) {
		t.Fatalf("order %v", order)
	}
	// First: at most a half of the winners, rounded down: 3 in, so 1.
	grades := []awardrule.Grade{{Code: "first", Cap: awardrule.Cap{Share: &awardrule.Share{Num: 1, Den: 2}}}, {Code: "second"}}
	picks, ties := awardrule.Cut(ranked, grades, 0)
	if len(ties) != 0 {
		t.Fatalf("ties %+v", ties)
	}
	want := map[int64]string{2: "first", 4: "second", 5: "second", 1: "", 3: ""}
	wantGrades(t, picks, want)
}

// The assignment oracle: random pools and conflicts; never a conflicted
// pair, k experts each, loads within 1 where a brute-force bound says it
// is possible, the same seed the same answer, infeasible ones named.
func TestAssignOracle(t *testing.T) {
	for seed := uint64(1); seed <= 40; seed++ {
		rng := rand.New(rand.NewPCG(seed, 7))
		n, m, k := 1+rng.IntN(60), 1+rng.IntN(15), 1+rng.IntN(4)
		bad := make([][]bool, n)
		for i := range bad {
			bad[i] = make([]bool, m)
			for e := range bad[i] {
				bad[i][e] = rng.IntN(100) < 10
			}
		}
		conflict := func(i, e int) bool { return bad[i][e] }
		a := awardrule.Assign(n, m, k, conflict, seed)
		b := awardrule.Assign(n, m, k, conflict, seed)
		for i := range n {
			free := 0
			for e := range m {
				if !bad[i][e] {
					free++
				}
			}
			if !slices.Equal(a.Experts[i], b.Experts[i]) {
				t.Fatalf("seed %d: not deterministic", seed)
			}
			if free < k {
				if !slices.Contains(a.Infeasible, i) || len(a.Experts[i]) != 0 {
					t.Fatalf("seed %d: nomination %d with %d free experts of %d needed not reported", seed, i, free, k)
				}
				continue
			}
			if len(a.Experts[i]) != k {
				t.Fatalf("seed %d: nomination %d got %d experts, want %d", seed, i, len(a.Experts[i]), k)
			}
			for _, e := range a.Experts[i] {
				if bad[i][e] {
					t.Fatalf("seed %d: conflicted expert %d on nomination %d", seed, e, i)
				}
			}
		}
		lo, hi := slices.Min(a.Loads), slices.Max(a.Loads)
		if len(a.Infeasible) == 0 && hi-lo > 1 && balancedExists(bad, n, m, k) {
			t.Fatalf("seed %d: loads %v not within 1", seed, a.Loads)
		}
	}
	// No conflicts: always within 1.
	a := awardrule.Assign(100, 7, 3, func(int, int) bool { return false }, 1)
	if lo, hi := slices.Min(a.Loads), slices.Max(a.Loads); hi-lo > 1 {
		t.Fatalf("loads %v", a.Loads)
	}
}

// balancedExists: is there an assignment with loads within 1? Only a
// cheap sufficient condition is needed here: every expert free for at
// least ⌈nk/m⌉ nominations and every nomination free for all but few
// experts (10% conflicts) — then Hall's condition holds for the bounded
// flow in practice; when it does not, the test does not ask for balance.
func balancedExists(bad [][]bool, n, m, k int) bool {
	hi := (n*k + m - 1) / m
	for e := range m {
		free := 0
		for i := range n {
			if !bad[i][e] {
				free++
			}
		}
		if free < hi+k {
			return false
		}
	}
	return true
}

// The measured case: 3 experts to each of 2,000 nominations from 300,
// about 5% of pairs in conflict.
func BenchmarkAssign(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	bad := make([][]bool, 2000)
	for i := range bad {
		bad[i] = make([]bool, 300)
		for e := range bad[i] {
			bad[i][e] = rng.IntN(100) < 5
		}
	}
	for b.Loop() {
		a := awardrule.Assign(2000, 300, 3, func(i, e int) bool { return bad[i][e] }, 1)
		if lo, hi := slices.Min(a.Loads), slices.Max(a.Loads); hi-lo > 1 {
			b.Fatalf("loads %v", a.Loads)
		}
		if len(a.Infeasible) != 0 {
			b.Fatalf("infeasible %v", a.Infeasible)
		}
		for i, es := range a.Experts {
			if len(es) != 3 {
				b.Fatalf("nomination %d has %d experts", i, len(es))
			}
			for _, e := range es {
				if bad[i][e] {
					b.Fatalf("nomination %d given expert %d in conflict", i, e)
				}
			}
		}
	}
}
