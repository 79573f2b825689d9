package kexie

import (
	"slices"
	"strings"
	"time"
)

// OrgKind is an organisation kind; the slugs are stable and used in files
// and APIs.
type OrgKind string

// OrgKinds lists every kind, in the order the registry shows them.
var OrgKinds = []OrgKind{
	"national_association", "provincial_association", "municipal_association", "county_association",
	"system_association", "enterprise_association", "university_association", "township_association",
	"street_association", "rural_tech_association", "national_society", "provincial_society",
	"society_branch", "industry_alliance", "department", "affiliated_unit", "subordinate_enterprise",
}

// ParseOrgKind accepts a kind slug.
func ParseOrgKind(s string) (OrgKind, error) {
	k := OrgKind(strings.ToLower(strings.TrimSpace(s)))
	if !slices.Contains(OrgKinds, k) {
		return "", Errorf(CodeInvalid, "err.org_kind", "unknown organisation kind %q", Excerpt(s))
	}
	return k, nil
}

// IsMember reports whether organisations of this kind are member
// organisations. Departments, directly affiliated units and subordinate
// enterprises belong to an organisation but never count in its
// "organisation members" statistics.
func (k OrgKind) IsMember() bool {
	switch k {
	case "department", "affiliated_unit", "subordinate_enterprise":
		return false
	}
	return true
}

// CountyOrAbove reports whether the kind is an association at or above
// county level, whose change or cancellation needs a resolution of its own
// congress and is filed with the next-higher association (Jilin
// regulations, art. 11).
func (k OrgKind) CountyOrAbove() bool {
	switch k {
	case "national_association", "provincial_association", "municipal_association", "county_association":
		return true
	}
	return false
}

// OrgStatus is an organisation's current state.
type OrgStatus string

const (
	OrgActive    OrgStatus = "active"
	OrgSuspended OrgStatus = "suspended"
	OrgCancelled OrgStatus = "cancelled"
)

// ParseOrgStatus accepts active (also the empty string), suspended or
// cancelled.
func ParseOrgStatus(s string) (OrgStatus, error) {
	switch st := OrgStatus(strings.ToLower(strings.TrimSpace(s))); st {
	case "":
		return OrgActive, nil
	case OrgActive, OrgSuspended, OrgCancelled:
		return st, nil
	}
	return "", Errorf(CodeInvalid, "err.org_status", "unknown status %q (active, suspended or cancelled)", Excerpt(s))
}

// ParsePartialDate accepts YYYY, YYYY-MM or YYYY-MM-DD (how the seeds date
// things: "established 1958", "stopped 1966-08") and returns it unchanged
// when valid. The empty string is valid (unknown).
func ParsePartialDate(s string) (string, error) {
	s = strings.TrimSpace(s)
	layouts := map[int]string{4: "2006", 7: "2006-01", 10: "2006-01-02"}
	if s == "" {
		return "", nil
	}
	l, ok := layouts[len(s)]
	if ok {
		if t, err := time.Parse(l, s); err == nil && t.Year() >= 1000 {
			return s, nil
		}
	}
	return "", Errorf(CodeInvalid, "err.partial_date", "%q is not a date written YYYY, YYYY-MM or YYYY-MM-DD", Excerpt(s))
}

// PartialNotAfter checks that a thing dated p (YYYY, YYYY-MM or
// YYYY-MM-DD, valid), which has happened, does not begin after today:
// "2027" is refused all through 2026, "2026-03" only before March. The
// error is Date.NotAfter's (err.date_future, naming p and today).
func PartialNotAfter(p string, today Date) error {
	t := today.String()
	if len(p) <= len(t) && p > t[:len(p)] {
		return Errorf(CodeInvalid, "err.date_future", "%v is a day still to come (today is %v)", p, t)
	}
	return nil
}

// ParseYesNo accepts true/false, 1/0, 是/否 and yes/no; empty is false.
func ParseYesNo(s string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true", "1", "是", "yes", "y":
		return true, nil
	case "false", "0", "否", "no", "n", "":
		return false, nil
	}
	return false, Errorf(CodeInvalid, "err.yes_no", "%q is not true/false, 1/0 or 是/否", Excerpt(s))
}

// Organisation is one node of the federation tree.
type Organisation struct {
	ID                    int64
	Code                  string // stable external identifier, the import upsert key
	ParentID              int64  // 0 at the root
	ParentCode            string
	Kind                  OrgKind
	NameZH                string
	NameEN                string
	RegionCode            string // GB/T 2260
	USCC                  string // GB 32100, when registered
	Address               string
	Established           string // YYYY, YYYY-MM or YYYY-MM-DD
	RegistrationAuthority string
	LegalRep              string
	Independent           bool
	Status                OrgStatus
	Depth                 int // distance from the root, when known
}

// Name picks the organisation's name for a language, falling back to the
// other one when empty.
func (o Organisation) Name(lang string) string {
	if lang == "en" && o.NameEN != "" {
		return o.NameEN
	}
	if o.NameZH != "" {
		return o.NameZH
	}
	return o.NameEN
}

// SameData reports whether two records hold the same registry data (the
// fields a file carries), so a re-import can count "unchanged".
func (o Organisation) SameData(p Organisation) bool {
	return o.Code == p.Code && o.ParentCode == p.ParentCode && o.Kind == p.Kind && o.NameZH == p.NameZH &&
		o.NameEN == p.NameEN && o.RegionCode == p.RegionCode && o.USCC == p.USCC && o.Established == p.Established &&
		o.Independent == p.Independent && o.Status == p.Status
}

// OrgStats is a roll-up below one organisation, member kinds only,
// cancelled organisations excluded; kinds with zero are absent.
type OrgStats struct {
	Org         string          `json:"org"`
	Children    map[OrgKind]int `json:"children"`
	Subtree     map[OrgKind]int `json:"subtree"`
	Independent map[OrgKind]int `json:"independent"`
	// Members counts the active memberships held in the organisation
	// itself and everywhere below it, by member type (types with none
	// omitted), with "total".
	Members map[string]int `json:"members"`
}

// Rejection is a row of a file that changed nothing, and why.
type Rejection struct {
	Line   int
	Code   string
	Reason string // English, for the error file
	Err    error  // the coded error, when there is one, for a localized message
}

// ImportOutcome counts what an import did (or, dry, would do).
type ImportOutcome struct {
	Created, Updated, Unchanged int
	Rejected                    []Rejection
	Warnings                    []Rejection // rows taken, but not all they said
}
