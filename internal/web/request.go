package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"github.com/kexie/kexie/internal/auth"
	"github.com/kexie/kexie/internal/i18n"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/sqldb"
)

// MaxUpload bounds an uploaded organisation or member file.
const MaxUpload = 32 << 20

// Cookie names. The session cookie holds the only copy of the session
// token; the anonymous cookie binds form tokens for visitors not signed in
// (the sign-in form itself).
const (
	SessionCookie = "kexie_session"
	AnonCookie    = "kexie_anon"
	LangCookie    = "kexie_lang"
	CSRFField     = "csrf_token"
	CSRFHeader    = "X-CSRF-Token"
)

// request is what a handler knows about the caller.
type Request struct {
	User        *kexie.User
	ViaBearer   bool   // authenticated by API token: no ambient credentials, no CSRF
	SessionHash string // hash of the presented, valid session token
	Anon        string // value of the anonymous cookie, when there is one
	Addr        string // client address (see Server.clientAddr)
	L           *i18n.Localizer
	CSRF        string
	API         bool
	Route       Route
	// A page re-rendered after a failed form: its error, status and the
	// values as typed.
	PageError string
	Status    int
	Form      url.Values
	// gen: the database's generation read before the caller was
	// identified; what is kept under it is good while it holds (keep.go).
	gen sqldb.Generation
}

// Actor is the audit identity of the request.
func (rq *Request) Actor(r *http.Request) kexie.Actor {
	a := kexie.Actor{Source: rq.Addr}
	if rq.User != nil {
		a.UserID, a.Username = rq.User.ID, rq.User.Username
	} else {
		a.Username = "anonymous"
	}
	return a
}

type HandlerFunc func(w http.ResponseWriter, r *http.Request, rq *Request) error

// wrap turns a declared route into an http.Handler: it identifies the
// caller, enforces the route's permission and the CSRF check, runs the
// handler, renders any error for HTML or JSON, and records metrics.
func (s *Server) wrap(rt Route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		rq := &Request{API: rt.API, Route: rt, Addr: s.ClientAddr(r)}
		err := s.serve(sw, r, rq, rt)
		if err != nil {
			s.RenderError(sw, r, rq, err)
		}
		s.metrics.observe(rt.Pattern(), r.Method, sw.status, time.Since(start))
	})
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request, rq *Request, rt Route) error {
	if err := s.identify(w, r, rq); err != nil {
		return err
	}
	if err := s.authorize(r, rq, rt.Perm); err != nil {
		return err
	}
	if rt.Method == "" {
		// The catch-all routes answer "not found" to any method; there is
		// nothing to protect, and a form token error would mislead.
		return rt.Handler(w, r, rq)
	}
	if !rt.API && rq.User == nil && rq.Anon == "" && isSafe(r.Method) {
		// Every page a visitor sees carries forms (the language switch at
		// least), and their tokens need the anonymous cookie.
		if err := s.EnsureAnon(w, r, rq); err != nil {
			return err
		}
	}
	if !isSafe(r.Method) {
		r.Body = http.MaxBytesReader(w, r.Body, rt.MaxBody)
		if err := s.checkCSRF(r, rq); err != nil {
			return err
		}
	}
	if rq.User != nil && rq.User.MustChangePassword && !rq.ViaBearer && !passwordChangeAllowed(rt) {
		if rt.API {
			return kexie.Errorf(kexie.CodeForbidden, "err.password_change_required", "change your one-time password first")
		}
		http.Redirect(w, r, "/account/password", http.StatusSeeOther)
		return nil
	}
	if rt.Kept {
		return s.serveKept(w, r, rq, rt.Handler)
	}
	return rt.Handler(w, r, rq)
}

// passwordChangeAllowed lists what a user who must change a one-time
// password may still reach: the change itself, signing out, the language.
func passwordChangeAllowed(rt Route) bool {
	switch rt.Path {
	case "/account/password", "/logout", "/lang", "/api/v1/me":
		return true
	}
	return rt.Perm == kexie.PermPublic
}

