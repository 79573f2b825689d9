package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/kexie/kexie/internal/auth"
	"github.com/kexie/kexie/internal/i18n"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/sqldb"
)

func (s *Server) healthz(w http.ResponseWriter, r *http.Request, _ *request) error {
	if err := s.db.Ping(r.Context()); err != nil {
		s.log.Warn("health check failed", "err", err)
		return writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "database": "down"})
	}
	return writeJSON(w, http.StatusOK, map[string]string{"status": "ok", "database": string(s.db.Dialect()), "version": s.cfg.Version})
}

func (s *Server) metricsHandler(w http.ResponseWriter, r *http.Request, _ *request) error {
	promhttp.HandlerFor(s.metrics.reg, promhttp.HandlerOpts{}).ServeHTTP(w, r)
	return nil
}

func (s *Server) openAPI(w http.ResponseWriter, _ *http.Request, _ *request) error {
	w.Header().Set("Content-Type", "application/json")
	_, err := w.Write(openAPIDoc)
	return err
}

func (s *Server) home(w http.ResponseWriter, r *http.Request, rq *request) error {
	return s.render(w, http.StatusOK, "home", s.newPage(r, rq, "home.title", nil))
}

// ensureAnon gives a visitor the anonymous cookie that binds form tokens
// before sign-in, and recomputes the token for the page being rendered.
func (s *Server) ensureAnon(w http.ResponseWriter, r *http.Request, rq *request) error {
	if rq.anon != "" {
		return nil
	}
	v, err := auth.NewToken("")
	if err != nil {
		return err
	}
	s.setCookie(w, r, anonCookie, v, 24*time.Hour)
	rq.anon = v
	rq.CSRF = s.csrfToken(rq)
	return nil
}

type loginData struct {
	Username string
	Next     string
}

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request, rq *request) error {
	next := safeNext(r.URL.Query().Get("next"))
	if rq.User != nil {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return nil
	}
	return s.render(w, http.StatusOK, "login", s.newPage(r, rq, "login.title", loginData{Next: next}))
}

