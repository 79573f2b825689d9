package kexie

import (
	"strings"
	"time"
)

// MemberType is the kind of a membership.
type MemberType string

// MemberTypes lists the membership types.
var MemberTypes = []MemberType{"individual", "student", "foreign", "unit", "honorary"}

// ParseMemberType accepts a type slug (any case).
func ParseMemberType(s string) (MemberType, error) {
	t := MemberType(strings.ToLower(strings.TrimSpace(s)))
	for _, k := range MemberTypes {
		if k == t {
			return t, nil
		}
	}
	return "", Errorf(CodeInvalid, "err.member_type", "unknown member type %q", Excerpt(s))
}

// MemberStatus is where a membership stands.
type MemberStatus string

// MemberStatuses lists them.
var MemberStatuses = []MemberStatus{"applicant", "active", "lapsed", "withdrawn", "expelled", "deceased"}

// ParseMemberStatus accepts a status (any case); empty is active.
func ParseMemberStatus(s string) (MemberStatus, error) {
	st := MemberStatus(strings.ToLower(strings.TrimSpace(s)))
	if st == "" {
		return "active", nil
	}
	for _, k := range MemberStatuses {
		if k == st {
			return st, nil
		}
	}
	return "", Errorf(CodeInvalid, "err.member_status", "unknown membership status %q", Excerpt(s))
}

// mainlandMobile: 1[3-9] and nine digits more. (Written out rather than as
// regular expressions: an import checks a million numbers.)
func mainlandMobile(p string) bool {
	return len(p) == 11 && p[0] == '1' && p[1] >= '3' && p[1] <= '9' && digits(p[2:])
}

// intlPhone: + and 7 to 15 digits, the first not 0 (E.164).
func intlPhone(p string) bool {
	return len(p) >= 8 && len(p) <= 16 && p[0] == '+' && p[1] >= '1' && p[1] <= '9' && digits(p[2:])
}

// digits reports whether s is ASCII digits only (true when empty).
func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// NormalizePhone checks a telephone number: a mainland mobile is 11 digits
// starting 1[3-9] (an optional +86 is dropped); any other number is written
// in +country form (E.164). Spaces and hyphens are removed. Empty is fine.
func NormalizePhone(s string) (string, error) {
	p := strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '(' || r == ')' {
			return -1
		}
		return r
	}, strings.TrimSpace(s))
	if p == "" {
		return "", nil
	}
	if strings.HasPrefix(p, "+86") && mainlandMobile(p[3:]) {
		return p[3:], nil
	}
	if mainlandMobile(p) || intlPhone(p) {
		return p, nil
	}
	return "", Errorf(CodeInvalid, "err.phone", "malformed telephone number %q: a mainland mobile has 11 digits starting 13–19, other numbers are written +country…", Excerpt(s))
}

// ParseDate reads YYYY-MM-DD as ParseDay does, as a time at midnight UTC;
// empty (and 0001-01-01) gives the zero time.
func ParseDate(s string) (time.Time, error) {
	d, err := ParseDay(s)
	if err != nil {
		return time.Time{}, err
	}
	return d.MidnightUTC(), nil
}

// YearsBefore is the date n calendar years before d. When that day does not
// exist (29 February in a common year) it is the last day of that month:
// 2028-02-29 minus 2 years is 2026-02-28.
func YearsBefore(d time.Time, n int) time.Time {
	return DateOf(d).AddYears(-n).MidnightUTC()
}

// LapseFacts is what the lapse rule looks at for one membership.
type LapseFacts struct {
	Type         MemberType
	Status       MemberStatus
	Joined       time.Time
	LastDues     time.Time // zero: never paid
	LastActivity time.Time // zero: never took part
	ExemptUntil  time.Time // zero: no exemption
	YearsAllowed int       // the charter's N (default 2)
}

// Lapse reasons.
const (
	LapseNoDues          = "no_dues"
	LapseNoParticipation = "no_participation"
	LapseBoth            = "both"
)