func isSafe(method string) bool {
	return method == http.MethodGet || method == http.MethodHead || method == http.MethodOptions
}

// identify resolves the caller from a bearer token or the session cookie and
// picks the interface language.
func (s *Server) identify(w http.ResponseWriter, r *http.Request, rq *Request) error {
	ctx := r.Context()
	if r.Header.Get("Authorization") != "" || hasCookie(r, SessionCookie) {
		// Read before who asks is: see keep.go.
		gen, err := s.acc.Generation(ctx)
		if err != nil {
			return err
		}
		rq.gen = gen
	}
	if h := r.Header.Get("Authorization"); h != "" {
		if !rq.API {
			// Tokens are for the JSON API: pages are a person's, in a
			// browser session (and the token page makes tokens only for
			// a session: a token making tokens would outlive its own
			// revocation).
			return kexie.Errorf(kexie.CodeUnauthorized, "err.token_pages", "API tokens are for /api/v1: sign in to use the pages")
		}
		scheme, tok, _ := strings.Cut(h, " ")
		if !strings.EqualFold(scheme, "Bearer") || tok == "" {
			return kexie.Errorf(kexie.CodeUnauthorized, "err.token_invalid", "invalid or expired API token")
		}
		u, err := s.acc.UserByAPITokenAt(ctx, rq.gen, strings.TrimSpace(tok))
		if err != nil {
			return err
		}
		rq.User, rq.ViaBearer = &u, true
	} else if c, err := r.Cookie(SessionCookie); err == nil && c.Value != "" {
		hash := auth.TokenHash(c.Value)
		_, u, err := s.acc.SessionAt(ctx, rq.gen, hash, s.cfg.Sessions)
		switch {
		case err == nil:
			rq.User, rq.SessionHash = &u, hash
		case errors.Is(err, kexie.ErrUnauthorized):
			// An ended session is just "not signed in": drop the cookie.
			s.ClearCookie(w, r, SessionCookie)
		default:
			return err
		}
	}
	if c, err := r.Cookie(AnonCookie); err == nil {
		rq.Anon = c.Value
	}
	var choices []string
	if c, err := r.Cookie(LangCookie); err == nil {
		choices = append(choices, c.Value)
	}
	if rq.User != nil && rq.User.Lang != "" {
		choices = append(choices, rq.User.Lang)
	}
	rq.L = s.bundle.For(s.bundle.Match(choices, r.Header.Get("Accept-Language")))
	rq.CSRF = s.CSRFToken(rq)
	return nil
}

// authorize enforces a route's permission at route level: signed in, and
// holding the permission on at least one organisation. Handlers then check
// the object: the organisation it belongs to must be in the caller's subtree.
func (s *Server) authorize(r *http.Request, rq *Request, p kexie.Permission) error {
	switch p {
	case kexie.PermPublic:
		return nil
	case kexie.PermOps:
		if ip, err := netip.ParseAddr(rq.Addr); err == nil && ip.IsLoopback() {
			return nil
		}
	}
	if rq.User == nil {
		return kexie.ErrUnauthorized
	}
	if p == kexie.PermSignedIn {
		return nil
	}
	// The grants were read with the user on this request: no second look-up.
	for _, g := range rq.User.Grants {
		if kexie.RoleGrants(g.Role, p) {
			return nil
		}
	}
	return kexie.ErrForbidden
}

