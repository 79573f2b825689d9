package kexie

import (
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/kexie/kexie/internal/i18n"
)

// The parsers, zone and rules Date replaces, as they were written before
// it, so the new code is held to their answers.

// legacyParseDate is kexie.ParseDate before Date.
func legacyParseDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	if t, ok := legacyParseISODate(s); ok {
		return t, nil
	}
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return time.Time{}, Errorf(CodeInvalid, "err.date_full", "%q is not a date written YYYY-MM-DD", s)
	}
	return t, nil
}

func legacyParseISODate(s string) (time.Time, bool) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' || !digits(s[:4]) || !digits(s[5:7]) || !digits(s[8:]) {
		return time.Time{}, false
	}
	y := int(s[0]-'0')*1000 + int(s[1]-'0')*100 + int(s[2]-'0')*10 + int(s[3]-'0')
	m := time.Month(int(s[5]-'0')*10 + int(s[6]-'0'))
	d := int(s[8]-'0')*10 + int(s[9]-'0')
	if m < 1 || m > 12 || d < 1 {
		return time.Time{}, false
	}
	t := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d {
		return time.Time{}, false
	}
	return t, true
}

// legacyWebParseDay is internal/web's parseDay (pages.go): the audit
// filter's and the token expiry's day, Beijing midnight, years 1900–9000.
func legacyWebParseDay(s string) (time.Time, error) {
	d, err := time.ParseInLocation("2006-01-02", strings.TrimSpace(s), time.FixedZone("CST", 8*3600))
	if err != nil || d.Year() < 1900 || d.Year() > 9000 {
		return d, Errorf(CodeInvalid, "err.date", "dates are written YYYY-MM-DD, between 1900 and 9000")
	}
	return d, nil
}

// legacyMemberfileDate is internal/memberfile's date(): the text stored for
// a member's date column.
func legacyMemberfileDate(s string) (string, error) {
	t, err := legacyParseDate(s)
	if err != nil {
		return "", err
	}
	if t.IsZero() {
		return "", nil
	}
	if f := strings.TrimSpace(s); len(f) == 10 && f[0] >= '0' && f[0] <= '9' {
		return f, nil
	}
	return t.Format("2006-01-02"), nil
}

func legacyChinaDate(t time.Time) time.Time {
	y, m, d := t.In(time.FixedZone("CST", 8*3600)).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func legacyYearsBefore(d time.Time, n int) time.Time {
	y, m, day := d.Date()
	first := time.Date(y-n, m, 1, 0, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1).Day()
	return time.Date(y-n, m, min(day, last), 0, 0, 0, 0, time.UTC)
}

// legacyAddMonths is internal/charter's AddMonths.
func legacyAddMonths(t time.Time, n int) time.Time {
	y, m, d := t.Date()
	first := time.Date(y, m+time.Month(n), 1, 0, 0, 0, 0, t.Location())
	last := first.AddDate(0, 1, -1).Day()
	return time.Date(first.Year(), first.Month(), min(d, last), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), t.Location())
}

func day_(t *testing.T, s string) Date {
	t.Helper()
	d, err := ParseDay(s)
	if err != nil {
		t.Fatalf("ParseDay(%q): %v", s, err)
	}
	return d
}

