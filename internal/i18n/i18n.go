// Package i18n holds the interface catalogs (Simplified Chinese and English)
// and chooses a language for a request. Catalogs are embedded JSON, one flat
// object per language; a test keeps their key sets identical.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"golang.org/x/text/language"
)

//go:embed locales/*.json
var files embed.FS

// Language tags served, first is the default. The tag strings are what
// pages put in <html lang>.
const (
	Chinese = "zh-Hans"
	English = "en"
)

// Supported lists the interface languages in menu order.
var Supported = []string{Chinese, English}

// Bundle is the loaded catalogs and the matcher. Build it once at start-up
// and pass it around; it is read-only afterwards.
type Bundle struct {
	catalogs map[string]map[string]string
	matcher  language.Matcher
}

// Load parses the embedded catalogs.
func Load() (*Bundle, error) {
	b := &Bundle{catalogs: map[string]map[string]string{}}
	var tags []language.Tag
	for _, lang := range Supported {
		raw, err := files.ReadFile("locales/" + lang + ".json")
		if err != nil {
			return nil, fmt.Errorf("catalog %s: %w", lang, err)
		}
		m := map[string]string{}
		if err := json.Unmarshal(raw, &m); err != nil {
			return nil, fmt.Errorf("catalog %s: %w", lang, err)
		}
		b.catalogs[lang] = m
		tags = append(tags, language.MustParse(lang))
	}
	b.matcher = language.NewMatcher(tags)
	return b, nil
}

// Keys returns the sorted keys of one catalog (for tests).
func (b *Bundle) Keys(lang string) []string {
	var ks []string
	for k := range b.catalogs[lang] {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// Match picks the supported language for explicit choices (a cookie, a
// stored preference) first, then an Accept-Language header; Chinese when
// nothing matches. Traditional Chinese and zh-TW/zh-HK readers get
// Simplified Chinese: closer than English for them.
func (b *Bundle) Match(choices []string, acceptLanguage string) string {
	for _, c := range choices {
		if l := Normalize(c); l != "" {
			return l
		}
	}
	if acceptLanguage != "" {
		prefs, _, err := language.ParseAcceptLanguage(acceptLanguage)
		if err == nil && len(prefs) > 0 {
			_, idx, conf := b.matcher.Match(prefs...)
			if conf != language.No {
				return Supported[idx]
			}
		}
	}
	return Chinese
}

// Normalize maps a language choice ("en", "zh", "zh-CN", "zh-Hans") to a
// supported tag, or "" when it names none.
func Normalize(s string) string {
	t, err := language.Parse(strings.TrimSpace(s))
	if err != nil || s == "" {
		return ""
	}
	base, _ := t.Base()
	switch base.String() {
	case "zh":
		return Chinese
	case "en":
		return English
	}
	return ""
}

// Localizer translates for one language.
type Localizer struct {
	Lang string
	b    *Bundle
}

// For returns the localizer of a supported language (Chinese otherwise).
func (b *Bundle) For(lang string) *Localizer {
	if _, ok := b.catalogs[lang]; !ok {
		lang = Chinese
	}
	return &Localizer{Lang: lang, b: b}
}

// T translates key, filling %v verbs from args. A missing key shows as the
// key itself, so a gap is visible rather than silent (and a test forbids it).
func (l *Localizer) T(key string, args ...any) string {
	s, ok := l.b.catalogs[l.Lang][key]
	if !ok {
		return key
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, l.counted(args)...)
	}
	return s
}

// plural is an argument that is a count of things (kexie.Count): it is
// shown by N, with the noun in the right number, so one message can hold
// several counts each with its own plural.
type plural interface{ Plural() (key string, n int) }

func (l *Localizer) counted(args []any) []any {
	out := args
	for i, a := range args {
		if c, ok := a.(plural); ok {
			if &out[0] == &args[0] {
				out = append([]any(nil), args...)
			}
			key, n := c.Plural()
			out[i] = l.N(key, n)
		}
	}
	return out
}

// Has tells whether the catalog has key (for codes that may have a label).
func (l *Localizer) Has(key string) bool {
	_, ok := l.b.catalogs[l.Lang][key]
	return ok
}

// N translates a count: English uses key.one for 1 and key.other otherwise;
// Chinese has no grammatical number and always uses key.other.
func (l *Localizer) N(key string, n int) string {
	if l.Lang == English && n == 1 {
		return l.T(key+".one", n)
	}
	return l.T(key+".other", n)
}

// LanguageName is a language's name written in that language, for the
// language switcher.
func LanguageName(lang string) string {
	switch lang {
	case Chinese:
		return "中文"
	case English:
		return "English"
	}
	return lang
}