// login signs a user in. Failures are counted per account and per address;
// once either limit is reached every attempt is refused, right or wrong,
// until the window passes. The message never says which part was wrong.
func (s *Server) login(w http.ResponseWriter, r *http.Request, rq *request) error {
	username := strings.TrimSpace(r.PostFormValue("username"))
	password := r.PostFormValue("password")
	next := safeNext(r.PostFormValue("next"))
	acct, addr := "u:"+strings.ToLower(username), "a:"+rq.Addr
	fail := func(status int, e *kexie.Error) error {
		if err := s.ensureAnon(w, r, rq); err != nil {
			return err
		}
		p := s.newPage(r, rq, "login.title", loginData{Username: username, Next: next})
		p.Error = message(rq.L, e)
		return s.render(w, status, "login", p)
	}
	// Each attempt is counted before the password is checked, so parallel
	// attempts cannot get past the limit; a success gives its count back.
	if !s.byAddress.Take(addr) {
		s.log.Warn("sign-in refused: rate limit", "username", username, "addr", rq.Addr)
		return fail(http.StatusTooManyRequests, kexie.ErrRateLimited)
	}
	if !s.byAccount.Take(acct) {
		s.byAddress.Forgive(addr)
		s.log.Warn("sign-in refused: rate limit", "username", username, "addr", rq.Addr)
		return fail(http.StatusTooManyRequests, kexie.ErrRateLimited)
	}
	u, err := s.acc.Authenticate(r.Context(), username, password)
	if err != nil {
		if !errors.Is(err, kexie.ErrUnauthorized) {
			s.byAccount.Forgive(acct)
			s.byAddress.Forgive(addr)
			return err
		}
		s.log.Info("sign-in failed", "username", username, "addr", rq.Addr)
		return fail(http.StatusUnauthorized, kexie.AsError(err))
	}
	s.byAccount.Reset(acct)
	s.byAddress.Forgive(addr)
	token, err := auth.NewToken("")
	if err != nil {
		return err
	}
	actor := kexie.Actor{UserID: u.ID, Username: u.Username, Source: rq.Addr}
	// The session presented before sign-in, if any, is ended in the same
	// transaction: the token always rotates at sign-in.
	if _, err := s.acc.CreateSession(r.Context(), actor, u.ID, auth.TokenHash(token), rq.sessionHash, r.UserAgent(), s.cfg.Sessions); err != nil {
		return err
	}
	s.setCookie(w, r, sessionCookie, token, s.cfg.Sessions.Absolute)
	s.clearCookie(w, r, anonCookie)
	if u.Lang != "" {
		s.setCookie(w, r, langCookie, u.Lang, 365*24*time.Hour)
	}
	if u.MustChangePassword {
		next = "/account/password"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request, rq *request) error {
	if rq.sessionHash != "" {
		if err := s.acc.EndSession(r.Context(), rq.Actor(r), rq.sessionHash); err != nil {
			return err
		}
	}
	s.clearCookie(w, r, sessionCookie)
	http.Redirect(w, r, "/login?flash=flash.signed_out", http.StatusSeeOther)
	return nil
}

// setLang switches the interface language: remembered in a cookie, and on
// the account of a signed-in user so it follows them to other browsers.
func (s *Server) setLang(w http.ResponseWriter, r *http.Request, rq *request) error {
	lang := i18n.Normalize(r.PostFormValue("lang"))
	if lang == "" {
		return kexie.Errorf(kexie.CodeInvalid, "err.lang", "unknown language")
	}
	s.setCookie(w, r, langCookie, lang, 365*24*time.Hour)
	if rq.User != nil && !rq.ViaBearer {
		if err := s.acc.SetUserLang(r.Context(), rq.Actor(r), rq.User.ID, lang); err != nil {
			return err
		}
	}
	http.Redirect(w, r, safeNext(r.PostFormValue("next")), http.StatusSeeOther)
	return nil
}

type accountData struct {
	Tokens    []kexie.APIToken
	NewToken  string
	Sessions  int64
	TokenName string // as typed, when the form comes back with an error
	Expires   string
}

func (s *Server) account(w http.ResponseWriter, r *http.Request, rq *request) error {
	return s.renderAccount(w, r, rq, http.StatusOK, accountData{}, "")
}

func (s *Server) renderAccount(w http.ResponseWriter, r *http.Request, rq *request, status int, d accountData, errMsg string) error {
	toks, err := s.acc.APITokens(r.Context(), rq.User.ID)
	if err != nil {
		return err
	}
	n, err := s.acc.CountSessions(r.Context(), rq.User.ID)
	if err != nil {
		return err
	}
	d.Tokens, d.Sessions = toks, n
	p := s.newPage(r, rq, "account.title", d)
	p.Error = errMsg
	return s.render(w, status, "account", p)
}

func (s *Server) passwordForm(w http.ResponseWriter, r *http.Request, rq *request) error {
	return s.render(w, http.StatusOK, "password", s.newPage(r, rq, "password.title", nil))
}

// changePassword needs the current password even in a live session, so a
// borrowed, unlocked browser cannot take the account over.
func (s *Server) changePassword(w http.ResponseWriter, r *http.Request, rq *request) error {
	current, next, again := r.PostFormValue("current"), r.PostFormValue("new"), r.PostFormValue("confirm")
	fail := func(e *kexie.Error) error {
		p := s.newPage(r, rq, "password.title", nil)
		p.Error = message(rq.L, e)
		return s.render(w, httpStatus(e.Code), "password", p)
	}
	acct := "u:" + rq.User.Username
	if !s.byAccount.Take(acct) {
		return fail(kexie.ErrRateLimited)
	}
	if _, err := s.acc.Authenticate(r.Context(), rq.User.Username, current); err != nil {
		if !errors.Is(err, kexie.ErrUnauthorized) {
			s.byAccount.Forgive(acct)
			return err
		}
		return fail(kexie.Errorf(kexie.CodeInvalid, "err.current_password", "the current password is wrong"))
	}
	s.byAccount.Forgive(acct)
	if next != again {
		return fail(kexie.Errorf(kexie.CodeInvalid, "err.password_mismatch", "the two new passwords differ"))
	}
	if next == current {
		return fail(kexie.Errorf(kexie.CodeInvalid, "err.password_same", "the new password must differ from the current one"))
	}
	if err := s.acc.SetPassword(r.Context(), rq.Actor(r), rq.User.ID, next, false, rq.sessionHash); err != nil {
		if kexie.ErrorCode(err) == kexie.CodeInvalid {
			return fail(kexie.AsError(err))
		}
		return err
	}
	http.Redirect(w, r, "/account?flash=flash.password_changed", http.StatusSeeOther)
	return nil
}

func (s *Server) createToken(w http.ResponseWriter, r *http.Request, rq *request) error {
	typed := accountData{TokenName: r.PostFormValue("name"), Expires: r.PostFormValue("expires")}
	exp, err := parseExpiry(typed.Expires)
	if err == nil {
		var secret string
		if _, secret, err = s.acc.CreateAPIToken(r.Context(), rq.Actor(r), rq.User.ID, typed.TokenName, exp); err == nil {
			// Shown once, on this response only; never stored in clear.
			return s.renderAccount(w, r, rq, http.StatusCreated, accountData{NewToken: secret}, "")
		}
	}
	if kexie.ErrorCode(err) == kexie.CodeInvalid {
		return s.renderAccount(w, r, rq, http.StatusBadRequest, typed, message(rq.L, kexie.AsError(err)))
	}
	return err
}

func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.acc.RevokeAPIToken(r.Context(), rq.Actor(r), rq.User.ID, id); err != nil {
		return err
	}
	http.Redirect(w, r, "/account?flash=flash.token_revoked", http.StatusSeeOther)
	return nil
}

