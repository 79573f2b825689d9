package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/kexie/kexie/internal/i18n"
	"github.com/kexie/kexie/internal/kexie"
)

var errCrossOrigin = kexie.Errorf(kexie.CodeForbidden, "err.cross_origin", "cross-origin request refused")

var templateFuncs = template.FuncMap{
	"eventReason": eventReason,
	// count makes a message argument that shows with its plural: {{.L.T
	// "key" (count "count.seats" .Seats)}} reads "1 seat", "3 seats".
	"count": kexie.CountOf,
	// pager hands the "pager" template (layout.html) a list's Pager and
	// the reader's catalog.
	"pager": func(l *i18n.Localizer, p Pager) any {
		return struct {
			L *i18n.Localizer
			P Pager
		}{l, p}
	},
	// label shows a code by its name in the catalog (prefix+code), or the
	// code itself where the catalog has none.
	"label": func(l *i18n.Localizer, prefix, code string) string {
		if l.Has(prefix + code) {
			return l.T(prefix + code)
		}
		return code
	},
	// actor shows who did something: a user by their username, the system
	// (the command line, the demo, jobs) by its name in the reader's language.
	"actor": func(l *i18n.Localizer, username string) string {
		if username == "system" {
			return l.T("actor.system")
		}
		return username
	},
	"list":     func(xs ...string) []string { return xs },
	"langName": i18n.LanguageName,
	"fmtTime": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(kexie.Beijing).Format("2006-01-02 15:04:05")
	},
	"fmtTimePtr": func(t *time.Time) string {
		if t == nil {
			return "—"
		}
		return t.In(kexie.Beijing).Format("2006-01-02 15:04")
	},
}

// eventReason renders a history event's reason in the reader's language:
// the system's own wording from the catalog (its arguments that are
// themselves catalog words — a body, a stage, a lapse reason — translated
// too), a reason someone typed as typed.
func eventReason(l *i18n.Localizer, raw string) string {
	key, args := kexie.ParseEventReason(raw)
	if key == "" {
		return raw
	}
	vals := make([]any, len(args))
	for i, a := range args {
		vals[i] = a
	}
	spec := kexie.EventReasons[key]
	if spec.Word != "" && len(args) > 0 {
		vals[0] = l.T(spec.Word + args[0])
		if key == "event.lapse" && args[0] == kexie.LapseBoth {
			vals[0] = l.T("lapse."+kexie.LapseNoDues) + ", " + l.T("lapse."+kexie.LapseNoParticipation)
		}
	}
	for len(vals) < spec.Args {
		vals = append(vals, "")
	}
	return strings.TrimSpace(l.T(key, vals[:spec.Args]...))
}

// parseTemplates parses each page together with the layout, once, at
// start-up: a broken template, or two domains' pages of one name, stops
// the server from starting. Pages come from the toolkit's own templates
// and those each domain added (AddTemplates), each a templates/*.html.
func parseTemplates(sets []fs.FS) (map[string]*template.Template, error) {
	layout, err := templateFS.ReadFile("templates/layout.html")
	if err != nil {
		return nil, err
	}
	pages := map[string]*template.Template{}
	for _, set := range sets {
		names, err := fs.Glob(set, "templates/*.html")
		if err != nil {
			return nil, err
		}
		for _, n := range names {
			base := strings.TrimSuffix(path.Base(n), ".html")
			if base == "layout" {
				continue
			}
			if _, dup := pages[base]; dup {
				return nil, fmt.Errorf("template %s: two pages of this name", base)
			}
			body, err := fs.ReadFile(set, n)
			if err != nil {
				return nil, err
			}
			t, err := template.New("layout").Funcs(templateFuncs).Parse(string(layout))
			if err != nil {
				return nil, fmt.Errorf("template layout: %w", err)
			}
			if _, err := t.New(base).Parse(string(body)); err != nil {
				return nil, fmt.Errorf("template %s: %w", base, err)
			}
			pages[base] = t
		}
	}
	return pages, nil
}

// AddTemplates adds a domain's pages (templates/*.html in fsys, each
// rendered inside the toolkit's layout). Domains call it when they
// register.
func (s *Server) AddTemplates(fsys fs.FS) { s.templates = append(s.templates, fsys) }

// page is what every template receives.
type Page struct {
	L       *i18n.Localizer
	User    *kexie.User
	CSRF    string
	Path    string
	NextURL string
	Title   string
	Flash   string
	Error   string
	Nav     []navItem
	Data    any
	// clearFlash: the flash came from its cookie, which Render clears so
	// that it shows once; secure is the cookie's Secure flag.
	clearFlash, secure bool
}