func TestParseDayForms(t *testing.T) {
	accepted := map[string]string{
		"2024-02-29":       "2024-02-29",
		"2023-02-28":       "2023-02-28",
		"2000-02-29":       "2000-02-29",
		"1958-09-01":       "1958-09-01",
		" 2026-01-31\t":    "2026-01-31",
		"\u30002026-04-30": "2026-04-30", // trimmed as strings.TrimSpace trims
		"0000-01-01":       "0000-01-01",
		"0999-12-31":       "0999-12-31",
		"9999-12-31":       "9999-12-31",
		"":                 "",
		"   ":              "",
		"0001-01-01":       "", // the zero Date, as the zero time.Time was
	}
	for in, want := range accepted {
		d, err := ParseDay(in)
		if err != nil || d.String() != want {
			t.Errorf("ParseDay(%q) = %q, %v; want %q", in, d, err, want)
		}
		if d.IsZero() != (want == "") {
			t.Errorf("ParseDay(%q).IsZero() = %v", in, d.IsZero())
		}
	}
	refused := []string{
		"2023-02-29", "1900-02-29", "2024-04-31", "2024-13-01", "2024-00-10", "2024-01-00", "2024-01-32",
		"2024/01/02", "2024.01.02", "20240102", "2024-1-02", "2024-01-2", "24-01-02", "02-01-2024", "01/02/2024",
		"2024年1月2日", "２０２４-０１-０２", "+024-01-01", "-024-01-01", "+2024-01-01", "12024-01-01",
		"2024-01-02T00:00:00Z", "2024-01-02 00:00", "2024-01-02x", "x2024-01-02", "2024 -01-02",
		"45292", "45292.0", // a spreadsheet serial (tabular converts those first)
		"2024", "2024-01", // partial dates are ParsePartialDate's
		"2024-01-02\x00", "today",
	}
	for _, in := range refused {
		d, err := ParseDay(in)
		if err == nil {
			t.Errorf("ParseDay(%q) = %q, want an error", in, d)
			continue
		}
		var e *Error
		if !errors.As(err, &e) || e.Code != CodeInvalid || e.Key != "err.date_full" || len(e.Args) != 1 || e.Args[0] != strings.TrimSpace(in) {
			t.Errorf("ParseDay(%q): error %#v", in, err)
		}
		if !d.IsZero() {
			t.Errorf("ParseDay(%q) refused but gave %q", in, d)
		}
	}
}

// randomDateText draws strings near the date form: digits, separators,
// signs and spaces, of lengths around ten, and exact YYYY-MM-DD shapes.
func randomDateText(rng *rand.Rand) string {
	const alphabet = "0123456789-/. +T:x\t"
	if rng.IntN(2) == 0 {
		b := []byte("2000-01-01")
		for i := range b {
			if i == 4 || i == 7 {
				if rng.IntN(40) == 0 {
					b[i] = alphabet[rng.IntN(len(alphabet))]
				}
				continue
			}
			b[i] = "0123456789"[rng.IntN(10)]
		}
		if rng.IntN(10) == 0 {
			return " " + string(b) + "\n"
		}
		return string(b)
	}
	b := make([]byte, rng.IntN(13))
	for i := range b {
		b[i] = alphabet[rng.IntN(len(alphabet))]
	}
	return string(b)
}

// sameAsLegacy reports whether ParseDay and ParseDate (now delegating)
// answer s as the old ParseDate did: the same acceptance, the same day,
// the same error.
func sameAsLegacy(t *testing.T, s string) {
	t.Helper()
	want, werr := legacyParseDate(s)
	got, err := ParseDay(s)
	if (err == nil) != (werr == nil) {
		t.Fatalf("%q: ParseDay %q %v, old ParseDate %v %v", s, got, err, want, werr)
	}
	if err != nil {
		// Messages quote at most an excerpt of the input (Excerpt): the
		// same text as before for inputs of 40 characters or fewer.
		if (utf8.RuneCountInString(s) <= excerptRunes && err.Error() != werr.Error()) || AsError(err).Key != AsError(werr).Key {
			t.Fatalf("%q: error %v, old %v", s, err, werr)
		}
		return
	}
	if got.IsZero() != want.IsZero() || !got.MidnightUTC().Equal(want) || got.MidnightUTC() != want {
		t.Fatalf("%q: ParseDay %q (%v), old %v", s, got, got.MidnightUTC(), want)
	}
	if !want.IsZero() && got.String() != want.Format("2006-01-02") {
		t.Fatalf("%q: %q written, old %q", s, got, want.Format("2006-01-02"))
	}
	if old, err := ParseDate(s); err != nil || old != want {
		t.Fatalf("%q: ParseDate now %v %v, old %v", s, old, err, want)
	}
	// What memberfile stores for the column is the new String.
	if f, err := legacyMemberfileDate(s); err != nil || f != got.String() {
		t.Fatalf("%q: memberfile stored %q %v, String %q", s, f, err, got)
	}
}

