package web_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/membership"
	"github.com/kexie/kexie/internal/seal"
	"github.com/kexie/kexie/internal/sqldb"
	"github.com/kexie/kexie/internal/sqldb/dbtest"
	"github.com/kexie/kexie/internal/web"
)

// apiDoc calls the API and checks the request and the response against
// the OpenAPI document, as TestAPIResponsesMatchDocument does.
type apiDoc func(c *client, method, path, bearer string, body any) resp

func newAPIDoc(t *testing.T, e *env) apiDoc {
	_, router := loadDoc(t, e)
	return func(c *client, method, path, bearer string, body any) resp {
		t.Helper()
		var raw []byte
		if body != nil {
			raw = mustJSON(body)
		}
		r := c.api(method, path, bearer, body)
		req := r.Request.Clone(ctx)
		req.Body = io.NopCloser(bytes.NewReader(raw))
		route, params, err := router.FindRoute(req)
		if err != nil {
			t.Fatalf("%s %s: not in the document: %v", method, path, err)
		}
		opts := &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, IncludeResponseStatus: true}
		in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: opts}
		if len(raw) > 0 && r.StatusCode < 400 {
			if err := openapi3filter.ValidateRequest(ctx, in); err != nil {
				t.Errorf("%s %s: request does not match the document: %v", method, path, err)
			}
		}
		out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: r.StatusCode, Header: r.Header, Options: opts}
		out.SetBodyBytes([]byte(r.body))
		if err := openapi3filter.ValidateResponse(ctx, out); err != nil {
			t.Errorf("%s %s → %d: response does not match the document: %v\n%s", method, path, r.StatusCode, err, r.body)
		}
		return r
	}
}

// testSealer is the data key of test servers that seal (ID numbers,
// ballots).
var testSealer = func() *seal.Sealer {
	sl, err := seal.New([]byte("0123456789abcdef0123456789abcdef"))
	if err != nil {
		panic(err)
	}
	return sl
}()

func sealedEnv(t *testing.T, db *dbtest.DB) *env {
	cfg := web.DefaultConfig()
	cfg.Sealer = testSealer
	return newEnvWith(t, db, cfg)
}

func (e *env) bearer(u kexie.User) string {
	e.t.Helper()
	_, secret, err := e.db.Access.CreateAPIToken(ctx, e.setup, u.ID, "script", nil)
	if err != nil {
		e.t.Fatal(err)
	}
	return secret
}

type apiMember struct {
	ID           int64
	MemberNo     string `json:"member_no"`
	Status       string
	Stage        string
	Name         string
	ExemptUntil  string `json:"exempt_until"`
	LastDuesPaid string `json:"last_dues_paid"`
	LastActivity string `json:"last_activity"`
}

