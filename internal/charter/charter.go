// Package charter holds the rules an association's charter sets for its
// bodies — quorums, decision thresholds, election counts, composition —
// as data, and applies them exactly: fractions are rationals compared by
// cross multiplication, "more than" is strict. It touches no database.
package charter

import (
	"fmt"
	"math/big"
)

// Base is what a threshold is a fraction of.
type Base string

const (
	BasePresent  Base = "present"  // seat holders present (with represented seats where proxies count)
	BaseCast     Base = "cast"     // votes cast (yes + no; abstentions are not cast)
	BaseEntitled Base = "entitled" // all seats of the body
)

// Fraction is an exact threshold: Num/Den of a base, reached when the count
// is more than it (Strict) or at least it.
type Fraction struct {
	Num    int64 `json:"num"`
	Den    int64 `json:"den"`
	Strict bool  `json:"strict"`
	Base   Base  `json:"base"`
}

// More and AtLeast build the two kinds of threshold.
func More(num, den int64, base Base) Fraction    { return Fraction{num, den, true, base} }
func AtLeast(num, den int64, base Base) Fraction { return Fraction{num, den, false, base} }

// String reads like the charter: "more than 2/3 of present".
func (f Fraction) String() string {
	op := "at least"
	if f.Strict {
		op = "more than"
	}
	return fmt.Sprintf("%s %d/%d of %s", op, f.Num, f.Den, f.Base)
}

// Valid tells whether the fraction can be applied: 0 ≤ Num ≤ Den, Den > 0,
// a known base.
func (f Fraction) Valid() bool {
	switch f.Base {
	case BasePresent, BaseCast, BaseEntitled:
	default:
		return false
	}
	return f.Den > 0 && f.Num >= 0 && f.Num <= f.Den
}

// Met tells whether count reaches the fraction of base: count/base > Num/Den
// (strict) or ≥, compared as count·Den against Num·base in big integers,
// so no rounding and no overflow can decide a vote.
func (f Fraction) Met(count, base int) bool {
	if f.Den <= 0 {
		return false // not a fraction: nothing meets it
	}
	l := new(big.Int).Mul(big.NewInt(int64(count)), big.NewInt(f.Den))
	r := new(big.Int).Mul(big.NewInt(f.Num), big.NewInt(int64(base)))
	c := l.Cmp(r)
	if f.Strict {
		return c > 0
	}
	return c >= 0
}

// Required is the smallest count that meets the fraction of base: for
// "more than 2/3" of 30, 21; for "at least 1/2" of 21, 11.
func (f Fraction) Required(base int) int {
	if f.Den <= 0 {
		return base + 1 // not a fraction: nothing meets it
	}
	prod := new(big.Int).Mul(big.NewInt(f.Num), big.NewInt(int64(base)))
	q, r := new(big.Int).QuoRem(prod, big.NewInt(f.Den), new(big.Int))
	n := int(q.Int64())
	if f.Strict || r.Sign() != 0 {
		n++ // strict: the next whole number above; otherwise the ceiling
	}
	return n
}

// Decision names what a vote decides; each has its own threshold.
type Decision string

const (
	Ordinary       Decision = "ordinary"        // an ordinary resolution
	Election       Decision = "election"        // electing to a body or a post
	MidTermReplace Decision = "midterm_replace" // replacing directors during a term
	CharterAmend   Decision = "charter_amend"   // amending the charter
	Expulsion      Decision = "expulsion"       // expelling a member
	Admission      Decision = "admission"       // admitting members
)

// Decisions lists the decision types in the order forms show them.
var Decisions = []Decision{Ordinary, Election, MidTermReplace, CharterAmend, Expulsion, Admission}

// BodyKind names an association's bodies.
type BodyKind string

const (
	Congress        BodyKind = "congress"         // congress / general assembly of member representatives
	Council         BodyKind = "council"          // committee / council
	StandingCouncil BodyKind = "standing_council" // standing committee / standing council
	Supervisors     BodyKind = "supervisors"      // board of supervisors
)

