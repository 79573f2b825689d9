package activities

import (
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/kexie/kexie/internal/kexie"
)

// Kinds of activity.
var Kinds = []string{"academic_conference", "annual_meeting", "forum", "seminar", "lecture", "training",
	"science_fair", "science_day", "science_month", "competition", "exhibition", "think_tank_report",
	"cooperation_agreement", "other"}

// Categories are the statistics' categories.
var Categories = []string{"academic", "popularisation", "training", "service", "international"}

// Modes of holding an activity.
var Modes = []string{"in_person", "online", "hybrid"}

// Statuses of an activity, in their usual order.
const (
	StatusDraft            = "draft"
	StatusPublished        = "published"
	StatusRegistrationOpen = "registration_open"
	StatusClosed           = "closed"
	StatusHeld             = "held"
	StatusCancelled        = "cancelled"
)

// Statuses lists the statuses.
var Statuses = []string{StatusDraft, StatusPublished, StatusRegistrationOpen, StatusClosed, StatusHeld, StatusCancelled}

// transitions are the status changes allowed: held and cancelled are final.
var transitions = map[string][]string{
	StatusDraft:            {StatusPublished, StatusCancelled},
	StatusPublished:        {StatusDraft, StatusRegistrationOpen, StatusHeld, StatusCancelled},
	StatusRegistrationOpen: {StatusClosed, StatusHeld, StatusCancelled},
	StatusClosed:           {StatusRegistrationOpen, StatusHeld, StatusCancelled},
}

// MayMove reports whether an activity may go from status from to to.
func MayMove(from, to string) bool { return slices.Contains(transitions[from], to) }

// NextStatuses lists where an activity in status may go.
func NextStatuses(status string) []string { return transitions[status] }

// Roles organisations hold in an activity, in the usual order of a
// printed programme.
var Roles = []string{"sponsor", "co_sponsor", "organiser", "co_organiser", "undertaker", "supporter",
	"guiding_unit", "exclusive_co_sponsor"}

// Activity is one activity.
type Activity struct {
	ID         int64
	Code       string
	OrgID      int64  // the owning organisation: the first sponsor of the registry
	OrgCode    string // its code
	Kind       string
	Category   string
	TitleZH    string
	TitleEN    string
	ThemeZH    string
	ThemeEN    string
	Starts     kexie.Date // Beijing calendar days
	Ends       kexie.Date
	Venue      string
	City       string
	RegionCode string // GB/T 2260
	Mode       string
	Public     bool
	Status     string
	SeriesID   int64
	SeriesCode string
	Edition    int
	Capacity   int // 0: no limit
	Confirmed  int
	Approval   bool // registrations wait for approval (pending)
	RegOpens   time.Time
	RegCloses  time.Time
	Roles      []OrgRole
}

// OrgRole is an organisation's role in an activity: an organisation of
// the registry (OrgID set) or an outside body by name.
type OrgRole struct {
	Role      string
	OrgID     int64
	OrgCode   string
	OrgName   string // the registry's Chinese name
	OrgNameEN string
	Name      string // an outside body's name
}

// Label is the role holder's name in a language.
func (r OrgRole) Label(lang string) string {
	if r.OrgID == 0 {
		return r.Name
	}
	if lang == "en" && r.OrgNameEN != "" {
		return r.OrgNameEN
	}
	return r.OrgName
}

// Text is one bilingual field in a language: the field in that language
// or, when it is empty, the other one, and whether it fell back.
func Text(zh, en, lang string) (string, bool) {
	if lang == "en" {
		if en != "" || zh == "" {
			return en, false
		}
		return zh, true
	}
	if zh != "" || en == "" {
		return zh, false
	}
	return en, true
}

// Title is the activity's title in lang and whether it fell back.
func (a Activity) Title(lang string) (string, bool) { return Text(a.TitleZH, a.TitleEN, lang) }

// Theme is the activity's theme in lang and whether it fell back.
func (a Activity) Theme(lang string) (string, bool) { return Text(a.ThemeZH, a.ThemeEN, lang) }

// Bilingual is a field in both languages as shown: each falls back to the
// other when empty, and says so.
type Bilingual struct {
	ZH         string `json:"zh"`
	EN         string `json:"en"`
	ZHFallback bool   `json:"zh_fallback"`
	ENFallback bool   `json:"en_fallback"`
}

// Both is the field zh/en in both languages.
func Both(zh, en string) Bilingual {
	var b Bilingual
	b.ZH, b.ZHFallback = Text(zh, en, "zh-Hans")
	b.EN, b.ENFallback = Text(zh, en, "en")
	return b
}

var codeRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$`)

// ValidCode checks an activity's or a series' code.
func ValidCode(code string) error {
	if !codeRE.MatchString(code) {
		return kexie.Errorf(kexie.CodeInvalid, "err.activity_code", "%q is not a code (letters, digits, dot, dash, underscore; up to 40)", kexie.Excerpt(code))
	}
	return nil
}

// plain refuses text with control characters (a line break aside) and
// over n characters; it returns the text trimmed.
func plain(s string, n int) (string, error) {
	s = strings.TrimSpace(s)
	if kexie.CleanText(s) != s {
		return "", kexie.Errorf(kexie.CodeInvalid, "err.control_chars", "the text holds control characters")
	}
	if len([]rune(s)) > n {
		return "", kexie.Errorf(kexie.CodeInvalid, "err.activity_text_long", "a text is longer than %v characters", n)
	}
	return s, nil
}

func oneOf(v string, list []string, key string) error {
	if !slices.Contains(list, v) {
		return kexie.Errorf(kexie.CodeInvalid, key, "unknown value %q", kexie.Excerpt(v))
	}
	return nil
}

// StatusErrors are the conflicts named by a status, each with the
// statuses it is given with: the catalogs have a key err.<name>_<status>
// for each, so that each language says the status in its own words (a
// status slug inside a Chinese sentence would be English).
var StatusErrors = map[string][]string{
	"activity_transition":      Statuses,
	"checkin_status":           {StatusDraft, StatusCancelled},
	"checkin_unconfirmed":      {RegPending, RegWaitlisted, RegCancelled, RegRejected},
	"registration_ended":       {RegCancelled, RegRejected},
	"registration_not_pending": {RegConfirmed, RegWaitlisted, RegCancelled, RegRejected},
}

// statusError is the conflict name given with status (StatusErrors).
func statusError(name, status, message string) error {
	return &kexie.Error{Code: kexie.CodeConflict, Key: "err." + name + "_" + status, Message: message}
}
