package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/seal"
	"github.com/kexie/kexie/internal/sqldb/dbtest"
	"github.com/kexie/kexie/internal/web"
)

// A member import is confirmed from its preview without choosing the file
// again: the server keeps the previewed file sealed under the data key,
// for the user who uploaded it, once, for 30 minutes.
func TestImportMembersKeptPreview(t *testing.T) {
	var later atomic.Int64 // nanoseconds added to the clock
	start := time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)
	now := func() time.Time { return start.Add(time.Duration(later.Load())) }
	dbtest.EachWith(t, dbtest.Options{Now: now}, func(t *testing.T, db *dbtest.DB) {
		later.Store(0)
		sl, _ := seal.New([]byte("0123456789abcdef0123456789abcdef"))
		cfg := web.DefaultConfig()
		cfg.Sealer = sl
		e := newEnvWith(t, db, cfg)
		e.user("staff.a", kexie.RoleStaff, e.a)
		e.user("staff.a2", kexie.RoleStaff, e.a) // may write where staff.a may
		c := e.client()
		c.lang = "en"
		c.mustLogin("staff.a")
		other := e.client()
		other.lang = "en"
		other.mustLogin("staff.a2")
		other.get("/import/members")

		file := memberImportFile
		preview := func() string {
			t.Helper()
			c.get("/import/members")
			r := uploadMembers(c, "members.csv", file, true, "")
			wantStatus(t, r, http.StatusOK)
			if !strings.Contains(r.body, `id="confirm-form"`) || strings.Count(r.body, `type="file"`) != 1 {
				t.Fatalf("the confirmation asks for the file again: %s", r.body)
			}
			return hidden(t, r.body, "stash")
		}
		stash := preview()

		// What the server keeps holds no identity number, name or file name
		// in clear, nor the token that names it.
		rows, err := db.RawQueryForTest(ctx, `SELECT token_hash, digest, file_name, content FROM member_import_stash`)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for rows.Next() {
			var tok, dig, name, content string
			if err := rows.Scan(&tok, &dig, &name, &content); err != nil {
				t.Fatal(err)
			}
			n++
			all := tok + dig + name + content
			for _, clear := range []string{"11010519491231002X", "members.csv", stash, "王芳"} {
				if strings.Contains(all, clear) {
					t.Errorf("the kept file holds %q in clear", clear)
				}
			}
		}
		rows.Close()
		if n != 1 {
			t.Fatalf("%d files kept, want 1", n)
		}

		// Another user cannot confirm it, even one who may import the same
		// rows; nothing is written and the owner still can.
		r := other.post("/import/members", url.Values{"stash": {stash}})
		wantStatus(t, r, http.StatusBadRequest)
		if !strings.Contains(r.body, "already imported, or is not yours") || len(exported(t, e, nil)) != 0 {
			t.Fatalf("another user's confirmation: %s", r.body)
		}

		// The owner confirms: the rows previewed are imported.
		r = c.post("/import/members", url.Values{"stash": {stash}})
		wantStatus(t, r, http.StatusOK)
		if !strings.Contains(r.body, "members: 4 read, 2 created, 0 updated, 0 unchanged, 2 rejected, 0 warnings") || !strings.Contains(r.body, "members.csv") {
			t.Fatalf("confirm: %s", r.body)
		}
		if got := strings.Join(exported(t, e, sl), "; "); got != "A/A-1 11010519491231002X; A1/A1-1 " {
			t.Fatalf("stored: %s", got)
		}

		// Used once: a second confirmation is refused, and nothing is kept.
		r = c.post("/import/members", url.Values{"stash": {stash}})
		wantStatus(t, r, http.StatusBadRequest)
		if !strings.Contains(r.body, "already imported") {
			t.Fatalf("second confirmation: %s", r.body)
		}
		if n := countRows(t, db, "member_import_stash"); n != 0 {
			t.Fatalf("%d files still kept after the confirmation", n)
		}

		// Expired after 30 minutes: refused with a clear message, removed.
		file += "A-3,A,individual,张伟,,,2020-01-01,active\n"
		stash = preview()
		later.Store(int64(20 * time.Minute))
		c.get("/import/members") // the session stays alive; the preview does not
		later.Store(int64(31 * time.Minute))
		r = c.post("/import/members", url.Values{"stash": {stash}})
		wantStatus(t, r, http.StatusBadRequest)
		if !strings.Contains(r.body, "This preview has expired (a preview is kept for 30 minutes)") {
			t.Fatalf("expired confirmation: %s", r.body)
		}
		if n := countRows(t, db, "member_import_stash"); n != 0 {
			t.Fatalf("%d files still kept after expiring", n)
		}
		// Expired files go when anyone previews.
		preview()
		later.Store(int64(50 * time.Minute))
		c.get("/import/members")
		later.Store(int64(62 * time.Minute))
		preview()
		if n := countRows(t, db, "member_import_stash"); n != 1 {
			t.Fatalf("%d files kept, want the last preview only", n)
		}
	})
}

// Without a data key nothing is kept: the confirmation asks for the file
// again, and takes only the file previewed.
func TestImportMembersConfirmWithoutDataKey(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		e := newEnv(t, db)
		e.user("staff.a", kexie.RoleStaff, e.a)
		c := e.client()
		c.lang = "en"
		c.mustLogin("staff.a")
		c.get("/import/members")
		noIDs := strings.Replace(memberImportFile, "resident_id,11010519491231002X", ",", 1)
		r := uploadMembers(c, "members.csv", noIDs, true, "")
		wantStatus(t, r, http.StatusOK)
		if strings.Contains(r.body, `name="stash"`) || strings.Count(r.body, `type="file"`) != 2 {
			t.Fatalf("without a data key the confirmation should ask for the file: %s", r.body)
		}
		digest := hidden(t, r.body, "previewed")
		r = uploadMembers(c, "members.csv", strings.Replace(noIDs, "曾小明", "曾大明", 1), false, digest)
		wantStatus(t, r, http.StatusBadRequest)
		if !strings.Contains(r.body, "not the file that was previewed") || len(exported(t, e, nil)) != 0 {
			t.Fatalf("a file other than the previewed one was imported: %s", r.body)
		}
		r = uploadMembers(c, "members.csv", noIDs, false, digest)
		if !strings.Contains(r.body, "members: 4 read, 2 created, 0 updated, 0 unchanged, 2 rejected, 0 warnings") {
			t.Fatalf("confirm: %s", r.body)
		}
		if n := countRows(t, db, "member_import_stash"); n != 0 {
			t.Fatalf("%d files kept without a data key", n)
		}
	})
}

func countRows(t *testing.T, db *dbtest.DB, table string) int {
	t.Helper()
	rows, err := db.RawQueryForTest(ctx, `SELECT COUNT(*) FROM `+table)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	if rows.Next() {
		_ = rows.Scan(&n)
	}
	return n
}