func TestParseDayMatchesTheOldParsers(t *testing.T) {
	rng := rand.New(rand.NewPCG(20, 24))
	seeds := []string{"", " ", "2024-02-29", "2023-02-29", "0000-01-01", "0001-01-01", "9999-12-31", "2024-1-01", "+024-01-01",
		"-024-01-01", "2024/01/01", "20240101", " 2024-01-01 ", "2024-01-01T"}
	for _, s := range seeds {
		sameAsLegacy(t, s)
	}
	for i := 0; i < 300000; i++ {
		sameAsLegacy(t, randomDateText(rng))
	}
	// Every day of years 0000–9999 and the days around them.
	for d := NewDate(0, 1, 1).AddDays(-3); !d.After(NewDate(9999, 12, 31)); d = d.AddDays(1) {
		if d.Year() < 0 {
			continue
		}
		want := d.MidnightUTC().Format("2006-01-02")
		if got, err := ParseDay(want); err != nil || got != d || d.String() != want && !d.IsZero() {
			t.Fatalf("%s: %v %v", want, got, err)
		}
	}
}

// internal/web's parseDay is ParseDay, a year from 1900 to 9000, and the
// day's Start.
func TestParseDayMatchesWebParseDay(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 200000; i++ {
		s := randomDateText(rng)
		if i%3 == 0 {
			s = strings.Replace(s, s[:min(2, len(s))], []string{"19", "20", "90", "89", "18"}[rng.IntN(5)], 1)
		}
		want, werr := legacyWebParseDay(s)
		got, err := ParseDay(s)
		ok := err == nil && !got.IsZero() && got.Year() >= 1900 && got.Year() <= 9000
		if ok != (werr == nil) {
			t.Fatalf("%q: ParseDay %q %v, web %v %v", s, got, err, want, werr)
		}
		if ok && (!got.Start().Equal(want) || got.Start().Location() != Beijing) {
			t.Fatalf("%q: Start %v, web %v", s, got.Start(), want)
		}
	}
}

func FuzzParseDay(f *testing.F) {
	for _, s := range []string{"2024-02-29", "2023-02-29", " 2024-01-01", "0001-01-01", "2024/01/01", "+024-01-01", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { sameAsLegacy(t, s) })
}

func TestCivilArithmeticMatchesTime(t *testing.T) {
	// Every day from 1000 BC to AD 12000 against the time package.
	start := time.Date(-1000, 1, 1, 0, 0, 0, 0, time.UTC)
	d := DateOf(start)
	for tm := start; tm.Year() <= 12000; tm = tm.AddDate(0, 0, 1) {
		y, m, dd := civilFromDays(d.days)
		if int(y) != tm.Year() || time.Month(m) != tm.Month() || int(dd) != tm.Day() || d.MidnightUTC() != tm || DateOf(tm) != d {
			t.Fatalf("%v: civil %d-%d-%d, midnight %v", tm, y, m, dd, d.MidnightUTC())
		}
		d = d.AddDays(1)
	}
	if (Date{}).MidnightUTC() != (time.Time{}) || DateOf(time.Time{}) != (Date{}) {
		t.Fatal("the zero Date is not the zero time")
	}
	if d := NewDate(2025, 2, 29); d.String() != "2025-03-01" {
		t.Fatalf("NewDate normalises as time.Date: %q", d)
	}
	if d := NewDate(2024, 2, 29); d.Year() != 2024 || d.Month() != time.February || d.Day() != 29 {
		t.Fatalf("parts: %d %v %d", d.Year(), d.Month(), d.Day())
	}
}

