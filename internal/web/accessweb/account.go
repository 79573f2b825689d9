package accessweb

import (
	"errors"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/kexie/kexie/internal/auth"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/sqldb"
	"github.com/kexie/kexie/internal/web"
)

type loginData struct {
	Username string
	Next     string
}

func (s *handlers) loginForm(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	next := web.SafeNext(r.URL.Query().Get("next"))
	if rq.User != nil {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return nil
	}
	return s.Render(w, http.StatusOK, "login", s.NewPage(r, rq, "login.title", loginData{Next: next}))
}

// login signs a user in. Failures are counted per account and per address;
// once either limit is reached every attempt is refused, right or wrong,
// until the window passes. The message never says which part was wrong.
func (s *handlers) login(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	username := strings.TrimSpace(r.PostFormValue("username"))
	password := r.PostFormValue("password")
	next := web.SafeNext(r.PostFormValue("next"))
	// Failures count per account and address: a stranger guessing from
	// elsewhere does not lock the account's owner out (their address has
	// its own count). Across all addresses an account takes many more
	// (byAccountAll), so that many addresses together cannot guess on.
	name := strings.ToLower(username)
	acct, all, addr := "u:"+name+"|"+rq.Addr, "u:"+name, "a:"+rq.Addr
	fail := func(status int, e *kexie.Error) error {
		if err := s.EnsureAnon(w, r, rq); err != nil {
			return err
		}
		p := s.NewPage(r, rq, "login.title", loginData{Username: username, Next: next})
		p.Error = web.Message(rq.L, e)
		return s.Render(w, status, "login", p)
	}
	// locked refuses an attempt over a limit, saying how long to wait (on
	// the page, and in Retry-After): until that limiter lets one through.
	locked := func(l *auth.Limiter, key string) error {
		wait := l.Wait(key)
		if err := s.EnsureAnon(w, r, rq); err != nil {
			return err
		}
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
		p := s.NewPage(r, rq, "login.title", loginData{Username: username, Next: next})
		p.Error = rq.L.N("login.locked", max(1, int(math.Ceil(wait.Minutes()))))
		return s.Render(w, http.StatusTooManyRequests, "login", p)
	}
	// Each attempt is counted before the password is checked, so parallel
	// attempts cannot get past the limit; a success gives its count back.
	if !s.byAddress.Take(addr) {
		s.Logger().Warn("sign-in refused: rate limit", "username", username, "addr", rq.Addr)
		return locked(s.byAddress, addr)
	}
	if !s.byAccount.Take(acct) {
		s.byAddress.Forgive(addr)
		s.Logger().Warn("sign-in refused: rate limit", "username", username, "addr", rq.Addr)
		return locked(s.byAccount, acct)
	}
	if !s.byAccountAll.Take(all) {
		s.byAccount.Forgive(acct)
		s.byAddress.Forgive(addr)
		s.Logger().Warn("sign-in refused: rate limit across addresses", "username", username, "addr", rq.Addr)
		return locked(s.byAccountAll, all)
	}
	u, err := s.acc.Authenticate(r.Context(), username, password)
	if err != nil {
		if !errors.Is(err, kexie.ErrUnauthorized) {
			s.byAccount.Forgive(acct)
			s.byAccountAll.Forgive(all)
			s.byAddress.Forgive(addr)
			return err
		}
		s.Logger().Info("sign-in failed", "username", username, "addr", rq.Addr)
		return fail(http.StatusUnauthorized, kexie.AsError(err))
	}
	s.byAccount.Reset(acct)
	s.byAccountAll.Forgive(all)
	s.byAddress.Forgive(addr)
	token, err := auth.NewToken("")
	if err != nil {
		return err
	}
	actor := kexie.Actor{UserID: u.ID, Username: u.Username, Source: rq.Addr}
	// The session presented before sign-in, if any, is ended in the same
	// transaction: the token always rotates at sign-in.
	if _, err := s.acc.CreateSession(r.Context(), actor, u.ID, auth.TokenHash(token), rq.SessionHash, r.UserAgent(), s.Config().Sessions); err != nil {
		return err
	}
	s.SetCookie(w, r, web.SessionCookie, token, s.Config().Sessions.Absolute)
	s.ClearCookie(w, r, web.AnonCookie)
	if u.Lang != "" {
		s.SetCookie(w, r, web.LangCookie, u.Lang, 365*24*time.Hour)
	}
	if u.MustChangePassword {
		next = "/account/password"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

func (s *handlers) logout(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	if rq.SessionHash != "" {
		if err := s.acc.EndSession(r.Context(), rq.Actor(r), rq.SessionHash); err != nil {
			return err
		}
	}
	s.ClearCookie(w, r, web.SessionCookie)
	s.RedirectFlash(w, r, "/login", "flash.signed_out")
	return nil
}

type accountData struct {
	Tokens    []kexie.APIToken
	NewToken  string
	Sessions  int64
	TokenName string // as typed, when the form comes back with an error
	Expires   string
}

func (s *handlers) account(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	return s.renderAccount(w, r, rq, http.StatusOK, accountData{}, "")
}

func (s *handlers) renderAccount(w http.ResponseWriter, r *http.Request, rq *web.Request, status int, d accountData, errMsg string) error {
	toks, err := s.acc.APITokens(r.Context(), rq.User.ID)
	if err != nil {
		return err
	}
	n, err := s.acc.CountSessions(r.Context(), rq.User.ID)
	if err != nil {
		return err
	}
	d.Tokens, d.Sessions = toks, n
	p := s.NewPage(r, rq, "account.title", d)
	p.Error = errMsg
	return s.Render(w, status, "account", p)
}

func (s *handlers) passwordForm(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	return s.Render(w, http.StatusOK, "password", s.NewPage(r, rq, "password.title", nil))
}

// changePassword needs the current password even in a live session, so a
// borrowed, unlocked browser cannot take the account over.
func (s *handlers) changePassword(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	current, next, again := r.PostFormValue("current"), r.PostFormValue("new"), r.PostFormValue("confirm")
	fail := func(e *kexie.Error) error {
		p := s.NewPage(r, rq, "password.title", nil)
		p.Error = web.Message(rq.L, e)
		return s.Render(w, web.HTTPStatus(e.Code), "password", p)
	}
	acct := "u:" + strings.ToLower(rq.User.Username) + "|" + rq.Addr
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
	if err := s.acc.SetPassword(r.Context(), rq.Actor(r), rq.User.ID, next, false, rq.SessionHash); err != nil {
		if kexie.ErrorCode(err) == kexie.CodeInvalid {
			return fail(kexie.AsError(err))
		}
		return err
	}
	s.RedirectFlash(w, r, "/account", "flash.password_changed")
	return nil
}

func (s *handlers) createToken(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
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
		return s.renderAccount(w, r, rq, http.StatusBadRequest, typed, web.Message(rq.L, kexie.AsError(err)))
	}
	return err
}

func (s *handlers) revokeToken(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	id, err := web.PathID(r)
	if err != nil {
		return err
	}
	if err := s.acc.RevokeAPIToken(r.Context(), rq.Actor(r), rq.User.ID, id); err != nil {
		return err
	}
	s.RedirectFlash(w, r, "/account", "flash.token_revoked")
	return nil
}

// parseExpiry reads an optional YYYY-MM-DD date; the token expires at the
// end of that day, Beijing time.
func parseExpiry(s string) (*time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	d, err := web.ParseDay(s)
	if err != nil {
		return nil, err
	}
	end := d.AddDate(0, 0, 1)
	return &end, nil
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
		t, err := web.ParseDay(s)
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
	Pager   web.Pager
}

const auditPerPage = 50

func (s *handlers) auditPage(w http.ResponseWriter, r *http.Request, rq *web.Request) error {
	q := r.URL.Query()
	f, err := auditFilter(q)
	if err != nil {
		if kexie.ErrorCode(err) != kexie.CodeInvalid {
			return err
		}
		// Show the form again with what was typed, and say what is wrong.
		p := s.NewPage(r, rq, "audit.title", auditData{Q: q})
		p.Error = web.Message(rq.L, kexie.AsError(err))
		return s.Render(w, http.StatusBadRequest, "audit", p)
	}
	if f.Limit == 0 {
		f.Limit = auditPerPage
	}
	// Numbered pages, with the total, as every list has.
	page := web.PageParam(r)
	f.Offset = (page - 1) * f.Limit
	es, err := s.db.Audit(r.Context(), rq.Actor(r), f)
	if err != nil {
		return err
	}
	total, err := s.db.AuditCount(r.Context(), rq.Actor(r), f)
	if err != nil {
		return err
	}
	d := auditData{Q: q, Pager: web.NewPager(r, page, f.Limit, total)}
	for _, e := range es {
		d.Entries = append(d.Entries, toAuditEntry(e))
	}
	return s.Render(w, http.StatusOK, "audit", s.NewPage(r, rq, "audit.title", d))
}
