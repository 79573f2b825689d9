// Package awardrule holds the rules of award selection as pure functions:
// caps as counts or exact shares (rounding down), eligibility on a
// reference date, score aggregation as exact fractions, the assignment of
// experts to nominations (never a conflicted one, loads balanced), and the
// cut of a ranked list at the caps (a tie at a cap reported, never cut
// silently). No database, no HTTP.
package awardrule

import (
	"fmt"
	"math/big"
	"slices"
	"strings"

	"github.com/kexie/kexie/internal/kexie"
)

// Share is an exact fraction Num/Den of the winners (15% is 15/100).
type Share struct {
	Num int64 `json:"num"`
	Den int64 `json:"den"`
}

// Cap is a grade's per-round limit: a count, or a share of the round's
// winners; zero of both is no limit of its own (the total cap still holds).
type Cap struct {
	Count int    `json:"count,omitempty"`
	Share *Share `json:"share,omitempty"`
}

// Valid tells whether the cap can be applied.
func (c Cap) Valid() bool {
	if c.Count < 0 {
		return false
	}
	if c.Share != nil {
		return c.Count == 0 && c.Share.Den > 0 && c.Share.Num >= 0 && c.Share.Num <= c.Share.Den
	}
	return true
}

// Limit is the most winners the grade may have when the round has winners
// winners in all: the count, or ⌊Num × winners / Den⌋ exactly (15% of 30 is
// 4, not 4.5 nor 5); -1 for no limit of its own.
func (c Cap) Limit(winners int) int {
	switch {
	case c.Share != nil:
		n := new(big.Int).Mul(big.NewInt(c.Share.Num), big.NewInt(int64(winners)))
		return int(n.Quo(n, big.NewInt(c.Share.Den)).Int64()) // both non-negative: Quo rounds down
	case c.Count > 0:
		return c.Count
	}
	return -1
}

// Grade is a grade of a programme (特等奖, 一等奖, …), highest first in a
// programme's list, with its cap.
type Grade struct {
	Code   string `json:"code"`
	NameZH string `json:"name_zh"`
	NameEN string `json:"name_en"`
	Cap    Cap    `json:"cap"`
}

// Eligibility are a programme's rules as data. MaxAge is the oldest a
// nominee may be on the reference date (the round's year and AgeOn,
// "MM-DD", "12-31" by default): "under 40 on 31 December" is MaxAge 39.
// Fields and Regions, when set, are the ones a nominee's must be among.
type Eligibility struct {
	MaxAge             int      `json:"max_age,omitempty"`
	AgeOn              string   `json:"age_on,omitempty"`
	Fields             []string `json:"fields,omitempty"`
	Regions            []string `json:"regions,omitempty"`
	MembershipRequired bool     `json:"membership_required,omitempty"`
}

// Check tells whether the rules can be applied.
func (e Eligibility) Check() error {
	if e.MaxAge < 0 || e.MaxAge > 150 {
		return fmt.Errorf("max_age %d out of range", e.MaxAge)
	}
	if e.AgeOn != "" {
		if _, err := kexie.ParseDay("2000-" + e.AgeOn); err != nil {
			return fmt.Errorf("age_on %q is not MM-DD", e.AgeOn)
		}
	}
	return nil
}

// ReferenceDate is the day ages are taken on in a round of year year.
func (e Eligibility) ReferenceDate(year int) kexie.Date {
	on := e.AgeOn
	if on == "" {
		on = "12-31"
	}
	if on == "02-29" { // a leap day in a common year is the day before 1 March
		d, err := kexie.ParseDay(fmt.Sprintf("%04d-02-29", year))
		if err != nil {
			d, _ = kexie.ParseDay(fmt.Sprintf("%04d-02-28", year))
		}
		return d
	}
	d, _ := kexie.ParseDay(fmt.Sprintf("%04d-%s", year, on))
	return d
}

// Age is the age in whole years on day on of someone born on birth.
func Age(birth, on kexie.Date) int {
	a := on.Year() - birth.Year()
	if on.Month() < birth.Month() || on.Month() == birth.Month() && on.Day() < birth.Day() {
		a--
	}
	return a
}

// Nominee is what eligibility reads of a nominee.
type Nominee struct {
	Birth    kexie.Date
	Field    string
	Region   string
	IsMember bool
}

