package charter

import (
	"slices"
	"time"
)

// Finding is one charter rule broken (or, At risk, about to be): which
// rule, of which body, the figures and the people concerned.
type Finding struct {
	Rule    string   `json:"rule"` // "standing_size", "front_line", "renewal", "meeting_overdue", "term_overdue", "extension_cap", "absences"
	Body    BodyKind `json:"body"`
	Broken  bool     `json:"broken"` // false: at risk
	Have    int      `json:"have"`   // the figure found
	Need    int      `json:"need"`   // the figure the rule requires (a maximum or a minimum, by rule)
	Of      int      `json:"of"`     // the base the figures are of
	People  []string `json:"people"` // never nil: [] when nobody in particular
	Details string   `json:"details"`
}

// StandingSize: the standing council may hold at most the charter's share
// (1/3) of the council's seats.
func StandingSize(share Share, standing, council int) *Finding {
	limit := share.Fraction
	limit.Strict = true // more than 1/3 breaks "at most 1/3"
	if council == 0 || !limit.Met(standing, council) {
		return nil
	}
	return &Finding{Rule: "standing_size", Body: StandingCouncil, Broken: true, Have: standing, Need: limit.Required(council) - 1, Of: council, People: []string{}}
}

// FrontLine: at least the charter's share of a body's seat holders are
// front-line workers; those who are not are the people concerned.
func FrontLine(b BodyKind, min Fraction, holders map[string]bool) *Finding {
	n, front := len(holders), 0
	var others []string
	for who, f := range holders {
		if f {
			front++
		} else {
			others = append(others, who)
		}
	}
	if n == 0 || min.Met(front, n) {
		return nil
	}
	sortStrings(others)
	return &Finding{Rule: "front_line", Body: b, Broken: true, Have: front, Need: min.Required(n), Of: n, People: others}
}

// Renewal: at a new term at least the charter's share of the seats go to
// people who did not hold one in the previous term.
func Renewal(b BodyKind, min Fraction, previous, current []string) *Finding {
	was := map[string]bool{}
	for _, p := range previous {
		was[p] = true
	}
	renewed := 0
	var stayed []string
	for _, p := range current {
		if was[p] {
			stayed = append(stayed, p)
		} else {
			renewed++
		}
	}
	if len(current) == 0 || len(previous) == 0 || min.Met(renewed, len(current)) {
		return nil
	}
	sortStrings(stayed)
	return &Finding{Rule: "renewal", Body: b, Broken: true, Have: renewed, Need: min.Required(len(current)), Of: len(current), People: stayed}
}

// MeetingDue: a body that has not met within its frequency (broken), or
// will not have within a month from today unless it meets (at risk).
func MeetingDue(b BodyKind, everyMonths int, lastMet, termStart, today time.Time) *Finding {
	if everyMonths <= 0 {
		return nil
	}
	since := lastMet
	if since.IsZero() {
		since = termStart
	}
	due := AddMonths(since, everyMonths)
	switch {
	case today.After(due):
		return &Finding{Rule: "meeting_overdue", Body: b, Broken: true, Details: due.Format("2006-01-02"), People: []string{}}
	case AddMonths(today, 1).After(due):
		return &Finding{Rule: "meeting_overdue", Body: b, Broken: false, Details: due.Format("2006-01-02"), People: []string{}}
	}
	return nil
}

// TermDue: a term past its planned end plus approved extensions (broken),
// or extended beyond the charter's cap (broken).
func TermDue(b BodyKind, plannedEnd time.Time, extensionMonths []int, capMonths int, ended bool, today time.Time) []Finding {
	total := 0
	for _, m := range extensionMonths {
		total += m
	}
	var out []Finding
	if total > capMonths {
		out = append(out, Finding{Rule: "extension_cap", Body: b, Broken: true, Have: total, Need: capMonths, People: []string{}})
	}
	if end := AddMonths(plannedEnd, total); !ended && today.After(end) {
		out = append(out, Finding{Rule: "term_overdue", Body: b, Broken: true, Details: end.Format("2006-01-02"), People: []string{}})
	}
	return out
}

// Absences: seat holders whose latest meetings, in order, end with at
// least limit consecutive unexcused absences (broken), or one fewer (at
// risk). Each finding carries the count (Have) its people share: one
// finding per count, broken ones first, fewest first.
func Absences(b BodyKind, limit int, history map[string][]Attendance) []Finding {
	if limit <= 0 {
		return nil
	}
	byRun := map[int][]string{}
	for who, h := range history {
		run := 0
		for _, a := range h {
			if a == AbsentUnexcused {
				run++
			} else {
				run = 0
			}
		}
		if run >= limit || (run == limit-1 && limit > 1) {
			byRun[run] = append(byRun[run], who)
		}
	}
	runs := make([]int, 0, len(byRun))
	for r := range byRun {
		runs = append(runs, r)
	}
	slices.Sort(runs)
	var out, risk []Finding
	for _, r := range runs {
		people := byRun[r]
		sortStrings(people)
		f := Finding{Rule: "absences", Body: b, Broken: r >= limit, Have: r, Need: limit, People: people}
		if f.Broken {
			out = append(out, f)
		} else {
			risk = append(risk, f)
		}
	}
	return append(out, risk...)
}

func sortStrings(s []string) { slices.Sort(s) }

// AddMonths is the same day n months on, or the month's last day where
// that day does not exist: six months from 31 August is 28 (or 29)
// February, not 3 March.
func AddMonths(t time.Time, n int) time.Time {
	y, m, d := t.Date()
	first := time.Date(y, m+time.Month(n), 1, 0, 0, 0, 0, t.Location())
	last := first.AddDate(0, 1, -1).Day()
	return time.Date(first.Year(), first.Month(), min(d, last), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), t.Location())
}