// parseExpiry reads an optional YYYY-MM-DD date; the token expires at the
// end of that day, Beijing time.
func parseExpiry(s string) (*time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	d, err := parseDay(s)
	if err != nil {
		return nil, err
	}
	end := d.AddDate(0, 0, 1)
	return &end, nil
}

// parseDay reads a YYYY-MM-DD date, Beijing time. Years are bounded so that
// every date stays a four-digit year after adding a day: times compare as
// text on SQLite, and year 10000 would sort before year 2026.
func parseDay(s string) (time.Time, error) {
	d, err := time.ParseInLocation("2006-01-02", strings.TrimSpace(s), kexie.Beijing)
	if err != nil || d.Year() < 1900 || d.Year() > 9000 {
		return d, kexie.Errorf(kexie.CodeInvalid, "err.date", "dates are written YYYY-MM-DD, between 1900 and 9000")
	}
	return d, nil
}

func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, kexie.Errorf(kexie.CodeNotFound, "err.not_found", "not found")
	}
	return id, nil
}

// auditFilter reads the audit filters shared by the page and the API.
func auditFilter(q url.Values) (sqldb.AuditFilter, error) {
	f := sqldb.AuditFilter{
		Actor: strings.TrimSpace(q.Get("actor")), Action: strings.TrimSpace(q.Get("action")),
		ObjectType: strings.TrimSpace(q.Get("object_type")), ObjectID: strings.TrimSpace(q.Get("object_id")),
	}
	var err error
	day := func(s string) (time.Time, error) {
		if s == "" {
			return time.Time{}, nil
		}
		t, err := parseDay(s)
		if err != nil {
			return t, err
		}
		return t, nil
	}
	if f.From, err = day(q.Get("from")); err != nil {
		return f, err
	}
	if f.To, err = day(q.Get("to")); err != nil {
		return f, err
	}
	if !f.To.IsZero() {
		f.To = f.To.AddDate(0, 0, 1) // "to" is inclusive of that day
	}
	for _, k := range []string{"before", "limit"} {
		if v := q.Get(k); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 1 {
				return f, kexie.Errorf(kexie.CodeInvalid, "err.number", "%s must be a positive whole number", k)
			}
			if k == "before" {
				f.BeforeSeq = n
			} else {
				f.Limit = int(min(n, 500))
			}
		}
	}
	return f, nil
}

type auditData struct {
	Q       url.Values
	Entries []auditEntry
	Older   string
}

func (s *Server) auditPage(w http.ResponseWriter, r *http.Request, rq *request) error {
	q := r.URL.Query()
	f, err := auditFilter(q)
	if err != nil {
		if kexie.ErrorCode(err) != kexie.CodeInvalid {
			return err
		}
		// Show the form again with what was typed, and say what is wrong.
		p := s.newPage(r, rq, "audit.title", auditData{Q: q})
		p.Error = message(rq.L, kexie.AsError(err))
		return s.render(w, http.StatusBadRequest, "audit", p)
	}
	if f.Limit == 0 {
		f.Limit = 50
	}
	es, err := s.db.Audit(r.Context(), rq.Actor(r), f)
	if err != nil {
		return err
	}
	d := auditData{Q: q}
	for _, e := range es {
		d.Entries = append(d.Entries, toAuditEntry(e))
	}
	if len(es) == f.Limit {
		older := url.Values{}
		for k, v := range q {
			older[k] = v
		}
		older.Set("before", strconv.FormatInt(es[len(es)-1].Seq, 10))
		d.Older = "/audit?" + older.Encode()
	}
	return s.render(w, http.StatusOK, "audit", s.newPage(r, rq, "audit.title", d))
}
