package kexie

import (
	"cmp"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Beijing is Beijing time, UTC+8 all year (China keeps no daylight
// saving): the calendar of every date the federation writes, whatever the
// server's zone. It is the one definition of that zone.
var Beijing = time.FixedZone("CST", 8*3600)

// Date is a calendar day — year, month, day; no time of day, no zone —
// as the federation dates things, in Beijing's calendar.
//
// The zero Date is 0001-01-01 and means "no date", exactly as the zero
// time.Time did for ParseDate: it is written "" (and "" reads back as
// it), stored as empty text in the TEXT date columns, and IsZero reports
// it. The day 0001-01-01 itself therefore cannot be told from "no date" —
// as before.
//
// Dates compare with ==, Compare, Before and After.
type Date struct {
	days int64 // days since 0001-01-01 (proleptic Gregorian)
}

// epochDays is the number of days from 0001-01-01 to 1970-01-01.
const epochDays = 719162

// ParseDay reads a date written YYYY-MM-DD (four-digit year 0000–9999,
// two-digit month and day, a day that exists), after trimming surrounding
// space; the empty string is the zero Date, no error. It takes exactly
// what ParseDate (and time.Parse with layout "2006-01-02") takes, nothing
// else: not 2006/01/02, not 2006.01.02, not 20060102, not a spreadsheet's
// serial day number (tabular turns those into YYYY-MM-DD before anything
// parses them). A refusal is a CodeInvalid error with key err.date_full.
//
// (It is not called ParseDate because that name is taken by the time.Time
// parser it replaces, which now calls it.)
func ParseDay(s string) (Date, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Date{}, nil
	}
	if d, ok := parseISODay(s); ok {
		return d, nil
	}
	return Date{}, Errorf(CodeInvalid, "err.date_full", "%q is not a date written YYYY-MM-DD", Excerpt(s))
}

// parseISODay reads exactly YYYY-MM-DD, a day that exists. (Written out:
// an import reads several dates on each of a million rows.)
func parseISODay(s string) (Date, bool) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' || !digits(s[:4]) || !digits(s[5:7]) || !digits(s[8:]) {
		return Date{}, false
	}
	y := int64(s[0]-'0')*1000 + int64(s[1]-'0')*100 + int64(s[2]-'0')*10 + int64(s[3]-'0')
	m := int64(s[5]-'0')*10 + int64(s[6]-'0')
	d := int64(s[8]-'0')*10 + int64(s[9]-'0')
	if m < 1 || m > 12 || d < 1 || d > daysIn(y, m) {
		return Date{}, false
	}
	return Date{daysFromCivil(y, m, d)}, true
}

// NewDate is the date y-m-d; values out of range are normalised as
// time.Date does them (2025-02-29 is 2025-03-01).
func NewDate(y int, m time.Month, d int) Date {
	return DateOf(time.Date(y, m, d, 0, 0, 0, 0, time.UTC))
}

// DateOf is the calendar day of t as written in t's own location (a date
// held as midnight UTC, as dates have been, gives that day). For the day
// an instant falls on in China, use Today.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{daysFromCivil(int64(y), int64(m), int64(d))}
}

// Today is the calendar day in Beijing at the instant now: from 16:00:00
// UTC on, it is the next day.
func Today(now time.Time) Date { return DateOf(now.In(Beijing)) }

// IsZero reports whether d is the zero Date, "no date".
func (d Date) IsZero() bool { return d.days == 0 }

// Year, Month and Day give the parts of the date.
func (d Date) Year() int         { y, _, _ := civilFromDays(d.days); return int(y) }
func (d Date) Month() time.Month { _, m, _ := civilFromDays(d.days); return time.Month(m) }
func (d Date) Day() int          { _, _, dd := civilFromDays(d.days); return int(dd) }

// String writes the date YYYY-MM-DD; the zero Date is "". (A year outside
// 0000–9999, which only arithmetic can reach, is written as time.Format
// writes it.)
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	y, m, dd := civilFromDays(d.days)
	if y < 0 || y > 9999 {
		return d.MidnightUTC().Format("2006-01-02")
	}
	b := [10]byte{byte('0' + y/1000), byte('0' + y/100%10), byte('0' + y/10%10), byte('0' + y%10), '-',
		byte('0' + m/10), byte('0' + m%10), '-', byte('0' + dd/10), byte('0' + dd%10)}
	return string(b[:])
}

// MidnightUTC is the date as a time.Time at midnight UTC, how dates were
// held and compared before Date (what ParseDate and Today(t).MidnightUTC() return); the
// zero Date gives the zero time.Time.
func (d Date) MidnightUTC() time.Time {
	return time.Unix((d.days-epochDays)*86400, 0).UTC()
}

// Start is the instant the day begins in Beijing (16:00 UTC the day
// before): for bounds on timestamps, such as "the audit entries of that
// day" or "expires at the end of that day" (the next day's Start).
func (d Date) Start() time.Time {
	return time.Unix((d.days-epochDays)*86400-8*3600, 0).In(Beijing)
}

// Compare is -1 when d is before e, +1 when after, 0 when the same day.
func (d Date) Compare(e Date) int { return cmp.Compare(d.days, e.days) }

