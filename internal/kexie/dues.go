package kexie

import (
	"strings"
	"time"
)

// DuesStandard is what a member of one type owes an organisation per
// period, from a date on. Standards are never edited or deleted: a change
// is a new standard with a later effective date, so the history of what
// was owed when stays readable.
type DuesStandard struct {
	ID            int64
	OrgID         int64
	OrgCode       string
	Type          MemberType
	AmountFen     int64  // in fen (1/100 yuan)
	Period        string // one of DuesPeriods
	EffectiveFrom string // YYYY-MM-DD
	SetBy         string
	Note          string // e.g. the general assembly resolution that set it
	CreatedAt     time.Time
}

// DuesPeriods lists the periods a standard may be owed for.
var DuesPeriods = []string{"year", "half_year", "quarter", "month"}

// ParseDuesPeriod accepts a period slug (any case); empty is a year.
func ParseDuesPeriod(s string) (string, error) {
	p := strings.ToLower(strings.TrimSpace(s))
	if p == "" {
		return "year", nil
	}
	for _, k := range DuesPeriods {
		if k == p {
			return p, nil
		}
	}
	return "", Errorf(CodeInvalid, "err.dues_period", "unknown dues period %q", Excerpt(s))
}

// StandardInForce picks, among standards, the one in force on day for
// members of type t: the standard of that type with the latest effective
// date on or before day. A standard takes effect on its effective date
// itself; on the day before, the previous one (if any) still holds. ok is
// false when no standard of that type has taken effect by day.
func StandardInForce(standards []DuesStandard, t MemberType, on time.Time) (DuesStandard, bool) {
	on = day(on)
	var best DuesStandard
	var bestFrom time.Time
	found := false
	for _, s := range standards {
		if s.Type != t {
			continue
		}
		from, err := ParseDate(s.EffectiveFrom)
		if err != nil || from.IsZero() || from.After(on) {
			continue
		}
		if !found || from.After(bestFrom) {
			best, bestFrom, found = s, from, true
		}
	}
	return best, found
}

// FormatYuan writes an amount in fen as yuan with two decimals: 5050 is
// "50.50". Exact: no floating point.
func FormatYuan(fen int64) string { return Money(fen).String() }