func TestTodayIsBeijingsDay(t *testing.T) {
	cases := []struct{ at, want string }{
		{"2026-03-14T15:59:59Z", "2026-03-14"},
		{"2026-03-14T15:59:59.999999999Z", "2026-03-14"},
		{"2026-03-14T16:00:00Z", "2026-03-15"},
		{"2026-03-14T00:00:00Z", "2026-03-14"},
		{"2026-03-13T16:00:00Z", "2026-03-14"},
		{"2025-12-31T15:59:59Z", "2025-12-31"},
		{"2025-12-31T16:00:00Z", "2026-01-01"},
		{"2024-02-28T16:00:00Z", "2024-02-29"},
		{"2024-02-29T16:00:00Z", "2024-03-01"},
		{"2023-02-28T16:00:00Z", "2023-03-01"},
		{"2026-03-14T23:59:59+08:00", "2026-03-14"},
		{"2026-03-15T00:00:00+08:00", "2026-03-15"},
		{"2026-03-14T10:30:00-05:00", "2026-03-14"}, // 15:30Z
		{"2026-03-14T11:00:00-05:00", "2026-03-15"}, // 16:00Z
	}
	for _, c := range cases {
		at, err := time.Parse(time.RFC3339Nano, c.at)
		if err != nil {
			t.Fatal(err)
		}
		if got := Today(at); got.String() != c.want {
			t.Errorf("Today(%s) = %s, want %s", c.at, got, c.want)
		}
		if got := Today(at).MidnightUTC(); got != legacyChinaDate(at) || got.Format("2006-01-02") != c.want {
			t.Errorf("Today(%s) = %v", c.at, got)
		}
	}
	// DateOf reads the day where the time is written; Today moves it to Beijing.
	at := time.Date(2026, 3, 14, 20, 0, 0, 0, time.UTC)
	if DateOf(at).String() != "2026-03-14" || Today(at).String() != "2026-03-15" {
		t.Errorf("DateOf %s, Today %s", DateOf(at), Today(at))
	}
	rng := rand.New(rand.NewPCG(5, 8))
	for i := 0; i < 100000; i++ {
		at := time.Unix(rng.Int64N(1<<34)-1<<33, rng.Int64N(1e9)).In(time.FixedZone("", (rng.IntN(49)-24)*1800))
		if Today(at).MidnightUTC() != legacyChinaDate(at) {
			t.Fatalf("%v: Today %v, old %v", at, Today(at).MidnightUTC(), legacyChinaDate(at))
		}
		// The day starts in Beijing at or before the instant, the next one after.
		td := Today(at)
		if td.Start().After(at) || !td.AddDays(1).Start().After(at) {
			t.Fatalf("%v: day %s starts %v", at, td, td.Start())
		}
	}
	if s := day_(t, "2026-03-15").Start(); s.UTC().Format(time.RFC3339) != "2026-03-14T16:00:00Z" || s.Format("15:04 MST") != "00:00 CST" {
		t.Errorf("Start: %v", s)
	}
}

func TestCompare(t *testing.T) {
	a, b := day_(t, "2024-02-28"), day_(t, "2024-02-29")
	if !a.Before(b) || a.After(b) || !b.After(a) || b.Before(a) || a.Compare(b) != -1 || b.Compare(a) != 1 || a.Compare(a) != 0 {
		t.Error("2024-02-28 against 2024-02-29")
	}
	if a.Before(a) || a.After(a) || a != day_(t, " 2024-02-28") {
		t.Error("a day against itself")
	}
	if !(Date{}).Before(day_(t, "0002-01-01")) || !day_(t, "0000-12-31").Before(Date{}) {
		t.Error("the zero Date sorts as 0001-01-01")
	}
}