// BodyRules are one body's rules under a charter.
type BodyRules struct {
	Quorum Fraction `json:"quorum"` // of the entitled seats
	// ProxiesCount: a seat represented by proxy counts as present for the
	// quorum, and its holder's proxy casts its vote.
	ProxiesCount bool                  `json:"proxies_count"`
	Thresholds   map[Decision]Fraction `json:"thresholds"`
	// MeetEveryMonths: the body must meet at least this often (0: no rule).
	MeetEveryMonths int `json:"meet_every_months"`
	// MaxShareOf caps the body's size at a fraction of another body's
	// (the standing council at most 1/3 of the council).
	MaxShareOf *Share `json:"max_share_of,omitempty"`
	// FrontLineMin: at least this share of seat holders are front-line
	// workers (zero value: no rule).
	FrontLineMin *Fraction `json:"front_line_min,omitempty"`
	// RenewalMin: at least this share of the previous term's seat holders
	// are replaced at a new term.
	RenewalMin *Fraction `json:"renewal_min,omitempty"`
	// AbsenceLimit: this many consecutive unexcused absences and the seat
	// holder is expected to resign (0: no rule). StandingAbsenceLimit
	// applies to standing directors where it differs.
	AbsenceLimit int `json:"absence_limit"`
	// TermYears and MaxExtensionMonths: a term's planned length and the
	// most it may be extended in total.
	TermYears          int `json:"term_years"`
	MaxExtensionMonths int `json:"max_extension_months"`
}

// Share is a fraction of another body's size.
type Share struct {
	Of       BodyKind `json:"of"`
	Fraction Fraction `json:"fraction"`
}

// Charter is an association's rules, body by body.
type Charter struct {
	Name   string                 `json:"name"`
	Bodies map[BodyKind]BodyRules `json:"bodies"`
}

// Check tells what makes a charter unusable: an unknown body, a fraction
// that is not one (a zero denominator, more than the whole, an unknown
// base), a negative setting, a share of an unknown body.
func (c Charter) Check() error {
	known := map[BodyKind]bool{Congress: true, Council: true, StandingCouncil: true, Supervisors: true}
	decisions := map[Decision]bool{}
	for _, d := range Decisions {
		decisions[d] = true
	}
	if len(c.Bodies) == 0 {
		return fmt.Errorf("a charter sets the rules of at least one body")
	}
	for b, r := range c.Bodies {
		if !known[b] {
			return fmt.Errorf("unknown body %q", b)
		}
		if !r.Quorum.Valid() || r.Quorum.Base != BaseEntitled {
			return fmt.Errorf("%s: the quorum %v is not a fraction of the seats entitled", b, r.Quorum)
		}
		if _, ok := r.Thresholds[Ordinary]; !ok {
			return fmt.Errorf("%s: no threshold for ordinary resolutions", b)
		}
		for d, f := range r.Thresholds {
			if !decisions[d] || !f.Valid() {
				return fmt.Errorf("%s: threshold %q %v is not a fraction of a base for a known decision", b, d, f)
			}
			if d == Election && f.Base != BasePresent {
				return fmt.Errorf("%s: an election's threshold is a fraction of the voters present", b)
			}
		}
		for _, f := range []*Fraction{r.FrontLineMin, r.RenewalMin} {
			if f != nil && !f.Valid() {
				return fmt.Errorf("%s: %v is not a fraction of a base", b, *f)
			}
		}
		if r.MaxShareOf != nil && (!known[r.MaxShareOf.Of] || !r.MaxShareOf.Fraction.Valid()) {
			return fmt.Errorf("%s: the size cap is not a share of a known body", b)
		}
		if r.MeetEveryMonths < 0 || r.AbsenceLimit < 0 || r.TermYears < 0 || r.MaxExtensionMonths < 0 {
			return fmt.Errorf("%s: a negative setting", b)
		}
	}
	return nil
}