// Before reports whether d is an earlier day than e.
func (d Date) Before(e Date) bool { return d.days < e.days }

// After reports whether d is a later day than e.
func (d Date) After(e Date) bool { return d.days > e.days }

// AddDays is the date n days later (earlier when n is negative).
func (d Date) AddDays(n int) Date { return Date{d.days + int64(n)} }

// AddMonths is the same day n calendar months later (earlier when n is
// negative); when that month is shorter, its last day: 2024-01-31 plus one
// month is 2024-02-29, and 2024-03-31 minus one is 2024-02-29. (Unlike
// time.AddDate, which would run into the next month.) This is how the
// charter's monthly deadlines count (charter.AddMonths).
func (d Date) AddMonths(n int) Date {
	y, m, dd := civilFromDays(d.days)
	months := y*12 + (m - 1) + int64(n)
	ny := floorDiv(months, 12)
	nm := months - ny*12 + 1
	return Date{daysFromCivil(ny, nm, min(dd, daysIn(ny, nm)))}
}

// AddYears is the same day n calendar years later (earlier when n is
// negative); 29 February becomes 28 February in a common year: 2028-02-29
// minus 2 years is 2026-02-28, plus 1 year is 2029-02-28. This is the
// lapse rule's count (YearsBefore).
func (d Date) AddYears(n int) Date { return d.AddMonths(12 * n) }

// NotAfter checks that a thing dated d, which has happened, is not dated
// later than today (a day still to come): nil when d is today or earlier,
// else a CodeInvalid error with key err.date_future and the two dates as
// arguments. The zero Date passes; whether a date is required is the
// caller's check.
func (d Date) NotAfter(today Date) error {
	if d.After(today) {
		return Errorf(CodeInvalid, "err.date_future", "%v is a day still to come (today is %v)", d.String(), today.String())
	}
	return nil
}

// NotBefore checks that a step dated d, which follows a step dated prev
// in the same process (an application reviewed after it was submitted,
// approved after its review; a membership ended after it began), does not
// go back in time: nil when d is prev or later, else a CodeInvalid error
// with key err.date_before_step and the two dates as arguments. A zero
// prev passes.
func (d Date) NotBefore(prev Date) error {
	if !prev.IsZero() && d.Before(prev) {
		return Errorf(CodeInvalid, "err.date_before_step", "%v is before %v, the date of the step it follows", d.String(), prev.String())
	}
	return nil
}

// MarshalText writes the date as String does.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads a date as ParseDay does.
func (d *Date) UnmarshalText(b []byte) error {
	v, err := ParseDay(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// MarshalJSON writes the date as a JSON string, "2006-01-02", the zero
// Date as "" — as dates have been written in the API.
func (d Date) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

// UnmarshalJSON reads a JSON string as ParseDay does ("" is the zero
// Date); null leaves d as it is, as encoding/json does for other types.
func (d *Date) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return Errorf(CodeInvalid, "err.date_full", "%s is not a date written YYYY-MM-DD", string(b))
	}
	return d.UnmarshalText([]byte(s))
}

// Value stores the date as TEXT 'YYYY-MM-DD', the zero Date as empty
// text (the date columns are TEXT, NOT NULL, empty by default, in both
// SQLite and PostgreSQL). A year outside 0000–9999 is refused: stored text compares
// as text, and year 10000 would sort before year 2026.
func (d Date) Value() (driver.Value, error) {
	if y := d.Year(); !d.IsZero() && (y < 0 || y > 9999) {
		return nil, fmt.Errorf("kexie.Date: year %d cannot be stored as YYYY-MM-DD", y)
	}
	return d.String(), nil
}

// Scan reads a date column: text (string or []byte, as SQLite and
// PostgreSQL return TEXT) as ParseDay does, empty as the zero Date; a
// time.Time (what the drivers return for a column of type DATE) as its
// calendar day in its own location; NULL as the zero Date.
func (d *Date) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*d = Date{}
		return nil
	case string:
		return d.UnmarshalText([]byte(v))
	case []byte:
		return d.UnmarshalText(v)
	case time.Time:
		*d = DateOf(v)
		return nil
	}
	return fmt.Errorf("kexie.Date: cannot scan %T", src)
}

// daysIn is the number of days of month m of year y.
func daysIn(y, m int64) int64 {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// daysFromCivil counts the days from 0001-01-01 to y-m-d (a valid date,
// proleptic Gregorian; negative before). After H. Hinnant's
// days_from_civil.
func daysFromCivil(y, m, d int64) int64 {
	if m <= 2 {
		y--
	}
	era := floorDiv(y, 400)
	yoe := y - era*400                     // [0, 399]
	doy := (153*((m+9)%12)+2)/5 + d - 1    // [0, 365], from 1 March
	doe := yoe*365 + yoe/4 - yoe/100 + doy // [0, 146096]
	return era*146097 + doe - 719468 + epochDays
}

// civilFromDays is the inverse of daysFromCivil.
func civilFromDays(n int64) (y, m, d int64) {
	z := n - epochDays + 719468
	era := floorDiv(z, 146097)
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = doy - (153*mp+2)/5 + 1
	m = mp + 3
	if m > 12 {
		m -= 12
	}
	y = yoe + era*400
	if m <= 2 {
		y++
	}
	return y, m, d
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}
