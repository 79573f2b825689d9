package govweb

import (
	"strconv"
	"strings"

	"github.com/kexie/kexie/internal/charter"
	"github.com/kexie/kexie/internal/governance"
	"github.com/kexie/kexie/internal/i18n"
	"github.com/kexie/kexie/internal/kexie"
)

// The governance pages, the minutes and their PDF say the charter's rules
// and the results of votes in sentences of the reader's language; this
// file writes them, from catalog keys, so the page and the PDF agree.

// parseStoredRule reads a rule as governance keeps it on a motion or an election
// (charter.Fraction.String: "more than 2/3 of present").
func parseStoredRule(s string) (charter.Fraction, bool) {
	var f charter.Fraction
	switch {
	case strings.HasPrefix(s, "more than "):
		f.Strict, s = true, strings.TrimPrefix(s, "more than ")
	case strings.HasPrefix(s, "at least "):
		s = strings.TrimPrefix(s, "at least ")
	default:
		return f, false
	}
	frac, base, ok := strings.Cut(s, " of ")
	num, den, ok2 := strings.Cut(frac, "/")
	if !ok || !ok2 {
		return f, false
	}
	var err1, err2 error
	f.Num, err1 = strconv.ParseInt(num, 10, 64)
	f.Den, err2 = strconv.ParseInt(den, 10, 64)
	f.Base = charter.Base(base)
	return f, err1 == nil && err2 == nil && f.Valid()
}

var chineseDigits = []string{"零", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十"}

// fractionWords writes a fraction as the reader's language does: "2/3",
// and in Chinese "三分之二" (digits beyond ten stay digits).
func fractionWords(l *i18n.Localizer, num, den int64) string {
	if l.Lang == i18n.Chinese && num >= 0 && den > 0 && num <= 10 && den <= 10 {
		return chineseDigits[den] + "分之" + chineseDigits[num]
	}
	return strconv.FormatInt(num, 10) + "/" + strconv.FormatInt(den, 10)
}

// ruleWords is a threshold in words: "more than 2/3 of those present",
// "超过出席人数的三分之二".
func ruleWords(l *i18n.Localizer, f charter.Fraction) string {
	key := "gov.rule.at_least"
	if f.Strict {
		key = "gov.rule.more"
	}
	return l.T(key, fractionWords(l, f.Num, f.Den), l.T("gov.base."+string(f.Base)))
}

// storedRuleWords is ruleWords of a rule as stored, or the stored text
// when it cannot be read.
func storedRuleWords(l *i18n.Localizer, s string) string {
	if f, ok := parseStoredRule(s); ok {
		return ruleWords(l, f)
	}
	return s
}

// quorumWords says the live quorum: seats entitled, present, represented,
// the count required by the charter's rule, met or not.
func quorumWords(l *i18n.Localizer, q charter.QuorumState, rules charter.BodyRules) string {
	s := l.T("gov.quorum_text", kexie.CountOf("count.seats", q.Entitled), q.Present, q.Represented, q.Required, ruleWords(l, rules.Quorum))
	if q.Represented > 0 && !rules.ProxiesCount {
		s += l.T("gov.quorum_proxies_not_counted")
	}
	if q.Met {
		return s + l.T("gov.quorum_met")
	}
	return s + l.T("gov.quorum_not_met")
}

// motionWords is a closed motion's result: the tally, the base, the count
// required and the rule, passed or failed, and who counted.
func motionWords(l *i18n.Localizer, m governance.Motion) string {
	result := l.T("gov.result.failed")
	if m.Passed {
		result = l.T("gov.result.passed")
	}
	return l.T("gov.motion_outcome", m.Yes, m.No, m.Abstain, m.Base, m.Required, storedRuleWords(l, m.Rule), result) +
		l.T("gov.counted."+m.CountedBy)
}

// electionWords is an election's count: ballots issued, cast, valid and
// invalid, and the votes a candidate needed.
func electionWords(l *i18n.Localizer, e governance.Election) string {
	return l.T("gov.election_count", e.Issued, e.Cast, e.Valid, e.Invalid, e.Required, storedRuleWords(l, e.Rule))
}

// electedWords names those elected, and any runoff a tie leaves.
func electedWords(l *i18n.Localizer, e governance.Election) string {
	var elected, runoff []string
	for _, c := range e.Candidates {
		switch c.Outcome {
		case "elected":
			elected = append(elected, c.Name)
		case "runoff":
			runoff = append(runoff, c.Name)
		}
	}
	sep := l.T("gov.list_sep")
	s := l.T("gov.elected_none")
	if len(elected) > 0 {
		s = l.T("gov.elected_list", strings.Join(elected, sep))
	}
	if len(runoff) > 0 {
		s += l.T("gov.runoff_list", kexie.CountOf("count.to_elect", e.RunoffSeats), strings.Join(runoff, sep))
	}
	return s
}

// govBodyName is a body's name in the reader's language, else its kind's.
func govBodyName(l *i18n.Localizer, b governance.Body) string {
	if l.Lang == i18n.English && b.NameEN != "" {
		return b.NameEN
	}
	if l.Lang != i18n.English && b.NameZH != "" {
		return b.NameZH
	}
	return l.T("body." + string(b.Kind))
}

// findingWords says a compliance finding as a sentence: the rule, the
// body, the figures; the people concerned are listed apart.
func findingWords(l *i18n.Localizer, f charter.Finding, body string) string {
	switch f.Rule {
	case "standing_size":
		return l.T("gov.finding.standing_size", kexie.CountOf("count.seats", f.Have), kexie.CountOf("count.seats", f.Of), f.Need)
	case "front_line":
		return l.T("gov.finding.front_line", body, f.Have, f.Of, f.Need)
	case "renewal":
		return l.T("gov.finding.renewal", body, f.Have, kexie.CountOf("count.seats", f.Of), f.Need)
	case "meeting_overdue":
		if f.Broken {
			return l.T("gov.finding.meeting_overdue", body, f.Details)
		}
		return l.T("gov.finding.meeting_due", body, f.Details)
	case "term_overdue":
		return l.T("gov.finding.term_overdue", body, f.Details)
	case "extension_cap":
		return l.T("gov.finding.extension_cap", body, kexie.CountOf("count.months", f.Have), f.Need)
	case "absences":
		if f.Broken {
			return l.T("gov.finding.absences", body, f.Have, f.Need)
		}
		return l.T("gov.finding.absences_risk", body, f.Have, f.Need)
	}
	return l.T("gov.finding.other", body, f.Rule)
}

// govTermLabel is "the 9th Council", "第9届理事会".
func govTermLabel(l *i18n.Localizer, body string, number int) string {
	n := strconv.Itoa(number)
	if l.Lang == i18n.English {
		n = englishOrdinal(number)
	}
	return l.T("gov.body_term", body, n)
}

// englishOrdinal writes 1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st.
func englishOrdinal(n int) string {
	suffix := "th"
	if n%100 < 11 || n%100 > 13 {
		switch n % 10 {
		case 1:
			suffix = "st"
		case 2:
			suffix = "nd"
		case 3:
			suffix = "rd"
		}
	}
	return strconv.Itoa(n) + suffix
}