// Threshold is the rule for a decision of a body: its own, else the body's
// ordinary resolution.
func (c Charter) Threshold(b BodyKind, d Decision) (Fraction, error) {
	r, ok := c.Bodies[b]
	if !ok {
		return Fraction{}, fmt.Errorf("the charter has no %s", b)
	}
	if f, ok := r.Thresholds[d]; ok {
		return f, nil
	}
	if f, ok := r.Thresholds[Ordinary]; ok {
		return f, nil
	}
	return Fraction{}, fmt.Errorf("the charter sets no threshold for %s decisions of the %s", d, b)
}

// NationalSociety is the charter template of a national society: CHIA's
// rules (DESIGN.md §1, seed 003).
func NationalSociety() Charter {
	twoThirdsPresent := More(2, 3, BasePresent)
	return Charter{Name: "national_society", Bodies: map[BodyKind]BodyRules{
		Congress: {Quorum: More(2, 3, BaseEntitled), ProxiesCount: false, TermYears: 5, MaxExtensionMonths: 12,
			Thresholds: map[Decision]Fraction{Ordinary: More(1, 2, BasePresent), Election: More(1, 2, BasePresent),
				CharterAmend: twoThirdsPresent}},
		Council: {Quorum: More(2, 3, BaseEntitled), ProxiesCount: true, MeetEveryMonths: 12, TermYears: 5, MaxExtensionMonths: 12,
			Thresholds: map[Decision]Fraction{Ordinary: twoThirdsPresent, Election: More(1, 2, BasePresent),
				MidTermReplace: More(4, 5, BasePresent), Expulsion: twoThirdsPresent, Admission: twoThirdsPresent},
			FrontLineMin: ptr(AtLeast(3, 4, BaseEntitled)), RenewalMin: ptr(AtLeast(1, 3, BaseEntitled)), AbsenceLimit: 3},
		StandingCouncil: {Quorum: More(2, 3, BaseEntitled), ProxiesCount: true, MeetEveryMonths: 6, TermYears: 5, MaxExtensionMonths: 12,
			Thresholds:   map[Decision]Fraction{Ordinary: twoThirdsPresent, Election: More(1, 2, BasePresent), Expulsion: twoThirdsPresent, Admission: twoThirdsPresent},
			MaxShareOf:   &Share{Of: Council, Fraction: AtLeast(1, 3, BaseEntitled)},
			FrontLineMin: ptr(AtLeast(2, 3, BaseEntitled)), AbsenceLimit: 5},
		Supervisors: {Quorum: More(1, 2, BaseEntitled), TermYears: 5,
			Thresholds: map[Decision]Fraction{Ordinary: More(1, 2, BasePresent), Election: More(1, 2, BasePresent)}},
	}}
}

// LocalAssociation is the charter template of a local association of
// science and technology: Heilongjiang's (seed 000) — a congress every five
// years, a committee meeting yearly, convened by its standing committee.
func LocalAssociation() Charter {
	half := More(1, 2, BasePresent)
	return Charter{Name: "local_association", Bodies: map[BodyKind]BodyRules{
		Congress: {Quorum: More(2, 3, BaseEntitled), MeetEveryMonths: 60, TermYears: 5, MaxExtensionMonths: 12,
			Thresholds: map[Decision]Fraction{Ordinary: half, Election: half, CharterAmend: More(2, 3, BasePresent)}},
		Council: {Quorum: More(2, 3, BaseEntitled), MeetEveryMonths: 12, TermYears: 5, MaxExtensionMonths: 12,
			Thresholds: map[Decision]Fraction{Ordinary: half, Election: half, MidTermReplace: More(2, 3, BasePresent)}},
		StandingCouncil: {Quorum: More(2, 3, BaseEntitled), MeetEveryMonths: 6, TermYears: 5, MaxExtensionMonths: 12,
			Thresholds: map[Decision]Fraction{Ordinary: half, Election: half},
			MaxShareOf: &Share{Of: Council, Fraction: AtLeast(1, 3, BaseEntitled)}},
		Supervisors: {Quorum: More(1, 2, BaseEntitled), TermYears: 5,
			Thresholds: map[Decision]Fraction{Ordinary: half, Election: half}},
	}}
}

func ptr[T any](v T) *T { return &v }
