package web_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/kexie/kexie/internal/activities"
	"github.com/kexie/kexie/internal/i18n"
	"github.com/kexie/kexie/internal/kexie"
)

// TestEveryMessageKeyIsTranslated scans the templates and the Go sources for
// message keys and fails on any that a catalog lacks: no screen may show a
// raw key, in either language.
func TestEveryMessageKeyIsTranslated(t *testing.T) {
	b, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, k := range b.Keys(i18n.English) {
		have[k] = true
	}
	tmplKey := regexp.MustCompile(`\.T "([a-z_.]+)"`)
	pluralKey := regexp.MustCompile(`\.N "([a-z_.]+)"|\(count "(count\.[a-z_.]+)"|CountOf\("([a-z_.]+)"`)
	goKey := regexp.MustCompile(`"((?:err|flash|nav|role|home|login|account|password|audit|users|error|tokens|pager)\.[a-z_]+(?:\.[a-z_]+)*)"`)
	flashKey := regexp.MustCompile(`flash=(flash\.[a-z_]+)`)
	used := map[string]string{}
	err = filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		ext := filepath.Ext(path)
		if ext != ".go" && ext != ".html" || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range pluralKey.FindAllSubmatch(src, -1) {
			k := string(m[1]) + string(m[2]) + string(m[3])
			used[k+".one"] = path
			used[k+".other"] = path
		}
		res := []*regexp.Regexp{tmplKey, flashKey}
		if ext == ".go" {
			res = append(res, goKey)
		}
		for _, re := range res {
			for _, m := range re.FindAllSubmatch(src, -1) {
				used[string(m[1])] = path
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Permission names look like keys but are not messages.
	for _, p := range kexie.Permissions {
		delete(used, string(p))
	}
	if len(used) < 50 {
		t.Fatalf("found only %d keys: the scan is broken", len(used))
	}
	for k, where := range used {
		// A count's message (Localizer.N from Go) is key.one and key.other.
		if !have[k] && !(have[k+".one"] && have[k+".other"]) {
			t.Errorf("%s (used in %s) is in no catalog", k, where)
		}
	}
	// Every role is shown by name (role.<slug>), in both languages.
	for _, lang := range i18n.Supported {
		in := map[string]bool{}
		for _, k := range b.Keys(lang) {
			in[k] = true
		}
		for _, r := range kexie.Roles {
			if !in["role."+string(r)] {
				t.Errorf("role.%s (the name of a role) is not in the %s catalog", r, lang)
			}
		}
	}
}

// TestActivityStatusErrorsAreTranslated: the activities' conflicts named
// by a status have a message for each status, in both languages.
func TestActivityStatusErrorsAreTranslated(t *testing.T) {
	b, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range i18n.Supported {
		in := map[string]bool{}
		for _, k := range b.Keys(lang) {
			in[k] = true
		}
		for name, statuses := range activities.StatusErrors {
			for _, st := range statuses {
				if k := "err." + name + "_" + st; !in[k] {
					t.Errorf("%s: no %s", lang, k)
				}
			}
		}
	}
}