// LapseReason applies the lapse rule as of day asOf: an active member lapses
// when the last dues payment — or, if none, the joining date — is more than
// N years before asOf, or when the last participation — or, if none, the
// joining date — is. "More than N years before" is strictly earlier than
// asOf minus N calendar years: exactly N years is not a lapse. Honorary
// members are exempt, and so is a member with a recorded exemption running
// until asOf or later. It returns "" when the member does not lapse.
func LapseReason(f LapseFacts, asOf time.Time) string {
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
	cutoff := YearsBefore(day(asOf), n)
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

// day drops the time of day, in UTC, so dates compare as calendar days.
func day(t time.Time) time.Time { return DateOf(t).MidnightUTC() }

// MemberRecord is a member as files carry it: the holder (person or unit)
// and one membership. IDNumber is in clear here; storage seals it.
type MemberRecord struct {
	Line      int
	MemberNo  string
	OrgCode   string
	Type      MemberType
	Name      string
	NameEN    string
	Pinyin    string
	Gender    string // "", "male", "female"
	BirthDate string // YYYY-MM-DD or ""
	IDType    string
	IDNumber  string
	IDMasked  string // as stored, when read back without revealing
	IDHash    string // keyed hash of IDKey, for duplicates (set when sealing)
	IDSealed  string // IDNumber sealed for storage (set when sealing)
	// IDFirst: when the same document was on an earlier row of the file,
	// that row's position among the rows read in (1-based); else 0.
	IDFirst      int
	Nationality  string
	Discipline   string
	Title        string
	Employer     string
	FrontLine    bool
	Email        string
	Phone        string
	Joined       string
	Status       MemberStatus
	LastDuesPaid string
	LastActivity string
	// A unit member's fields (empty for a person): its GB 32100 unified
	// social credit code and the person to contact there.
	CreditCode    string
	ContactPerson string
	Has           map[string]bool // the file's columns; nil means all
}

// IDKey is what identifies the identity document for duplicate checks
// and the keyed hash people are matched by (the register, awards): type
// and number together, normalised ("" when there is none), so that
// " 23010219900101123x" and "23010219900101123X" are the same document
// wherever they were typed.
func (m MemberRecord) IDKey() string {
	n := NormalIDNumber(m.IDNumber)
	if n == "" {
		return ""
	}
	return strings.ToLower(strings.TrimSpace(m.IDType)) + ":" + n
}

// NormalIDNumber is an identity document number as it is matched: upper
// case (the check character "x" of a resident ID is "X"), without spaces.
func NormalIDNumber(s string) string {
	return strings.ToUpper(strings.Join(strings.Fields(s), ""))
}

// residentMask hides all of a resident ID but its first six characters,
// the region: its eight middle digits are the birth date, which records show
// beside it, and its last four the sequence and check digits, so a mask
// that showed them (the old 110105********002X) gave the number away with
// the birth date.
const residentMask = "************"

// MaskID shows an identity number as screens do: of a resident ID its
// region only (110105************), other documents their last four.
func MaskID(idType, number string) string {
	if number == "" {
		return ""
	}
	if idType == "resident_id" && len(number) == 18 {
		return number[:6] + residentMask
	}
	if len(number) <= 4 {
		return strings.Repeat("*", len(number))
	}
	return strings.Repeat("*", len(number)-4) + number[len(number)-4:]
}

// EventReason writes the reason of a history event that the system words
// (an approval, a withdrawal with or without the card, a lapse) as a
// catalog key and its arguments, so each reader sees it in their language:
// "\x1eevent.approved|council|R1". The leading record separator cannot be
// typed (CleanText removes it), so a reason someone typed — stored as typed
// — never passes for the system's.
func EventReason(key string, args ...string) string {
	parts := append([]string{key}, args...)
	for i := range parts {
		parts[i] = strings.ReplaceAll(CleanText(parts[i]), "|", "¦")
	}
	return eventMark + strings.Join(parts, "|")
}

const eventMark = "\x1e"

// CleanText removes control characters (but line breaks) from typed text.
func CleanText(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 && r != '\n' || r == 0x7f {
			return -1
		}
		return r
	}, s)
}

// EventReasonSpec says how a reason the system writes in a history is
// shown: how many arguments its catalog message takes, and the catalog
// prefix of its first argument when that argument is itself a word of the
// catalog (a body, an application stage, a lapse reason), "" when it is
// shown as written (a resolution, a reason someone typed).
type EventReasonSpec struct {
	Args int
	Word string
}

// EventReasons is the one registry of the reasons the system writes in
// histories, by catalog key: EventReason writes them, ParseEventReason
// reads them back, and pages show them by it.
var EventReasons = map[string]EventReasonSpec{
	"event.recorded":         {Args: 0},
	"event.import":           {Args: 0},
	"event.approved":         {Args: 2, Word: "body."},
	"event.stage":            {Args: 2, Word: "stage."},
	"event.expelled":         {Args: 2},
	"event.withdrawn_card":   {Args: 1},
	"event.withdrawn_nocard": {Args: 1},
	"event.lapse":            {Args: 1, Word: "lapse."},
}

// ParseEventReason splits a stored reason into its key and arguments; a
// reason someone typed has no key.
func ParseEventReason(s string) (key string, args []string) {
	s, marked := strings.CutPrefix(s, eventMark)
	if !marked {
		return "", nil
	}
	parts := strings.Split(s, "|")
	if _, ok := EventReasons[parts[0]]; ok {
		return parts[0], parts[1:]
	}
	return "", nil
}