// TestMembershipLifecycleAPI: public application → review → approval by
// the council citing the resolution → card → public verification (valid)
// → lapse, not on the exact N-year day but on the next → verification says
// not valid → reinstatement → withdrawal, all through the JSON API.
func TestMembershipLifecycleAPI(t *testing.T) {
	// The store's clock: 2026-11-20 (12:00 in Beijing), the day the
	// application is sent and decided, until the lapse is applied two years
	// on (a lapse, a payment or a status change dated on a day still to
	// come is refused).
	var mu sync.Mutex
	var shift time.Duration
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return time.Now().Add(shift) }
	dbtest.EachWith(t, dbtest.Options{Now: clock}, func(t *testing.T, db *dbtest.DB) {
		mu.Lock()
		shift = time.Date(2026, 11, 20, 4, 0, 0, 0, time.UTC).Sub(time.Now())
		mu.Unlock()
		e := sealedEnv(t, db)
		call := newAPIDoc(t, e)
		staff := e.bearer(e.user("staff.a", kexie.RoleStaff, e.a))
		s := e.client()
		s.lang = "en"
		public := e.client() // a script with no account: no cookies, no form token
		public.lang = "en"

		app := map[string]any{"type": "individual", "name": "王芳", "gender": "female", "id_number": "11010519491231002X", "phone": "13812345678"}
		r := call(public, "POST", "/api/v1/orgs/A1/applications", "", map[string]any{"type": "individual", "name": "王芳", "gender": "male", "id_number": "11010519491231002X"})
		wantStatus(t, r, http.StatusBadRequest)
		if !strings.Contains(r.body, "17th digit") {
			t.Fatalf("bad application: %s", r.body)
		}
		wantStatus(t, public.api("POST", "/api/v1/orgs/A1/applications", "", json_(`{"type": "individual", "name": "王芳", "colour": "red"}`)), http.StatusBadRequest)
		wantStatus(t, call(public, "POST", "/api/v1/orgs/NOPE/applications", "", app), http.StatusNotFound)
		r = call(public, "POST", "/api/v1/orgs/A1/applications", "", app)
		wantStatus(t, r, http.StatusCreated)
		var created struct{ Reference, Stage string }
		r.json(t, &created)
		if !strings.HasPrefix(created.Reference, "APP-") || created.Stage != "submitted" || strings.Contains(r.body, `"id"`) {
			t.Fatalf("application answer: %s", r.body)
		}
		// The same document again: the public is not told it is on file
		// (that would answer "is this ID number a member?" for anyone);
		// it gets a reference like any other, nothing is queued, and the
		// duplicate is in the audit log for staff. Staff entering it are
		// told.
		r = call(public, "POST", "/api/v1/orgs/A1/applications", "", app)
		wantStatus(t, r, http.StatusCreated)
		var again struct{ Reference, Stage string }
		r.json(t, &again)
		if !strings.HasPrefix(again.Reference, "APP-") || again.Reference == created.Reference || again.Stage != "submitted" {
			t.Fatalf("duplicate application answer: %s", r.body)
		}
		sys := e.user("sys", kexie.RoleSysAdmin, e.root)
		flagged, err := db.Audit(context.Background(), dbtest.As(sys.ID), sqldb.AuditFilter{Action: "member.apply_duplicate"})
		if err != nil || len(flagged) != 1 || !strings.Contains(flagged[0].After, created.Reference) || !strings.Contains(flagged[0].After, again.Reference) {
			t.Fatalf("duplicate not flagged for staff: %v %+v", err, flagged)
		}
		wantStatus(t, call(s, "POST", "/api/v1/orgs/A1/applications", staff, app), http.StatusConflict)

		// The queue, by stage.
		var q struct{ Applications []apiMember }
		call(s, "GET", "/api/v1/applications", staff, nil).json(t, &q)
		if len(q.Applications) != 1 || q.Applications[0].MemberNo != created.Reference || q.Applications[0].Stage != "submitted" || q.Applications[0].Status != "applicant" {
			t.Fatalf("queue: %+v", q)
		}
		id := itoa(q.Applications[0].ID)
		wantStatus(t, call(s, "GET", "/api/v1/applications?stage=nonsense", staff, nil), http.StatusBadRequest)
		call(s, "GET", "/api/v1/applications?stage=reviewed", staff, nil).json(t, &q)
		if len(q.Applications) != 0 {
			t.Fatalf("reviewed before any review: %+v", q)
		}

		decide := func(body map[string]any) resp {
			return call(s, "POST", "/api/v1/applications/"+id+"/decide", staff, body)
		}
		wantStatus(t, decide(map[string]any{"action": "approve", "date": "2026-11-20", "body": "council", "resolution": "R1"}), http.StatusConflict)
		var a apiMember
		r = decide(map[string]any{"action": "review", "date": "2026-11-20", "note": "材料齐全"})
		wantStatus(t, r, http.StatusOK)
		if r.json(t, &a); a.Stage != "reviewed" {
			t.Fatalf("after review: %+v", a)
		}
		wantStatus(t, decide(map[string]any{"action": "approve", "date": "2026-11-20", "body": "council"}), http.StatusBadRequest)
		wantStatus(t, s.api("POST", "/api/v1/applications/"+id+"/decide", staff, map[string]any{"action": "approve", "date": "2026-11-20", "body": "board", "resolution": "R1"}), http.StatusBadRequest)
		r = decide(map[string]any{"action": "approve", "date": "2026-11-20", "body": "council", "resolution": "第九届理事会第3次会议决议"})
		wantStatus(t, r, http.StatusOK)
		if r.json(t, &a); a.Stage != "approved" || a.Status != "active" || a.MemberNo != "A1-000001" {
			t.Fatalf("after approval: %+v", a)
		}
		call(s, "GET", "/api/v1/applications", staff, nil).json(t, &q)
		if len(q.Applications) != 0 {
			t.Fatal("an approved application is still open")
		}
		call(s, "GET", "/api/v1/applications?stage=approved", staff, nil).json(t, &q)
		if len(q.Applications) != 1 || q.Applications[0].MemberNo != "A1-000001" {
			t.Fatalf("approved: %+v", q)
		}

		// The card, and its public verification.
		r = call(s, "GET", "/api/v1/members/"+id+"/card", staff, nil)
		wantStatus(t, r, http.StatusOK)
		var card struct {
			MemberNo  string `json:"member_no"`
			Valid     bool
			VerifyURL string `json:"verify_url"`
		}
		r.json(t, &card)
		i := strings.Index(card.VerifyURL, "/verify/")
		if card.MemberNo != "A1-000001" || !card.Valid || i < 0 {
			t.Fatalf("card: %s", r.body)
		}
		token := card.VerifyURL[i+len("/verify/"):]
		wantStatus(t, public.get("/verify/"+token), http.StatusOK) // the page the QR code opens
		verify := func() bool {
			t.Helper()
			r := call(public, "GET", "/api/v1/verify/"+token, "", nil)
			wantStatus(t, r, http.StatusOK)
			var v struct {
				Name, Type string
				OrgNameZH  string `json:"org_name_zh"`
				Valid      bool
			}
			r.json(t, &v)
			if v.Name != "王芳" || v.OrgNameZH != "A1省科协" || v.Type != "individual" {
				t.Fatalf("verification: %s", r.body)
			}
			for _, secret := range []string{"1949", "138", "A1-000001", "2026"} {
				if strings.Contains(r.body, secret) {
					t.Fatalf("verification shows %q: %s", secret, r.body)
				}
			}
			return v.Valid
		}
		if !verify() {
			t.Fatal("a new member verifies as not valid")
		}
		wantStatus(t, call(public, "GET", "/api/v1/verify/not-a-real-token-at-all", "", nil), http.StatusNotFound)

		// Joined 2026-11-20, nothing since, N = 2: exactly two years later is
		// not a lapse; one day more is.
		var l struct {
			AsOf   string `json:"as_of"`
			Lapses []struct {
				MemberID int64  `json:"member_id"`
				MemberNo string `json:"member_no"`
				OrgCode  string `json:"org_code"`
				Reason   string
			}
			Applied int
		}
		call(s, "GET", "/api/v1/lapse?as_of=2028-11-20", staff, nil).json(t, &l)
		if len(l.Lapses) != 0 {
			t.Fatalf("lapses on the exact N-year day: %+v", l)
		}
		call(s, "GET", "/api/v1/lapse?as_of=2028-11-21", staff, nil).json(t, &l)
		if len(l.Lapses) != 1 || l.Lapses[0].MemberNo != "A1-000001" || l.Lapses[0].OrgCode != "A1" || l.Lapses[0].Reason != kexie.LapseBoth || l.AsOf != "2028-11-21" {
			t.Fatalf("lapses one day later: %+v", l)
		}
		wantStatus(t, call(s, "GET", "/api/v1/lapse?as_of=2028-13-01", staff, nil), http.StatusBadRequest)
		wantStatus(t, s.api("POST", "/api/v1/lapse", staff, map[string]any{}), http.StatusBadRequest)
		if kexie.Today(db.Now()).MidnightUTC().Before(time.Date(2028, 11, 21, 0, 0, 0, 0, time.UTC)) {
			wantStatus(t, s.api("POST", "/api/v1/lapse", staff, map[string]any{"as_of": "2028-11-21"}), http.StatusBadRequest)
		}
		mu.Lock()
		shift = time.Date(2028, 11, 22, 4, 0, 0, 0, time.UTC).Sub(time.Now())
		mu.Unlock()
		r = call(s, "POST", "/api/v1/lapse", staff, map[string]any{"as_of": "2028-11-21"})
		wantStatus(t, r, http.StatusOK)
		if r.json(t, &l); l.Applied != 1 || len(l.Lapses) != 1 {
			t.Fatalf("apply lapses: %s", r.body)
		}
		if verify() {
			t.Fatal("a lapsed membership verifies as valid")
		}

		// Reinstate, then the other records, then withdraw for good.
		member := func(path string, body map[string]any, want int) apiMember {
			t.Helper()
			r := call(s, "POST", "/api/v1/members/"+id+path, staff, body)
			wantStatus(t, r, want)
			var m apiMember
			if want < 400 {
				r.json(t, &m)
			}
			return m
		}
		if m := member("/status", map[string]any{"status": "active", "date": "2028-11-22", "reason": "补缴会费"}, http.StatusOK); m.Status != "active" {
			t.Fatalf("reinstated: %+v", m)
		}
		if !verify() {
			t.Fatal("a reinstated membership verifies as not valid")
		}
		if m := member("/exemption", map[string]any{"until": "2030-12-31", "reason": "援外"}, http.StatusOK); m.ExemptUntil != "2030-12-31" {
			t.Fatalf("exemption: %+v", m)
		}
		member("/exemption", map[string]any{"until": "2030-12-31"}, http.StatusBadRequest)
		if m := member("/dues", map[string]any{"date": "2028-11-22", "amount": "50.00", "period": "2028", "receipt": "R-1"}, http.StatusCreated); m.LastDuesPaid != "2028-11-22" {
			t.Fatalf("dues: %+v", m)
		}
		wantStatus(t, s.api("POST", "/api/v1/members/"+id+"/dues", staff, map[string]any{"date": "2028-11-22", "amount": "-1"}), http.StatusBadRequest)
		if m := member("/participation", map[string]any{"date": "2028-11-22", "what": "学术年会"}, http.StatusCreated); m.LastActivity != "2028-11-22" {
			t.Fatalf("participation: %+v", m)
		}
		member("/status", map[string]any{"status": "expelled", "date": "2028-11-22", "reason": "违反章程"}, http.StatusBadRequest)
		member("/status", map[string]any{"status": "withdrawn", "date": "2028-11-22"}, http.StatusBadRequest)
		if m := member("/status", map[string]any{"status": "withdrawn", "date": "2028-11-22", "reason": "书面申请退会", "card_returned": true}, http.StatusOK); m.Status != "withdrawn" {
			t.Fatalf("withdrawn: %+v", m)
		}
		member("/status", map[string]any{"status": "active", "date": "2028-11-22"}, http.StatusConflict)
		if verify() {
			t.Fatal("a withdrawn membership verifies as valid")
		}
		hist, err := e.db.Membership.MemberHistory(ctx, mustID(t, id))
		if err != nil {
			t.Fatal(err)
		}
		if last := hist[len(hist)-1]; last.Status != "withdrawn" || !strings.HasPrefix(last.Reason, kexie.EventReason("event.withdrawn_card")) || last.Actor == "" {
			t.Fatalf("withdrawal event %+v", last)
		}
		var page struct {
			Entries []struct{ Action, Actor string }
		}
		auditor := e.bearer(e.user("auditor.root", kexie.RoleAuditor, e.root))
		call(s, "GET", "/api/v1/audit?action=member.&limit=500", auditor, nil).json(t, &page)
		seen := map[string]bool{}
		for _, en := range page.Entries {
			seen[en.Action] = seen[en.Action] || en.Actor == "staff.a"
		}
		for _, want := range []string{"member.application.review", "member.application.approve", "member.lapse", "member.active", "member.withdrawn", "member.dues"} {
			if !seen[want] {
				t.Errorf("no %s in the audit log", want)
			}
		}
		if n, err := e.db.VerifyAudit(ctx, nil); err != nil || n == 0 {
			t.Fatal(n, err)
		}
	})
}

