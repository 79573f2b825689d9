package web_test

import (
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/membership"
	"github.com/kexie/kexie/internal/sqldb/dbtest"
	"github.com/kexie/kexie/internal/web"
)

// TestCardPDF: the card as a PDF is served to those who may read the
// member, is the same 404 for everyone else, and a real reader finds the
// name, number and labels in it.
// cardDay is 2026-11-20, 12:00 in Beijing: the card's applications are
// sent, reviewed and approved that day.
func cardDay() time.Time { return time.Date(2026, 11, 20, 4, 0, 0, 0, time.UTC) }

func TestCardPDF(t *testing.T) {
	dbtest.EachWith(t, dbtest.Options{Now: cardDay}, func(t *testing.T, db *dbtest.DB) {
		e := newEnv(t, db)
		e.user("staff.a", kexie.RoleStaff, e.a)
		e.user("staff.b", kexie.RoleStaff, e.b)
		apply := func(name, nameEN string) int64 {
			id, _, err := db.Membership.Apply(ctx, e.setup, e.a1.ID, kexie.MemberRecord{Type: "individual", Name: name, NameEN: nameEN, Gender: "female"}, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			return id
		}
		member, pending := apply("王芳", "Wang Fang"), apply("李雷", "")
		for _, d := range []membership.Decision{{Action: "review", Day: "2026-11-20"}, {Action: "approve", Day: "2026-11-20", Body: "council", Resolution: "R1"}} {
			if _, err := db.Membership.Decide(ctx, e.setup, member, d); err != nil {
				t.Fatal(err)
			}
		}
		path := "/members/" + itoa(member) + "/card.pdf"

		staff := e.client()
		staff.lang = "en"
		staff.mustLogin("staff.a")
		if page := staff.get("/members/" + itoa(member) + "/card"); !strings.Contains(page.body, `href="`+path+`"`) {
			t.Fatal("the card page does not link the PDF")
		}
		r := staff.get(path)
		wantStatus(t, r, http.StatusOK)
		if ct := r.Header.Get("Content-Type"); ct != "application/pdf" {
			t.Fatalf("Content-Type %q", ct)
		}
		if cd := r.Header.Get("Content-Disposition"); cd != `inline; filename="card-A1-000001.pdf"` {
			t.Fatalf("Content-Disposition %q", cd)
		}
		if !strings.HasPrefix(r.body, "%PDF-1.7\n") || !strings.HasSuffix(r.body, "%%EOF\n") {
			t.Fatalf("not a PDF: %.40q", r.body)
		}

		outsider := e.client()
		outsider.mustLogin("staff.b")
		for _, p := range []string{path, "/members/999999/card.pdf", "/members/" + itoa(pending) + "/card.pdf"} {
			c := outsider
			if !strings.Contains(p, itoa(member)) {
				c = staff // these have no card for anyone
			}
			if got := c.get(p); got.StatusCode != http.StatusNotFound || got.Header.Get("Content-Type") == "application/pdf" {
				t.Errorf("%s: %d %s, want 404", p, got.StatusCode, got.Header.Get("Content-Type"))
			}
		}

		text := pdfText(t, r.body)
		for _, want := range []string{"A1-000001", "王芳", "Wang Fang", "会员证", "Membership card", "Member no.", "Individual", "2026-11-20", "A1省科协", "A1 Association"} {
			if !strings.Contains(text, want) {
				t.Errorf("%q not in the PDF text:\n%s", want, text)
			}
		}
		staff.lang = "zh-Hans"
		if text := pdfText(t, staff.get(path).body); !strings.Contains(text, "会员编号") || !strings.Contains(text, "个人会员") {
			t.Errorf("a Chinese reader's card has no Chinese labels:\n%s", text)
		}

		// A name with a character of CJK Extension B (𠮷, U+20BB7) prints
		// in the font embedded for those, and extracts as written.
		rare := apply("吉𠮷", "")
		for _, d := range []membership.Decision{{Action: "review", Day: "2026-11-20"}, {Action: "approve", Day: "2026-11-20", Body: "council", Resolution: "R2"}} {
			if _, err := db.Membership.Decide(ctx, e.setup, rare, d); err != nil {
				t.Fatal(err)
			}
		}
		card := staff.get("/members/" + itoa(rare) + "/card.pdf")
		wantStatus(t, card, http.StatusOK)
		if !strings.Contains(card.body, "+HanaMinB") {
			t.Error("the card of 吉𠮷 does not embed HanaMinB")
		}
		if text := pdfText(t, card.body); !strings.Contains(text, "吉𠮷") {
			t.Errorf("吉𠮷 not in the PDF text:\n%s", text)
		}
	})
}

// pdfText extracts a PDF's text with poppler's pdftotext, after checking
// with pdffonts that the PDF carries every font it uses (embedded), so
// that it prints the same on a machine without Chinese fonts. A missing
// tool skips locally and fails under CI=true.
func pdfText(t *testing.T, doc string) string {
	t.Helper()
	file := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(file, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	fonts, err := exec.Command(popplerTool(t, "pdffonts"), file).CombinedOutput()
	if err != nil {
		t.Fatalf("pdffonts: %v\n%s", err, fonts)
	}
	rows := strings.Split(strings.TrimSpace(string(fonts)), "\n")
	if len(rows) < 3 {
		t.Errorf("a PDF with no fonts:\n%s", fonts)
	}
	for _, row := range rows[min(2, len(rows)):] {
		// name, type (two words), encoding, emb, sub, uni, object, generation
		if f := strings.Fields(row); len(f) != 9 || f[4] != "yes" || f[6] != "yes" {
			t.Errorf("a font not embedded, or without ToUnicode: %q", row)
		}
	}
	out, err := exec.Command(popplerTool(t, "pdftotext"), "-enc", "UTF-8", file, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v\n%s", err, out)
	}
	return string(out)
}

func popplerTool(t *testing.T, name string) string {
	t.Helper()
	tool, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true but %s is missing (apt-get install poppler-utils)", name)
		}
		t.Skipf("%s not installed; PDF not checked", name)
	}
	return tool
}

