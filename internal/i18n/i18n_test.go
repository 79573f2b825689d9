package i18n

import (
	"strings"
	"testing"
)

func TestCatalogsHaveTheSameKeys(t *testing.T) {
	b, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	zh, en := b.Keys(Chinese), b.Keys(English)
	if strings.Join(zh, "\n") != strings.Join(en, "\n") {
		seen := map[string]int{}
		for _, k := range zh {
			seen[k]++
		}
		for _, k := range en {
			seen[k] += 2
		}
		for k, v := range seen {
			switch v {
			case 1:
				t.Errorf("%s: only in Chinese", k)
			case 2:
				t.Errorf("%s: only in English", k)
			}
		}
	}
	for _, lang := range Supported {
		for _, k := range b.Keys(lang) {
			if strings.TrimSpace(b.For(lang).T(k)) == "" {
				t.Errorf("%s: %s is empty", lang, k)
			}
		}
	}
	// Placeholders agree, so the same arguments fit both languages.
	for _, k := range zh {
		if c, e := strings.Count(b.catalogs[Chinese][k], "%"), strings.Count(b.catalogs[English][k], "%"); c != e {
			t.Errorf("%s: %d placeholders in Chinese, %d in English", k, c, e)
		}
	}
}

func TestMatch(t *testing.T) {
	b, _ := Load()
	cases := []struct {
		choices []string
		accept  string
		want    string
	}{
		{nil, "en-US,en;q=0.9", English},
		{nil, "zh-CN,zh;q=0.9", Chinese},
		{nil, "zh-TW", Chinese},
		{nil, "fr-FR", Chinese},
		{nil, "", Chinese},
		{nil, "de;q=0.9, en;q=0.8", English},
		{[]string{"en"}, "zh-CN", English},
		{[]string{"bogus", "zh"}, "en", Chinese},
		{[]string{""}, "en", English},
	}
	for _, c := range cases {
		if got := b.Match(c.choices, c.accept); got != c.want {
			t.Errorf("Match(%v, %q) = %s, want %s", c.choices, c.accept, got, c.want)
		}
	}
}

func TestTranslateAndPlural(t *testing.T) {
	b, _ := Load()
	en := b.For(English)
	if got := en.T("users.created", "wang"); got != "User wang created." {
		t.Fatalf("T with argument: %q", got)
	}
	if got := en.T("no.such.key"); got != "no.such.key" {
		t.Fatalf("missing key shows as %q", got)
	}
	if got := en.N("audit.count", 1); got != "1 entry shown" {
		t.Fatalf("English singular: %q", got)
	}
	if got := en.N("audit.count", 2); got != "2 entries shown" {
		t.Fatalf("English plural: %q", got)
	}
	if got := b.For(Chinese).N("audit.count", 1); got != "显示 1 条记录" {
		t.Fatalf("Chinese: %q", got)
	}
	if b.For("xx").Lang != Chinese {
		t.Fatal("unsupported language does not fall back to Chinese")
	}
}
