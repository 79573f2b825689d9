package i18n

import (
	"regexp"
	"strings"
	"testing"

	"github.com/kexie/kexie/internal/kexie"
)

// A count of things in English takes its plural from L.N (key.one and
// key.other), never a fixed "%v members" that reads "1 members" (issue 13).
// A message with several counts takes each as a kexie.Count argument,
// whose noun comes from count.<noun>.one/.other.
func TestCountsTakeTheirPlural(t *testing.T) {
	b, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	counted := regexp.MustCompile(`%(\[\d\])?v (members|months|ballots|entries|seats|organisations|nominations|objections|candidates|winners|rows|years)\b|\(s\)`)
	for _, k := range b.Keys(English) {
		if strings.HasSuffix(k, ".one") || strings.HasSuffix(k, ".other") {
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

// A message with several counts shows each with its own plural
// (kexie.Count arguments), in both languages.
func TestSeveralCountsInOneMessage(t *testing.T) {
	b, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	en, zh := b.For(English), b.For(Chinese)
	if got := en.T("aw.tie", kexie.CountOf("count.places", 1), kexie.CountOf("count.nominations", 2)); got != "A tie at the cap: 1 place for 2 nominations — decide." {
		t.Errorf("en: %q", got)
	}
	if got := en.T("gov.election_rule", kexie.CountOf("count.to_elect", 1), "more than half"); got != "1 seat to fill; a candidate is elected with the votes of more than half." {
		t.Errorf("en: %q", got)
	}
	if got := en.T("gov.election_rule", kexie.CountOf("count.to_elect", 3), "x"); !strings.HasPrefix(got, "3 seats to fill;") {
		t.Errorf("en: %q", got)
	}
	if got := zh.T("aw.tie", kexie.CountOf("count.places", 1), kexie.CountOf("count.nominations", 2)); got != "名额处出现并列：1个名额对应2项提名，须由评审决定。" {
		t.Errorf("zh: %q", got)
	}
	// Every count key has both forms in both catalogs.
	for _, lang := range Supported {
		for _, k := range b.Keys(lang) {
			if base, ok := strings.CutSuffix(k, ".one"); ok && strings.HasPrefix(k, "count.") {
				if _, ok := b.catalogs[lang][base+".other"]; !ok {
					t.Errorf("%s: %s has no .other", lang, base)
				}
			}
		}
	}
}
