package web_test

import (
	"bytes"
	"image/png"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/seal"
	"github.com/kexie/kexie/internal/sqldb/dbtest"
	"github.com/kexie/kexie/internal/web"
)

// TestMembershipLifecycle: apply (public form) → recommend → review →
// approve → card with QR → public verification → lapse → verification
// says invalid; a foreign member is reported to the national association.
func TestMembershipLifecycle(t *testing.T) {
	// The store's clock: 2026-11-20 (12:00 in Beijing), the day the
	// applications are sent and decided (a step is dated neither in the
	// future nor before the step it follows); moved two years on only to
	// apply the lapse (a lapse as of a day still to come is refused).
	var mu sync.Mutex
	base := time.Date(2026, 11, 20, 4, 0, 0, 0, time.UTC).Sub(time.Now())
	shift := base
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return time.Now().Add(shift) }
	setShift := func(d time.Duration) { mu.Lock(); shift = d; mu.Unlock() }
	dbtest.EachWith(t, dbtest.Options{Now: clock}, func(t *testing.T, db *dbtest.DB) {
		sl, _ := seal.New([]byte("0123456789abcdef0123456789abcdef"))
		cfg := web.DefaultConfig()
		cfg.Sealer = sl
		e := newEnvWith(t, db, cfg)
		e.user("staff.a", kexie.RoleStaff, e.a)
		e.user("national.staff", kexie.RoleStaff, e.root)

		public := e.client()
		public.lang = "en"
		public.get("/apply/A1")
		form := url.Values{"type": {"individual"}, "name": {"王芳"}, "gender": {"female"}, "id_number": {"11010519491231002X"}, "phone": {"13812345678"}}
		bad := url.Values{"type": {"individual"}, "name": {"王芳"}, "gender": {"male"}, "id_number": {"11010519491231002X"}}
		r := public.post("/apply/A1", bad)
		wantStatus(t, r, http.StatusBadRequest)
		if !strings.Contains(r.body, "17th digit") || !strings.Contains(r.body, `value="11010519491231002X"`) {
			t.Fatal("bad application: no clear error, or the form lost its input")
		}
		r = public.post("/apply/A1", form)
		wantStatus(t, r, http.StatusCreated)
		ref := regexp.MustCompile(`id="apply-reference">([^<]+)<`).FindStringSubmatch(r.body)
		if ref == nil {
			t.Fatalf("no reference: %.500s", r.body)
		}
		// The same document again: answered like any application (the
		// public may not learn whether an ID number is on file), not queued.
		again := public.post("/apply/A1", form)
		wantStatus(t, again, http.StatusCreated)
		if ref2 := regexp.MustCompile(`id="apply-reference">([^<]+)<`).FindStringSubmatch(again.body); ref2 == nil || ref2[1] == ref[1] {
			t.Fatalf("duplicate application: %.500s", again.body)
		}
		foreign := url.Values{"type": {"foreign"}, "name": {"Marie Curie"}, "id_type": {"passport"}, "id_number": {"P1234567"}, "nationality": {"FR"}}
		wantStatus(t, public.post("/apply/A1", foreign), http.StatusCreated)

		staff := e.client()
		staff.lang = "en"
		staff.mustLogin("staff.a")
		q := staff.get("/applications")
		if !strings.Contains(q.body, ref[1]) || !strings.Contains(q.body, "Marie Curie") {
			t.Fatal("applications not in the queue")
		}
		var list struct {
			Members []struct {
				ID   int64
				Name string
			}
		}
		staff.api("GET", "/api/v1/members?status=applicant", "", nil).json(t, &list)
		ids := map[string]string{}
		for _, m := range list.Members {
			ids[m.Name] = itoa(m.ID)
		}
		wf, mc := ids["王芳"], ids["Marie Curie"]
		decide := func(id string, v url.Values) resp {
			staff.get("/applications")
			return staff.post("/applications/"+id+"/decide", v)
		}
		// Approval before review is refused; the order is kept.
		wantStatus(t, decide(wf, url.Values{"action": {"approve"}, "date": {"2026-11-20"}, "body": {"council"}, "resolution": {"R1"}}), http.StatusConflict)
		wantStatus(t, decide(wf, url.Values{"action": {"recommend"}, "date": {"2026-11-20"}, "note": {"学会工作部"}}), http.StatusSeeOther)
		wantStatus(t, decide(wf, url.Values{"action": {"review"}, "date": {"2026-11-20"}, "note": {"材料齐全"}}), http.StatusSeeOther)
		wantStatus(t, decide(wf, url.Values{"action": {"approve"}, "date": {"2026-11-20"}, "body": {"council"}}), http.StatusBadRequest)
		r = decide(wf, url.Values{"action": {"approve"}, "date": {"2026-11-20"}, "body": {"standing_council"}, "resolution": {"第九届常务理事会第2次会议"}})
		wantStatus(t, r, http.StatusSeeOther)
		if loc := r.Header.Get("Location"); loc != "/members/"+wf+"/card" {
			t.Fatalf("after approval: %q", loc)
		}
		card := staff.get("/members/" + wf + "/card")
		if !strings.Contains(card.body, "A1-000001") || !strings.Contains(card.body, "王芳") {
			t.Fatalf("card: %.600s", card.body)
		}
		img := staff.get("/members/" + wf + "/card.png")
		if _, err := png.Decode(bytes.NewReader([]byte(img.body))); err != nil || img.Header.Get("Content-Type") != "image/png" {
			t.Fatalf("QR code is not a PNG: %v", err)
		}
		verifyURL := regexp.MustCompile(`href="(http://[^"]+/verify/[^"]+)"`).FindStringSubmatch(card.body)
		if verifyURL == nil {
			t.Fatal("no verification link on the card")
		}
		path := verifyURL[1][strings.Index(verifyURL[1], "/verify/"):]
		v := e.client()
		v.lang = "en"
		page := v.get(path)
		wantStatus(t, page, http.StatusOK)
		if !strings.Contains(page.body, "valid today") || !strings.Contains(page.body, "王芳") || strings.Contains(page.body, "1949") || strings.Contains(page.body, "138") {
			t.Fatalf("verification page: %.800s", page.body)
		}
		wantStatus(t, v.get("/verify/not-a-real-token-at-all"), http.StatusNotFound)
		// Lapse: joined 2026-11-20, nothing since: lapses after two years.
		m, _ := e.db.Membership.MemberByID(ctx, mustID(t, wf))
		l, _ := e.db.Membership.Lapses(ctx, dbtest.System, mustDay(t, "2028-11-21"))
		if len(l) != 1 || l[0].MemberNo != m.Record.MemberNo {
			t.Fatalf("lapses %+v", l)
		}
		if err := e.db.Membership.ApplyLapses(ctx, e.setup, mustDay(t, "2028-11-21"), l); kexie.ErrorCode(err) != kexie.CodeInvalid && !kexie.Today(db.Now()).MidnightUTC().After(mustDay(t, "2028-11-20")) {
			t.Fatalf("a lapse as of a day to come: %v", err)
		}
		setShift(time.Date(2028, 11, 22, 4, 0, 0, 0, time.UTC).Sub(time.Now()))
		err := e.db.Membership.ApplyLapses(ctx, e.setup, mustDay(t, "2028-11-21"), l)
		setShift(base)
		if err != nil {
			t.Fatal(err)
		}
		if b := v.get(path).body; !strings.Contains(b, "not valid today") {
			t.Fatal("a lapsed membership verifies as valid")
		}
		// The foreign member, approved, is filed with the national association.
		decide(mc, url.Values{"action": {"review"}, "date": {"2026-11-20"}})
		wantStatus(t, decide(mc, url.Values{"action": {"approve"}, "date": {"2026-11-20"}, "body": {"council"}, "resolution": {"R2"}}), http.StatusSeeOther)
		nat := e.client()
		nat.lang = "en"
		nat.mustLogin("national.staff")
		inbox := nat.get("/filings")
		if !strings.Contains(inbox.body, "Marie Curie") || !strings.Contains(inbox.body, "FR") {
			t.Fatal("foreign member not reported to the national association")
		}
		if !strings.Contains(staff.get("/filings").body, "Marie Curie") {
			// staff of A are below the root: they cannot see the root's inbox
		} else {
			t.Fatal("staff of A see the national association's inbox")
		}
	})
}

func mustID(t *testing.T, s string) int64 {
	t.Helper()
	var n int64
	for _, c := range s {
		n = n*10 + int64(c-'0')
	}
	return n
}

func mustDay(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := kexie.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