type navItem struct {
	Key    string
	Href   string // empty: capability not yet available
	Active bool
}

func (s *Server) NewPage(r *http.Request, rq *Request, titleKey string, data any) Page {
	p := Page{L: rq.L, User: rq.User, CSRF: rq.CSRF, Path: r.URL.Path, NextURL: r.URL.RequestURI(), Title: rq.L.T(titleKey), Data: data}
	p.Nav = s.nav(r, rq)
	if c, err := r.Cookie(flashCookie); err == nil {
		if strings.HasPrefix(c.Value, "flash.") && rq.L.Has(c.Value) {
			p.Flash = rq.L.T(c.Value)
		}
		p.clearFlash, p.secure = true, s.cfg.SecureCookies || r.TLS != nil
	}
	return p
}

// nav lists, in menu order, the pages the user may open. What has no page
// of its own yet (activities and awards have no list, statistics is not
// built) has no entry: an entry leading nowhere would look built.
func (s *Server) nav(r *http.Request, rq *Request) []navItem {
	if rq.User == nil {
		// The registry and the members are for signed-in users; the public
		// has the calendar of activities and the awards' publicity.
		return []navItem{{Key: "nav.activities", Href: "/calendar"}, {Key: "nav.awards", Href: "/awards/publicity"}}
	}
	// Only entries the user may open: the registry and the member lists
	// for those who hold their permission somewhere; a member's account
	// (no such role) has its own membership and the meetings it sits at.
	holds := func(p kexie.Permission) bool {
		for _, g := range rq.User.Grants {
			if kexie.RoleGrants(g.Role, p) {
				return true
			}
		}
		return false
	}
	var items []navItem
	if holds(kexie.PermRegistryRead) {
		items = append(items, navItem{Key: "nav.orgs", Href: "/orgs"})
	}
	if holds(kexie.PermMembershipRead) {
		items = append(items, navItem{Key: "nav.members", Href: "/members"})
	} else {
		items = append(items, navItem{Key: "nav.my_membership", Href: "/my/membership"})
	}
	// Governance: the bodies of the organisation one's role is on, or, for
	// a member's account, the meetings one sits at.
	gov := navItem{Key: "nav.governance", Href: "/my/meetings"}
	for _, g := range rq.User.Grants {
		if kexie.RoleGrants(g.Role, kexie.PermGovernanceRead) && g.OrgCode != "" {
			gov.Href = "/orgs/" + g.OrgCode + "/governance"
			break
		}
	}
	items = append(items, gov)
	// Activities: those who read them go to their list; others to the
	// public calendar. Awards: the award desk (a unit's nominations, an
	// expert's reviews, the office's rounds).
	act := navItem{Key: "nav.activities", Href: "/calendar"}
	if holds(kexie.PermActivitiesRead) {
		act.Href = "/activities"
	}
	items = append(items, act, navItem{Key: "nav.awards", Href: "/awards"})
	// Finance: the books of the organisation one's role is on.
	for _, g := range rq.User.Grants {
		if kexie.RoleGrants(g.Role, kexie.PermFinanceRead) && g.OrgCode != "" {
			items = append(items, navItem{Key: "nav.finance", Href: "/orgs/" + g.OrgCode + "/ledger"})
			break
		}
	}
	for _, g := range rq.User.Grants {
		if kexie.RoleGrants(g.Role, kexie.PermMembershipRead) {
			items = append(items, navItem{Key: "nav.applications", Href: "/applications"})
			break
		}
	}
	for _, g := range rq.User.Grants {
		if kexie.RoleGrants(g.Role, kexie.PermRegistryRead) {
			items = append(items, navItem{Key: "nav.filings", Href: "/filings"})
			break
		}
	}
	for _, g := range rq.User.Grants {
		if kexie.RoleGrants(g.Role, kexie.PermUserManage) {
			items = append(items, navItem{Key: "nav.users", Href: "/admin/users"})
			break
		}
	}
	for _, g := range rq.User.Grants {
		if kexie.RoleGrants(g.Role, kexie.PermAuditRead) {
			items = append(items, navItem{Key: "nav.audit", Href: "/audit"})
			break
		}
	}
	for i := range items {
		items[i].Active = items[i].Href != "" && strings.HasPrefix(r.URL.Path, items[i].Href)
	}
	return items
}