// csrfToken binds the form token to the session (or, before sign-in, to the
// anonymous cookie) with an HMAC under a server key: a token from another
// browser, or from before a sign-in, does not verify.
func (s *Server) CSRFToken(rq *Request) string {
	var bind string
	switch {
	case rq.SessionHash != "":
		bind = "s:" + rq.SessionHash
	case rq.Anon != "":
		bind = "a:" + rq.Anon
	default:
		return ""
	}
	m := hmac.New(sha256.New, s.csrfKey)
	m.Write([]byte(bind))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// checkCSRF runs on every state-changing request. Cross-origin browser
// requests are already refused by http.CrossOriginProtection; this second
// check requires the form token of the caller's own session. Bearer-token
// requests carry no ambient credentials and need none.
func (s *Server) checkCSRF(r *http.Request, rq *Request) error {
	if rq.ViaBearer {
		return nil
	}
	if rq.API && rq.User == nil && rq.Route.Perm == kexie.PermPublic {
		// A public API call without a session (the JSON application) has
		// no ambient authority to borrow, and a script has no page to take
		// a form token from. A signed-in browser still needs the token.
		return nil
	}
	got := r.Header.Get(CSRFHeader)
	if got == "" {
		var err error
		if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
			// File uploads: the body limit of the route bounds this; parts
			// beyond 8 MiB go to temporary files.
			err = r.ParseMultipartForm(8 << 20)
		} else {
			err = r.ParseForm()
		}
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return err
			}
			return kexie.Wrap(kexie.CodeInvalid, "err.form", "the form could not be read", err)
		}
		got = r.PostFormValue(CSRFField)
		// A NUL byte is stored by SQLite and refused by PostgreSQL: the
		// same answer on both, naming the field.
		for _, vs := range r.PostForm {
			for _, v := range vs {
				if strings.IndexByte(v, 0) >= 0 {
					return kexie.Errorf(kexie.CodeInvalid, "err.nul", "a form field holds a NUL character")
				}
			}
		}
	}
	if rq.CSRF == "" || !hmac.Equal([]byte(got), []byte(rq.CSRF)) {
		return kexie.Errorf(kexie.CodeForbidden, "err.csrf", "the form has expired or did not come from this site; reload the page and try again")
	}
	return nil
}

func (s *Server) SetCookie(w http.ResponseWriter, r *http.Request, name, value string, maxAge time.Duration) {
	http.SetCookie(w, &http.Cookie{
		Name: name, Value: value, Path: "/", MaxAge: int(maxAge.Seconds()),
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.cfg.SecureCookies || r.TLS != nil,
	})
}

func (s *Server) ClearCookie(w http.ResponseWriter, r *http.Request, name string) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.cfg.SecureCookies || r.TLS != nil})
}

// clientAddr is the address of the client: the peer, or — when the peer is
// a configured trusted proxy — the nearest address in X-Forwarded-For that
// is not itself a trusted proxy. Without trusted proxies the header is
// ignored, since any client can write it.
func (s *Server) ClientAddr(r *http.Request) string {
	peer := r.RemoteAddr
	if host, _, err := net.SplitHostPort(peer); err == nil {
		peer = host
	}
	if len(s.cfg.TrustedProxies) == 0 || !s.trusted(peer) {
		return peer
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		h := strings.TrimSpace(hops[i])
		if _, err := netip.ParseAddr(h); err != nil {
			break // garbage from further out: stop at the last good hop
		}
		if !s.trusted(h) {
			return h
		}
		peer = h
	}
	return peer
}

func (s *Server) trusted(addr string) bool {
	ip, err := netip.ParseAddr(addr)
	if err != nil {
		return false
	}
	ip = ip.Unmap()
	for _, p := range s.cfg.TrustedProxies {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

type statusWriter struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wrote {
		w.status, w.wrote = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	w.wrote = true
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Confirmed reports whether a form confirmed an irreversible change
// (confirm=yes, a checkbox naming the consequence). A page handler
// refuses such a change without it, with a message naming the
// consequence; the JSON API, whose callers mean what they send, does not
// ask.
func Confirmed(r *http.Request) bool { return r.PostFormValue("confirm") == "yes" }

func hasCookie(r *http.Request, name string) bool {
	c, err := r.Cookie(name)
	return err == nil && c.Value != ""
}