// Unmet is a rule a nominee fails: a catalog key and its arguments.
type Unmet struct {
	Key  string `json:"key"`
	Args []any  `json:"args,omitempty"`
	Text string `json:"text"`
}

// Eligible lists the rules the nominee fails in a round of year year
// (none: eligible).
func (e Eligibility) Eligible(n Nominee, year int) []Unmet {
	var out []Unmet
	if e.MaxAge > 0 {
		ref := e.ReferenceDate(year)
		switch {
		case n.Birth.IsZero():
			out = append(out, Unmet{Key: "award.unmet.birth_missing", Text: "the birth date is missing"})
		case Age(n.Birth, ref) > e.MaxAge:
			out = append(out, Unmet{Key: "award.unmet.age", Args: []any{Age(n.Birth, ref), ref.String(), e.MaxAge},
				Text: fmt.Sprintf("aged %d on %s, over %d", Age(n.Birth, ref), ref, e.MaxAge)})
		}
	}
	if len(e.Fields) > 0 && !slices.Contains(e.Fields, n.Field) {
		out = append(out, Unmet{Key: "award.unmet.field", Args: []any{n.Field}, Text: fmt.Sprintf("field %q is outside the programme's scope", n.Field)})
	}
	if len(e.Regions) > 0 && !slices.ContainsFunc(e.Regions, func(r string) bool { return n.Region != "" && strings.HasPrefix(n.Region, r) }) {
		out = append(out, Unmet{Key: "award.unmet.region", Args: []any{n.Region}, Text: fmt.Sprintf("region %q is outside the programme's scope", n.Region)})
	}
	if e.MembershipRequired && !n.IsMember {
		out = append(out, Unmet{Key: "award.unmet.membership", Text: "membership is required"})
	}
	return out
}

// Criterion is one line of a scoring form: its weight and the highest
// score an expert may give.
type Criterion struct {
	Code   string `json:"code"`
	NameZH string `json:"name_zh"`
	NameEN string `json:"name_en"`
	Weight int64  `json:"weight"`
	Max    int64  `json:"max"`
}

// CheckForm tells whether a scoring form can be used.
func CheckForm(form []Criterion) error {
	if len(form) == 0 {
		return fmt.Errorf("the form has no criteria")
	}
	seen := map[string]bool{}
	for _, c := range form {
		if c.Code == "" || seen[c.Code] || c.Weight <= 0 || c.Max <= 0 {
			return fmt.Errorf("criterion %q: a unique code, a positive weight and a positive maximum", c.Code)
		}
		seen[c.Code] = true
	}
	return nil
}

// Weighted is one expert's score: Σ weightᵢ·scoreᵢ / Σ weightᵢ, exact. A
// score outside 0…Max, or a criterion missing, is an error.
func Weighted(form []Criterion, scores map[string]int64) (*big.Rat, error) {
	var num, den int64
	for _, c := range form {
		s, ok := scores[c.Code]
		if !ok {
			return nil, fmt.Errorf("criterion %q has no score", c.Code)
		}
		if s < 0 || s > c.Max {
			return nil, fmt.Errorf("criterion %q: %d is outside 0–%d", c.Code, s, c.Max)
		}
		num += c.Weight * s
		den += c.Weight
	}
	if len(scores) != len(form) {
		return nil, fmt.Errorf("scores for criteria the form does not have")
	}
	return big.NewRat(num, den), nil
}

// Mean is the exact mean of the experts' scores (nil with none).
func Mean(scores []*big.Rat) *big.Rat {
	if len(scores) == 0 {
		return nil
	}
	sum := new(big.Rat)
	for _, s := range scores {
		sum.Add(sum, s)
	}
	return sum.Quo(sum, new(big.Rat).SetInt64(int64(len(scores))))
}

// Ranked is a nomination in a ranked list: its score (nil: none yet) and
// the panel's yes votes, which break no tie by themselves but come second.
type Ranked struct {
	ID    int64
	Score *big.Rat
	Votes int
	// Out: the nomination stopped before the last review stage, or the
	// panel's vote on it failed. It is ranked after the others and wins
	// nothing.
	Out bool
}