func TestAddYearsAndMonths(t *testing.T) {
	cases := []struct {
		from  string
		years int
		want  string
	}{
		{"2028-02-29", -2, "2026-02-28"}, // YearsBefore's own example
		{"2024-02-29", 1, "2025-02-28"},
		{"2024-02-29", 4, "2028-02-29"},
		{"2024-02-29", -4, "2020-02-29"},
		{"2024-02-29", -1, "2023-02-28"},
		{"2000-02-29", 100, "2100-02-28"},
		{"2000-02-29", 400, "2400-02-29"},
		{"2024-02-28", 1, "2025-02-28"},
		{"2023-03-01", 1, "2024-03-01"},
		{"2026-12-31", -2, "2024-12-31"},
		{"2026-06-15", 0, "2026-06-15"},
	}
	for _, c := range cases {
		if got := day_(t, c.from).AddYears(c.years); got.String() != c.want {
			t.Errorf("%s + %d years = %s, want %s", c.from, c.years, got, c.want)
		}
	}
	months := []struct {
		from   string
		months int
		want   string
	}{
		{"2024-01-31", 1, "2024-02-29"},
		{"2023-01-31", 1, "2023-02-28"},
		{"2024-03-31", -1, "2024-02-29"},
		{"2024-03-31", 1, "2024-04-30"},
		{"2024-12-15", 1, "2025-01-15"},
		{"2024-01-15", -1, "2023-12-15"},
		{"2024-01-31", -13, "2022-12-31"},
		{"2024-08-31", 30, "2027-02-28"},
	}
	for _, c := range months {
		if got := day_(t, c.from).AddMonths(c.months); got.String() != c.want {
			t.Errorf("%s + %d months = %s, want %s", c.from, c.months, got, c.want)
		}
	}
	days := []struct {
		from string
		n    int
		want string
	}{
		{"2024-02-28", 1, "2024-02-29"}, {"2024-02-29", 1, "2024-03-01"}, {"2023-02-28", 1, "2023-03-01"},
		{"2025-12-31", 1, "2026-01-01"}, {"2026-01-01", -1, "2025-12-31"}, {"2024-01-01", 366, "2025-01-01"},
	}
	for _, c := range days {
		if got := day_(t, c.from).AddDays(c.n); got.String() != c.want {
			t.Errorf("%s + %d days = %s, want %s", c.from, c.n, got, c.want)
		}
	}
	// Against the rules they replace, on random days.
	rng := rand.New(rand.NewPCG(9, 9))
	for i := 0; i < 200000; i++ {
		tm := time.Date(rng.IntN(3000)+100, time.Month(rng.IntN(12)+1), rng.IntN(31)+1, rng.IntN(24), 0, 0, 0, time.UTC)
		d := DateOf(tm)
		n := rng.IntN(41) - 20
		if got, want := d.AddYears(-n).MidnightUTC(), legacyYearsBefore(tm, n); got != want || YearsBefore(tm, n) != want {
			t.Fatalf("%v - %d years: %v, old YearsBefore %v", tm, n, got, want)
		}
		k := rng.IntN(121) - 60
		want := legacyAddMonths(time.Date(tm.Year(), tm.Month(), tm.Day(), 0, 0, 0, 0, time.UTC), k)
		if got := d.AddMonths(k).MidnightUTC(); got != want {
			t.Fatalf("%v + %d months: %v, charter.AddMonths %v", tm, k, got, want)
		}
		if got, want := d.AddDays(k*20).MidnightUTC(), d.MidnightUTC().AddDate(0, 0, k*20); got != want {
			t.Fatalf("%v + %d days: %v, want %v", tm, k*20, got, want)
		}
	}
}