// render executes a page template into a buffer first, so a template error
// becomes a clean 500 instead of half a page.
func (s *Server) Render(w http.ResponseWriter, status int, name string, p Page) error {
	t, ok := s.pages[name]
	if !ok {
		return fmt.Errorf("no template %q", name)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", p); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	if p.clearFlash {
		http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: p.secure})
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, err := w.Write(buf.Bytes())
	return err
}

// flashCookie carries what the next page confirms ("flash.member_changed")
// across a redirect: a message key in the address would be seen, kept in
// the history and shared with the link.
const flashCookie = "kexie_flash"

// RedirectFlash redirects (303) to the page to, which then confirms what
// was done with the catalog's message key, once.
func (s *Server) RedirectFlash(w http.ResponseWriter, r *http.Request, to, key string) {
	s.SetCookie(w, r, flashCookie, key, time.Minute)
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// writeJSON writes v with a status.
func WriteJSON(w http.ResponseWriter, status int, v any) error {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// httpStatus is the one mapping from error codes to HTTP statuses.
func HTTPStatus(c kexie.Code) int {
	switch c {
	case kexie.CodeInvalid:
		return http.StatusBadRequest
	case kexie.CodeNotFound:
		return http.StatusNotFound
	case kexie.CodeConflict, kexie.CodeImmutable:
		return http.StatusConflict
	case kexie.CodeUnauthorized:
		return http.StatusUnauthorized
	case kexie.CodeForbidden:
		return http.StatusForbidden
	case kexie.CodeRateLimited:
		return http.StatusTooManyRequests
	case kexie.CodeUnavailable:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// message is an error's user-safe text in the request's language.
func Message(l *i18n.Localizer, e *kexie.Error) string {
	if e.Code == kexie.CodeInternal {
		return l.T("err.internal")
	}
	if t := l.T(e.Key, e.Args...); t != e.Key {
		return t
	}
	// No catalog entry for this key: the class's generic message.
	return l.T("err." + string(e.Code))
}

// renderError shows an error: JSON {"code","message"} for the API, a page
// for HTML. Signed-out HTML visitors of a protected page go to sign-in.
// Internal errors are logged with their cause and shown as "internal error".
func (s *Server) RenderError(w http.ResponseWriter, r *http.Request, rq *Request, err error) {
	if sw, ok := w.(*statusWriter); ok && sw.wrote {
		s.log.Error("error after response started", "path", r.URL.Path, "err", err)
		return
	}
	e := kexie.AsError(err)
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		e = kexie.Errorf(kexie.CodeInvalid, "err.too_large", "the request is too large")
	}
	status := HTTPStatus(e.Code)
	if status >= 500 {
		s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	if rq.L == nil {
		rq.L = s.bundle.For(s.bundle.Match(nil, r.Header.Get("Accept-Language")))
	}
	msg := Message(rq.L, e)
	if rq.API {
		if e.Code == kexie.CodeUnauthorized {
			w.Header().Set("WWW-Authenticate", `Bearer realm="kexie"`)
		}
		_ = WriteJSON(w, status, map[string]string{"code": string(e.Code), "message": msg})
		return
	}
	if e.Code == kexie.CodeUnauthorized && isSafe(r.Method) && rq.User == nil {
		http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	p := s.NewPage(r, rq, "error.title", map[string]any{"Status": status, "Code": string(e.Code)})
	p.Error = msg
	if rerr := s.Render(w, status, "error", p); rerr != nil {
		s.log.Error("render error page", "err", rerr)
		http.Error(w, http.StatusText(status), status)
	}
}

// safeNext accepts only a local path (and query) as a post-sign-in
// destination, so no form can redirect elsewhere. Browsers ignore tabs and
// newlines inside URLs and treat a backslash as a slash, so any control
// character or backslash is refused outright; the result is rebuilt from the
// parsed path rather than passed through.
func SafeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.ContainsRune(next, '\\') {
		return "/"
	}
	for _, c := range next {
		if c < 0x20 || c == 0x7f {
			return "/"
		}
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" ||
		!strings.HasPrefix(u.Path, "/") || strings.HasPrefix(u.Path, "//") {
		return "/"
	}
	out := u.EscapedPath()
	if q := u.Query().Encode(); q != "" {
		out += "?" + q // re-encoded: no raw spaces or control bytes survive
	}
	if strings.HasPrefix(out, "//") || strings.Contains(out, "\\") {
		return "/"
	}
	return out
}