// TestCardPDFNames: names outside GB 2312 print (a rare character, Latin
// Extended), and a foreign member's card has English labels whatever the
// viewer's language, with the name once.
func TestCardPDFNames(t *testing.T) {
	db := dbtest.OpenSQLite(t, dbtest.Options{Now: cardDay})
	e := newEnv(t, db)
	e.user("staff.a", kexie.RoleStaff, e.a)
	card := func(rec kexie.MemberRecord) string {
		t.Helper()
		id, _, err := db.Membership.Apply(ctx, e.setup, e.a1.ID, rec, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range []membership.Decision{{Action: "review", Day: "2026-11-20"}, {Action: "approve", Day: "2026-11-20", Body: "council", Resolution: "R1"}} {
			if _, err := db.Membership.Decide(ctx, e.setup, id, d); err != nil {
				t.Fatal(err)
			}
		}
		return "/members/" + itoa(id) + "/card.pdf"
	}
	staff := e.client()
	staff.lang = "zh-Hans"
	staff.mustLogin("staff.a")

	rare := pdfText(t, staff.get(card(kexie.MemberRecord{Type: "individual", Name: "王䶮", NameEN: "Wang Yan", Gender: "male", Nationality: "CN"})).body)
	for _, want := range []string{"王䶮", "Wang Yan", "会员编号", "个人会员"} {
		if !strings.Contains(rare, want) {
			t.Errorf("%q not in the card:\n%s", want, rare)
		}
	}

	for _, rec := range []kexie.MemberRecord{
		{Type: "foreign", Name: "Nguyễn Thị Ánh", NameEN: "Nguyễn Thị Ánh", Gender: "female", Nationality: "VN"},
		{Type: "individual", Name: "Jürgen Müller", Gender: "male", Nationality: "DE"},
	} {
		name := rec.Name
		text := pdfText(t, staff.get(card(rec)).body)
		if n := strings.Count(text, name); n != 1 {
			t.Errorf("%q printed %d times:\n%s", name, n, text)
		}
		for _, want := range []string{"Member no.", "Issued", "Membership card", "会员证"} {
			if !strings.Contains(text, want) {
				t.Errorf("%s: %q not on the card:\n%s", name, want, text)
			}
		}
		if strings.Contains(text, "会员编号") {
			t.Errorf("%s: Chinese labels on a foreign member's card:\n%s", name, text)
		}
	}
}

// TestCardPublicURL: with a public address configured, the card's
// verification link is under it, whatever host the request came to.
func TestCardPublicURL(t *testing.T) {
	db := dbtest.OpenSQLite(t, dbtest.Options{Now: cardDay})
	cfg := web.DefaultConfig()
	cfg.PublicURL = "https://kexie.example.org"
	e := newEnvWith(t, db, cfg)
	e.user("staff.a", kexie.RoleStaff, e.a)
	id, _, err := db.Membership.Apply(ctx, e.setup, e.a1.ID, kexie.MemberRecord{Type: "individual", Name: "王芳", Gender: "female"}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []membership.Decision{{Action: "review", Day: "2026-11-20"}, {Action: "approve", Day: "2026-11-20", Body: "council", Resolution: "R1"}} {
		if _, err := db.Membership.Decide(ctx, e.setup, id, d); err != nil {
			t.Fatal(err)
		}
	}
	staff := e.client()
	staff.mustLogin("staff.a")
	page := staff.get("/members/" + itoa(id) + "/card")
	wantStatus(t, page, http.StatusOK)
	if !strings.Contains(page.body, `href="https://kexie.example.org/verify/`) {
		t.Fatalf("card page link: %.1500s", page.body)
	}
}