// The lapse rule's cutoff, through YearsBefore, still falls where it fell.
func TestLapseCutoffOnLeapDays(t *testing.T) {
	cases := []struct {
		joined, asOf string
		years        int
		want         string
	}{
		{"2026-02-28", "2028-02-29", 2, ""},        // the cutoff is 2026-02-28: exactly two years
		{"2026-02-27", "2028-02-29", 2, LapseBoth}, // a day more
		{"2024-02-29", "2026-02-28", 2, ""},        // cutoff 2024-02-28: 29 February is not before it
		{"2024-02-28", "2026-02-28", 2, ""},        // exactly two years
		{"2024-02-27", "2026-02-28", 2, LapseBoth}, // more
		{"2024-02-29", "2026-03-01", 2, LapseBoth}, // cutoff 2024-03-01
		{"2024-03-01", "2026-03-01", 2, ""},        // exactly two years
		{"2022-02-28", "2024-02-29", 2, ""},        // cutoff 2022-02-28
		{"2022-02-27", "2024-02-29", 2, LapseBoth},
		{"2022-03-01", "2024-02-29", 2, ""},
		{"2025-02-28", "2027-03-01", 2, LapseBoth}, // common years: cutoff 2025-03-01
		{"2025-03-01", "2027-03-01", 2, ""},
		{"2020-02-29", "2024-02-29", 4, ""}, // leap to leap: cutoff 2020-02-29
		{"2020-02-28", "2024-02-29", 4, LapseBoth},
	}
	for _, c := range cases {
		f := LapseFacts{Type: "individual", Status: "active", Joined: day_(t, c.joined).MidnightUTC(), YearsAllowed: c.years}
		if got := LapseReason(f, day_(t, c.asOf).MidnightUTC()); got != c.want {
			t.Errorf("joined %s, as of %s, %d years: %q, want %q", c.joined, c.asOf, c.years, got, c.want)
		}
		if got := legacyLapseReason(f, day_(t, c.asOf).MidnightUTC()); got != c.want {
			t.Errorf("old rule: joined %s, as of %s: %q, want %q", c.joined, c.asOf, got, c.want)
		}
	}
	// On random facts, with times of day and zones, as before.
	rng := rand.New(rand.NewPCG(2, 29))
	at := func() time.Time {
		if rng.IntN(8) == 0 {
			return time.Time{}
		}
		return time.Date(2018+rng.IntN(12), time.Month(rng.IntN(12)+1), rng.IntN(31)+1, rng.IntN(24), rng.IntN(60), 0, 0,
			time.FixedZone("", (rng.IntN(25)-12)*3600))
	}
	for i := 0; i < 200000; i++ {
		f := LapseFacts{Type: MemberType([]string{"individual", "honorary"}[rng.IntN(2)]), Status: MemberStatus([]string{"active", "lapsed"}[rng.IntN(2)]),
			Joined: at(), LastDues: at(), LastActivity: at(), ExemptUntil: at(), YearsAllowed: rng.IntN(5)}
		asOf := at()
		if got, want := LapseReason(f, asOf), legacyLapseReason(f, asOf); got != want {
			t.Fatalf("%+v as of %v: %q, old %q", f, asOf, got, want)
		}
	}
}

// legacyLapseReason is LapseReason as it was, on the old YearsBefore and day.
func legacyLapseReason(f LapseFacts, asOf time.Time) string {
	day := func(t time.Time) time.Time {
		y, m, d := t.Date()
		return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	}
	if f.Status != "active" || f.Type == "honorary" || f.Joined.IsZero() {
		return ""
	}
	if !f.ExemptUntil.IsZero() && !f.ExemptUntil.Before(day(asOf)) {
		return ""
	}
	n := f.YearsAllowed
	if n <= 0 {
		n = 2
	}
	cutoff := legacyYearsBefore(day(asOf), n)
	dues, act := f.LastDues, f.LastActivity
	if dues.IsZero() {
		dues = f.Joined
	}
	if act.IsZero() {
		act = f.Joined
	}
	noDues, noAct := day(dues).Before(cutoff), day(act).Before(cutoff)
	switch {
	case noDues && noAct:
		return LapseBoth
	case noDues:
		return LapseNoDues
	case noAct:
		return LapseNoParticipation
	}
	return ""
}