// TestLifecycleAPIPermissions: the same permissions as the pages — no
// credentials: 401; another subtree: 404, as if the member did not exist;
// a read-only role: 403 on every change; lapse applies only where the
// caller may write.
func TestLifecycleAPIPermissions(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		e := sealedEnv(t, db)
		call := newAPIDoc(t, e)
		_, err := e.db.Membership.ImportMembers(ctx, e.setup, membership.MemberRecords([]kexie.MemberRecord{
			{MemberNo: "A-1", OrgCode: "A", Type: "individual", Name: "王芳", Status: "active", Joined: "2020-01-01"},
			{MemberNo: "B-1", OrgCode: "B", Type: "individual", Name: "李娜", Status: "active", Joined: "2020-01-01"},
		}, nil), membership.MemberImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		anon := e.client()
		wantStatus(t, call(anon, "POST", "/api/v1/orgs/A1/applications", "", map[string]any{"type": "student", "name": "赵磊"}), http.StatusCreated)
		staffA := e.bearer(e.user("staff.a", kexie.RoleStaff, e.a))
		auditor := e.bearer(e.user("auditor.a", kexie.RoleAuditor, e.a))
		staffB := e.bearer(e.user("staff.b", kexie.RoleStaff, e.b))
		c := e.client()
		var q struct{ Applications []apiMember }
		call(c, "GET", "/api/v1/applications", staffA, nil).json(t, &q)
		if len(q.Applications) != 1 {
			t.Fatalf("staff of A: queue %+v", q)
		}
		app := itoa(q.Applications[0].ID)
		a1, _ := e.db.Membership.MemberByOrgNo(ctx, "A", "A-1")
		mA := itoa(a1.ID)

		reads := []string{"/api/v1/applications", "/api/v1/members/" + mA + "/card", "/api/v1/lapse?as_of=2026-11-20"}
		writes := []struct {
			path string
			body map[string]any
		}{
			{"/api/v1/applications/" + app + "/decide", map[string]any{"action": "review", "date": "2026-11-19"}},
			{"/api/v1/members/" + mA + "/status", map[string]any{"status": "deceased", "date": "2026-11-19", "reason": "x"}},
			{"/api/v1/members/" + mA + "/exemption", map[string]any{"until": ""}},
			{"/api/v1/members/" + mA + "/dues", map[string]any{"date": "2026-11-19", "amount": "50"}},
			{"/api/v1/members/" + mA + "/participation", map[string]any{"date": "2026-11-19", "what": "年会"}},
			{"/api/v1/lapse", map[string]any{"as_of": "2026-11-20"}},
		}
		// No credentials.
		for _, p := range reads {
			wantStatus(t, call(anon, "GET", p, "", nil), http.StatusUnauthorized)
		}
		for _, w := range writes {
			wantStatus(t, call(anon, "POST", w.path, "", w.body), http.StatusUnauthorized)
		}
		// A read-only role: reads work, every change is forbidden.
		for _, p := range reads {
			if strings.Contains(p, "/card") {
				continue // an imported member has no card
			}
			wantStatus(t, call(c, "GET", p, auditor, nil), http.StatusOK)
		}
		wantStatus(t, call(c, "GET", "/api/v1/members/"+mA+"/card", auditor, nil), http.StatusNotFound)
		for _, w := range writes {
			wantStatus(t, call(c, "POST", w.path, auditor, w.body), http.StatusForbidden)
		}
		// Staff of another subtree: A's application and member do not exist.
		call(c, "GET", "/api/v1/applications", staffB, nil).json(t, &q)
		if len(q.Applications) != 0 {
			t.Fatalf("staff of B see A1's application: %+v", q)
		}
		for _, w := range writes[:len(writes)-1] {
			wantStatus(t, call(c, "POST", w.path, staffB, w.body), http.StatusNotFound)
		}
		wantStatus(t, call(c, "GET", "/api/v1/members/"+mA+"/card", staffB, nil), http.StatusNotFound)
		var l struct {
			Lapses []struct {
				MemberNo string `json:"member_no"`
			}
			Applied int
		}
		call(c, "GET", "/api/v1/lapse?as_of=2026-11-20", staffB, nil).json(t, &l)
		if len(l.Lapses) != 1 || l.Lapses[0].MemberNo != "B-1" {
			t.Fatalf("staff of B: lapse list %+v", l)
		}
		r := call(c, "POST", "/api/v1/lapse", staffB, map[string]any{"as_of": "2026-11-20"})
		wantStatus(t, r, http.StatusOK)
		if r.json(t, &l); l.Applied != 1 || l.Lapses[0].MemberNo != "B-1" {
			t.Fatalf("staff of B applied %+v", l)
		}
		if m, _ := e.db.Membership.MemberByID(ctx, a1.ID); m.Record.Status != "active" {
			t.Fatal("staff of B lapsed A's member")
		}
		// A signed-in browser still needs the form token, even on the
		// public application route.
		br := e.client()
		br.mustLogin("staff.a")
		br.csrf = ""
		wantStatus(t, call(br, "POST", "/api/v1/orgs/A1/applications", "", map[string]any{"type": "student", "name": "钱七"}), http.StatusForbidden)
	})
}
