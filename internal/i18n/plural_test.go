package i18n

import (
	"regexp"
	"strings"
	"testing"
)

// A count of things in English takes its plural from L.N (key.one and
// key.other), never a fixed "%v members" that reads "1 members" (issue 13).
// Messages with several counts in one sentence are not L.N's: they are
// listed here until each is reworded.
func TestCountsTakeTheirPlural(t *testing.T) {
	b, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	severalCounts := map[string]bool{
		"gov.attendance_summary": true, "gov.finding.standing_size": true, "gov.finding.renewal": true, "gov.election_rule": true,
		"gov.runoff_list": true, "err.award_cycle_early": true, "err.award_grade_cap": true, "err.award_total_cap": true,
		"err.award_quota_below": true, "err.no_quorum": true, "gov.finding.extension_cap": true, "err.file_columns": true,
		// Not counts: "%v objections" and "%v nominations" are lists of
		// numbers in the awards' messages (awards' engineers' to reword).
		"err.award_objections_open": true, "err.award_unchecked": true, "err.ledger_close_pending": true,
		"err.confirm_close_election": true, "gov.quorum_text": true, "err.ballot_overfilled": true,
		"actedit.programme_done": true, "aw.tie": true,
		// Bounds, never one.
		"err.activity_roles_many": true, "err.attendance_size": true, "err.election_size": true, "err.file_rows": true,
	}
	counted := regexp.MustCompile(`%(\[\d\])?v (members|months|ballots|entries|seats|organisations|nominations|objections|candidates|winners|rows|years)\b|\(s\)`)
	for _, k := range b.Keys(English) {
		if strings.HasSuffix(k, ".one") || strings.HasSuffix(k, ".other") || severalCounts[k] {
			continue
		}
		if v := b.catalogs[English][k]; counted.MatchString(v) {
			t.Errorf("%s counts without a plural: %q", k, v)
		}
	}
}

// One word for governance in Chinese (issue 13): every message the English
// calls "Governance" is 治理, as the menu says.
func TestGovernanceIsOneWord(t *testing.T) {
	b, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range b.Keys(English) {
		if strings.Contains(b.catalogs[English][k], "Governance") && !strings.Contains(b.catalogs[Chinese][k], "治理") {
			t.Errorf("%s: %q is %q in Chinese", k, b.catalogs[English][k], b.catalogs[Chinese][k])
		}
	}
}
