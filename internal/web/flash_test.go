package web_test

import (
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kexie/kexie/internal/demo"
	"github.com/kexie/kexie/internal/i18n"
	"github.com/kexie/kexie/internal/kexie"
)

// No message key travels in a URL (issue 13): a page that confirms what
// was done says so once, from a short-lived cookie, and the address it
// redirects to is the page's own.
func TestFlashWithoutMessageKeysInURLs(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.user("clerk", kexie.RoleStaff, e.a)
		c := e.client()
		c.lang = "en"
		c.mustLogin("clerk")
		c.get("/")
		out := c.post("/logout", nil)
		wantStatus(t, out, http.StatusSeeOther)
		if loc := out.Header.Get("Location"); loc != "/login" {
			t.Fatalf("signed out to %q", loc)
		}
		if p := c.get("/login"); !strings.Contains(p.body, "You have signed out.") {
			t.Fatal("the sign-in page does not say the user signed out")
		}
		if p := c.get("/login"); strings.Contains(p.body, "You have signed out.") {
			t.Fatal("the confirmation shows again")
		}
	})
	// And no handler writes one into an address.
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(path, "_test.go") || (filepath.Ext(path) != ".go" && filepath.Ext(path) != ".html") {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if strings.Contains(string(src), "flash=") {
			t.Errorf("%s puts a message key in a URL", path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// The charter templates are named after the society whose rules they are,
// in both languages (issue 13): the national society template is CHIA's,
// 中国高科技产业化研究会, not another society's.
func TestCharterTemplatesNamedAfterTheirSociety(t *testing.T) {
	b, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	orgs, _ := demo.Federation()
	for _, o := range orgs {
		if o.Code != "CHIA" {
			continue
		}
		if zh := b.For(i18n.Chinese).T("gov.charter.national_society"); !strings.Contains(zh, o.NameZH) {
			t.Errorf("zh-Hans: %q does not name %s", zh, o.NameZH)
		}
		if en := b.For(i18n.English).T("gov.charter.national_society"); !strings.Contains(en, "CHIA") {
			t.Errorf("en: %q does not name CHIA", en)
		}
	}
}