// Rank orders nominations still in (not Out) before those out, then by
// score, then the panel's yes votes, highest first; equal ones keep the
// order given (stable) and are reported as tied by Cut.
func Rank(list []Ranked) []Ranked {
	out := slices.Clone(list)
	slices.SortStableFunc(out, func(a, b Ranked) int {
		if a.Out != b.Out {
			if a.Out {
				return 1
			}
			return -1
		}
		if c := cmpScore(b.Score, a.Score); c != 0 {
			return c
		}
		return b.Votes - a.Votes
	})
	return out
}

func cmpScore(a, b *big.Rat) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return -1
	case b == nil:
		return 1
	}
	return a.Cmp(b)
}

func tied(a, b Ranked) bool {
	return a.Out == b.Out && cmpScore(a.Score, b.Score) == 0 && a.Votes == b.Votes
}

// wins tells whether a ranked nomination can win: in, and scored.
func (r Ranked) wins() bool { return r.Score != nil && !r.Out }

// Pick is a nomination's place in the cut: the grade it would win ("" for
// none).
type Pick struct {
	ID    int64  `json:"nomination_id"`
	Grade string `json:"grade"`
}

// Tie is a tie at a cap: the nominations tied across it and how many
// places of the grade are left for them. They are given no grade: the
// decision is a person's, never a silent cut.
type Tie struct {
	Grade  string  `json:"grade"`
	Places int     `json:"places"`
	IDs    []int64 `json:"nomination_ids"`
}

// Cut walks a ranked list (Rank) down the grades, highest first: each
// grade takes the next nominations up to its limit, and the round takes at
// most total (≤ 0: no total cap). Shares are of the round's winners: the
// smaller of total and the number ranked with a score. A group tied across
// a cap is reported (Tie) and left without a grade; the grades below go on
// after it. Nominations without a score, or out, win nothing.
func Cut(ranked []Ranked, grades []Grade, total int) (picks []Pick, ties []Tie) {
	scored := 0
	for _, r := range ranked {
		if r.wins() {
			scored++
		}
	}
	winners := scored
	if total > 0 && total < winners {
		winners = total
	}
	i, given := 0, 0
	for _, g := range grades {
		limit := g.Cap.Limit(winners)
		if limit < 0 || limit > winners-given {
			limit = winners - given
		}
		took := 0
		for took < limit && i < len(ranked) && ranked[i].wins() {
			// the group tied with ranked[i]
			j := i
			for j < len(ranked) && tied(ranked[i], ranked[j]) {
				j++
			}
			if j-i > limit-took {
				ties = append(ties, Tie{Grade: g.Code, Places: limit - took, IDs: ids(ranked[i:j])})
				for _, r := range ranked[i:j] {
					picks = append(picks, Pick{ID: r.ID})
				}
				given += j - i // held for the decision: no lower grade takes them
				i = j
				break
			}
			for _, r := range ranked[i:j] {
				picks = append(picks, Pick{ID: r.ID, Grade: g.Code})
			}
			took += j - i
			given += j - i
			i = j
		}
	}
	for ; i < len(ranked); i++ {
		picks = append(picks, Pick{ID: ranked[i].ID})
	}
	return picks, ties
}

func ids(rs []Ranked) []int64 {
	out := make([]int64, len(rs))
	for i, r := range rs {
		out[i] = r.ID
	}
	return out
}

// CheckCaps tells whether a decision (nomination → grade; "" for none)
// keeps to the caps: per grade and in total, shares of the decision's
// winners. It names the first cap broken.
func CheckCaps(decided map[int64]string, grades []Grade, total int) error {
	count := map[string]int{}
	winners := 0
	for _, g := range decided {
		if g == "" {
			continue
		}
		if !slices.ContainsFunc(grades, func(x Grade) bool { return x.Code == g }) {
			return kexie.Errorf(kexie.CodeInvalid, "err.award_grade_unknown", "no grade %q in this programme", g)
		}
		count[g]++
		winners++
	}
	if total > 0 && winners > total {
		return kexie.Errorf(kexie.CodeConflict, "err.award_total_cap", "%v winners, over the round's cap of %v", kexie.CountOf("count.winners", winners), total)
	}
	for _, g := range grades {
		if l := g.Cap.Limit(winners); l >= 0 && count[g.Code] > l {
			return kexie.Errorf(kexie.CodeConflict, "err.award_grade_cap", "%v winners of grade %v, over its cap of %v", kexie.CountOf("count.winners", count[g.Code]), g.Code, l)
		}
	}
	return nil
}