func TestNotAfter(t *testing.T) {
	today := day_(t, "2026-03-14")
	for _, s := range []string{"2026-03-14", "2026-03-13", "1958-09-01", ""} {
		if err := day_(t, s).NotAfter(today); err != nil {
			t.Errorf("%q not after %s: %v", s, today, err)
		}
	}
	err := day_(t, "2026-03-15").NotAfter(today)
	var e *Error
	if !errors.As(err, &e) || e.Code != CodeInvalid || e.Key != "err.date_future" || len(e.Args) != 2 || e.Args[0] != "2026-03-15" || e.Args[1] != "2026-03-14" {
		t.Fatalf("tomorrow: %#v", err)
	}
	if !errors.Is(err, ErrInvalid) || e.Message != "2026-03-15 is a day still to come (today is 2026-03-14)" {
		t.Errorf("message %q", e.Message)
	}
	// With the Beijing day, not the server's: at 16:00Z it is already tomorrow.
	at := time.Date(2026, 3, 14, 16, 0, 0, 0, time.UTC)
	if err := day_(t, "2026-03-15").NotAfter(Today(at)); err != nil {
		t.Errorf("at %v: %v", at, err)
	}
	if err := day_(t, "2026-03-15").NotAfter(Today(at.Add(-time.Second))); err == nil {
		t.Errorf("at %v: a day still to come passed", at.Add(-time.Second))
	}
	// The key is in both catalogs; the Chinese words it in Chinese.
	b, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	en, zh := b.For(i18n.English).T(e.Key, e.Args...), b.For(i18n.Chinese).T(e.Key, e.Args...)
	if en == e.Key || zh == e.Key || !strings.Contains(zh, "2026-03-15") || !strings.Contains(zh, "2026-03-14") {
		t.Fatalf("catalogs: %q / %q", en, zh)
	}
	for _, r := range zh {
		if r < unicode.MaxASCII && unicode.IsLetter(r) {
			t.Fatalf("English in the Chinese message %q", zh)
		}
	}
}

func TestDateJSON(t *testing.T) {
	type rec struct {
		Joined  Date  `json:"joined"`
		Exempt  Date  `json:"exempt_until"`
		Maybe   *Date `json:"maybe,omitempty"`
		Missing Date  `json:"missing"`
	}
	in := rec{Joined: day_(t, "2024-02-29")}
	b, err := json.Marshal(in)
	if err != nil || string(b) != `{"joined":"2024-02-29","exempt_until":"","missing":""}` {
		t.Fatalf("marshal: %s %v", b, err)
	}
	var out rec
	if err := json.Unmarshal(b, &out); err != nil || out != in {
		t.Fatalf("round trip: %+v %v", out, err)
	}
	out = rec{Missing: day_(t, "2020-01-01")}
	if err := json.Unmarshal([]byte(`{"joined":" 2024-02-29 ","exempt_until":"","maybe":"2026-01-01","missing":null}`), &out); err != nil ||
		out.Joined != in.Joined || !out.Exempt.IsZero() || out.Maybe == nil || out.Maybe.String() != "2026-01-01" || out.Missing.String() != "2020-01-01" {
		t.Fatalf("unmarshal: %+v %v", out, err)
	}
	for _, bad := range []string{`{"joined":"2023-02-29"}`, `{"joined":"2024/02/29"}`, `{"joined":20240229}`, `{"joined":true}`, `{"joined":{}}`} {
		var r rec
		err := json.Unmarshal([]byte(bad), &r)
		if err == nil || ErrorCode(err) != CodeInvalid {
			t.Errorf("%s: %v", bad, err)
		}
	}
	// As a map key and through TextMarshaler.
	m := map[Date]int{day_(t, "2026-01-01"): 1}
	if b, err := json.Marshal(m); err != nil || string(b) != `{"2026-01-01":1}` {
		t.Errorf("map key: %s %v", b, err)
	}
	rng := rand.New(rand.NewPCG(4, 4))
	for i := 0; i < 20000; i++ {
		d := NewDate(rng.IntN(10000), time.January, 1).AddDays(rng.IntN(366))
		if d.Year() > 9999 {
			continue
		}
		b, _ := json.Marshal(d)
		var back Date
		if err := json.Unmarshal(b, &back); err != nil || back != d {
			t.Fatalf("%s: %s %v %v", d, b, back, err)
		}
		if p, err := ParseDay(d.String()); err != nil || p != d {
			t.Fatalf("String round trip %s: %v %v", d, p, err)
		}
	}
}

func TestDateScanValue(t *testing.T) {
	var _ sql.Scanner = (*Date)(nil)
	var _ driver.Valuer = Date{}
	d := day_(t, "2024-02-29")
	v, err := d.Value()
	if err != nil || v != "2024-02-29" {
		t.Fatalf("Value: %#v %v", v, err)
	}
	if v, err := (Date{}).Value(); err != nil || v != "" {
		t.Fatalf("zero Value: %#v %v", v, err)
	}
	// What SQLite and PostgreSQL hand back for a TEXT column, a DATE
	// column (pgx: midnight UTC; modernc: UTC) and NULL.
	sources := []struct {
		src  any
		want string
	}{
		{"2024-02-29", "2024-02-29"},
		{[]byte("2024-02-29"), "2024-02-29"},
		{"", ""},
		{[]byte{}, ""},
		{nil, ""},
		{time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC), "2024-02-29"},
		{time.Date(2024, 2, 29, 0, 0, 0, 0, Beijing), "2024-02-29"},
		{time.Date(2024, 2, 29, 23, 59, 59, 0, time.FixedZone("", -5*3600)), "2024-02-29"},
	}
	for _, s := range sources {
		got := day_(t, "1999-01-01")
		if err := got.Scan(s.src); err != nil || got.String() != s.want {
			t.Errorf("Scan(%#v) = %q %v, want %q", s.src, got, err, s.want)
		}
	}
	for _, bad := range []any{"2023-02-29", []byte("29/02/2024"), int64(20240229), 3.5, true} {
		var got Date
		if err := got.Scan(bad); err == nil {
			t.Errorf("Scan(%#v) = %q, want an error", bad, got)
		}
	}
	// Round trips through Value and Scan, and text order is date order.
	rng := rand.New(rand.NewPCG(6, 6))
	prev, prevText := Date{}, ""
	for i := 0; i < 20000; i++ {
		d := NewDate(rng.IntN(10000), time.Month(rng.IntN(12)+1), rng.IntN(31)+1)
		if d.Year() > 9999 {
			continue
		}
		v, err := d.Value()
		if err != nil {
			t.Fatal(d, err)
		}
		var back Date
		if err := back.Scan(v); err != nil || back != d {
			t.Fatalf("%s: %v %v", d, back, err)
		}
		if err := back.Scan([]byte(v.(string))); err != nil || back != d {
			t.Fatalf("%s as bytes: %v %v", d, back, err)
		}
		if !prev.IsZero() && !d.IsZero() && (d.Compare(prev) != strings.Compare(v.(string), prevText)) {
			t.Fatalf("%s against %s: text order differs", d, prev)
		}
		prev, prevText = d, v.(string)
	}
	for _, d := range []Date{NewDate(10000, 1, 1), NewDate(-1, 12, 31)} {
		if v, err := d.Value(); err == nil {
			t.Errorf("%v stored as %v", d.MidnightUTC(), v)
		}
	}
	if v, err := NewDate(0, 1, 1).Value(); err != nil || v != "0000-01-01" {
		t.Errorf("year 0: %v %v", v, err)
	}
}
