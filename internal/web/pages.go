package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/kexie/kexie/internal/auth"
	"github.com/kexie/kexie/internal/i18n"
	"github.com/kexie/kexie/internal/kexie"
)

func (s *Server) healthz(w http.ResponseWriter, r *http.Request, _ *Request) error {
	if err := s.db.Ping(r.Context()); err != nil {
		s.log.Warn("health check failed", "err", err)
		return WriteJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "database": "down"})
	}
	return WriteJSON(w, http.StatusOK, map[string]string{"status": "ok", "database": string(s.db.Dialect()), "version": s.cfg.Version})
}

func (s *Server) metricsHandler(w http.ResponseWriter, r *http.Request, _ *Request) error {
	promhttp.HandlerFor(s.metrics.reg, promhttp.HandlerOpts{}).ServeHTTP(w, r)
	return nil
}

func (s *Server) openAPI(w http.ResponseWriter, _ *http.Request, _ *Request) error {
	w.Header().Set("Content-Type", "application/json")
	_, err := w.Write(s.openAPIDoc)
	return err
}

func (s *Server) home(w http.ResponseWriter, r *http.Request, rq *Request) error {
	return s.Render(w, http.StatusOK, "home", s.NewPage(r, rq, "home.title", nil))
}

// setLang switches the interface language: remembered in a cookie, and on
// the account of a signed-in user so it follows them to other browsers.
func (s *Server) setLang(w http.ResponseWriter, r *http.Request, rq *Request) error {
	lang := i18n.Normalize(r.PostFormValue("lang"))
	if lang == "" {
		return kexie.Errorf(kexie.CodeInvalid, "err.lang", "unknown language")
	}
	s.SetCookie(w, r, LangCookie, lang, 365*24*time.Hour)
	if rq.User != nil && !rq.ViaBearer {
		if err := s.acc.SetUserLang(r.Context(), rq.Actor(r), rq.User.ID, lang); err != nil {
			return err
		}
	}
	http.Redirect(w, r, SafeNext(r.PostFormValue("next")), http.StatusSeeOther)
	return nil
}

// ParseDay reads a YYYY-MM-DD date (kexie.ParseDay) as the instant it
// begins in Beijing, for filters and expiries. Years are bounded so that
// every date stays a four-digit year after adding a day: times compare as
// text on SQLite, and year 10000 would sort before year 2026.
func ParseDay(s string) (time.Time, error) {
	d, err := kexie.ParseDay(s)
	if err != nil || d.Year() < 1900 || d.Year() > 9000 {
		return time.Time{}, kexie.Errorf(kexie.CodeInvalid, "err.date", "dates are written YYYY-MM-DD, between 1900 and 9000")
	}
	return d.Start(), nil
}

func PathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, kexie.Errorf(kexie.CodeNotFound, "err.not_found", "not found")
	}
	return id, nil
}

// ensureAnon gives a visitor the anonymous cookie that binds form tokens
// before sign-in, and recomputes the token for the page being rendered.
func (s *Server) EnsureAnon(w http.ResponseWriter, r *http.Request, rq *Request) error {
	if rq.Anon != "" {
		return nil
	}
	v, err := auth.NewToken("")
	if err != nil {
		return err
	}
	s.SetCookie(w, r, AnonCookie, v, 24*time.Hour)
	rq.Anon = v
	rq.CSRF = s.CSRFToken(rq)
	return nil
}

// Day is today's date in Beijing, as midnight UTC (how dates are held).
func (s *Server) Day() time.Time { return kexie.Today(s.db.Now()).MidnightUTC() }

// Today is today's date in Beijing, written YYYY-MM-DD.
func (s *Server) Today() string { return kexie.Today(s.db.Now()).String() }

// LoadByCode is the toolkit's scoped loader for objects named by a {code}
// path value: it hands the code, with the caller as actor and the
// permission the route needs, to a domain's loader, which answers
// not_found for an object outside the caller's subtrees.
func LoadByCode[T any](r *http.Request, rq *Request, p kexie.Permission, load func(context.Context, kexie.Actor, kexie.Permission, string) (T, error)) (T, error) {
	return load(r.Context(), rq.Actor(r), p, r.PathValue("code"))
}

// LoadByID is LoadByCode for objects named by an {id} path value.
func LoadByID[T any](r *http.Request, rq *Request, p kexie.Permission, load func(context.Context, kexie.Actor, kexie.Permission, int64) (T, error)) (T, error) {
	id, err := PathID(r)
	if err != nil {
		var zero T
		return zero, err
	}
	return load(r.Context(), rq.Actor(r), p, id)
}

// decodeJSON reads a JSON body strictly: unknown fields and trailing data
// are errors, so a typo in a field name is reported, not ignored.
func DecodeJSON(r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		return kexie.Errorf(kexie.CodeInvalid, "err.json_content_type", "send the body as application/json")
	}
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return err
	}
	if !utf8.Valid(body) || bytes.IndexByte(body, 0) >= 0 || bytes.Contains(bytes.ToLower(body), []byte(`\u0000`)) {
		// Not UTF-8 (encoding/json would store U+FFFD instead), or a NUL
		// (stored by SQLite, refused by PostgreSQL): refused on both alike.
		// encoding/json would turn the bad bytes into U+FFFD silently.
		return kexie.Errorf(kexie.CodeInvalid, "err.json", "the request body is not valid JSON for this operation")
	}
	dec = json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return err
		}
		return kexie.Wrap(kexie.CodeInvalid, "err.json", "the request body is not valid JSON for this operation", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return kexie.Errorf(kexie.CodeInvalid, "err.json", "the request body is not valid JSON for this operation")
	}
	return nil
}

// pageQuery reads offset and limit (default 50, at most 500).
func PageQuery(r *http.Request) (offset, limit int, err error) {
	offset, limit = 0, 50
	q := r.URL.Query()
	for k, p := range map[string]*int{"offset": &offset, "limit": &limit} {
		if v := q.Get(k); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				return 0, 0, kexie.Errorf(kexie.CodeInvalid, "err.number", "%s must be a positive whole number", k)
			}
			*p = n
		}
	}
	return offset, min(max(limit, 1), 500), nil
}

func PageParam(r *http.Request) int {
	p, _ := strconv.Atoi(r.URL.Query().Get("page"))
	return max(p, 1)
}

// PageLinks builds previous/next links for a list page, keeping the other
// query parameters (lists whose total is not counted; the others take a
// numbered Pager).
func PageLinks(r *http.Request, page int, more bool) (prev, next string) {
	q := r.URL.Query()
	if page > 1 {
		q.Set("page", strconv.Itoa(page-1))
		prev = r.URL.Path + "?" + q.Encode()
	}
	if more {
		q.Set("page", strconv.Itoa(page+1))
		next = r.URL.Path + "?" + q.Encode()
	}
	return
}

// Pager is a list's total and its pages by number: the first and last
// pages, and two either side of the current one, with gaps between.
type Pager struct {
	Total, Page, Pages int
	Prev, Next         string
	Links              []PageLink
	// TotalID is the element id of the total ("list-total" when empty):
	// a page with two lists names the second one's.
	TotalID string
}

// PageLink is one page's link in a Pager; Gap stands for the pages left out.
type PageLink struct {
	N       int
	Href    string
	Current bool
	Gap     bool
}

// NewPager pages total items perPage at a time, page being the current
// one; links keep the request's other query parameters.
func NewPager(r *http.Request, page, perPage, total int) Pager {
	return NewPagerKey(r, "page", page, perPage, total)
}

// PageParamKey is PageParam for a list paged by another parameter (the
// second list of a page).
func PageParamKey(r *http.Request, key string) int {
	p, _ := strconv.Atoi(r.URL.Query().Get(key))
	return max(p, 1)
}

// NewPagerKey is NewPager for a list whose page number is the query
// parameter key, so that two lists on one page page apart.
func NewPagerKey(r *http.Request, key string, page, perPage, total int) Pager {
	p := Pager{Total: total, Page: page, Pages: max(1, (total+perPage-1)/perPage)}
	q := r.URL.Query()
	href := func(n int) string {
		q.Set(key, strconv.Itoa(n))
		return r.URL.Path + "?" + q.Encode()
	}
	if page > 1 {
		p.Prev = href(page - 1)
	}
	if page < p.Pages {
		p.Next = href(page + 1)
	}
	last := 0
	for n := 1; n <= p.Pages; n++ {
		if n != 1 && n != p.Pages && (n < page-2 || n > page+2) {
			continue
		}
		if last != 0 && n > last+1 {
			p.Links = append(p.Links, PageLink{Gap: true})
		}
		p.Links = append(p.Links, PageLink{N: n, Href: href(n), Current: n == page})
		last = n
	}
	return p
}

// Mount is the Domain a domain package's Register returns: its pages
// (templates/*.html in assets) join the toolkit's, its part of the OpenAPI
// document (openapi.json in assets: {"paths": …}) joins the document, then
// routes declares its routes.
func Mount(assets fs.FS, routes func(k *Server)) Domain {
	return func(k *Server) error {
		k.AddTemplates(assets)
		if part, err := fs.ReadFile(assets, "openapi.json"); err == nil {
			k.openAPIParts = append(k.openAPIParts, part)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		routes(k)
		return nil
	}
}

// mergeOpenAPI is the served OpenAPI document: the toolkit's (info,
// servers, security, tags, shared components, its own paths) with each
// domain's paths. Two parts describing one path and method stop the
// server from starting.
func mergeOpenAPI(base []byte, parts [][]byte) ([]byte, error) {
	var doc map[string]any
	if err := json.Unmarshal(base, &doc); err != nil {
		return nil, fmt.Errorf("openapi: %w", err)
	}
	paths, _ := doc["paths"].(map[string]any)
	if paths == nil {
		paths = map[string]any{}
	}
	for _, part := range parts {
		var p struct {
			Paths map[string]map[string]any `json:"paths"`
		}
		if err := json.Unmarshal(part, &p); err != nil {
			return nil, fmt.Errorf("openapi part: %w", err)
		}
		for path, ops := range p.Paths {
			item, _ := paths[path].(map[string]any)
			if item == nil {
				item = map[string]any{}
				paths[path] = item
			}
			for method, op := range ops {
				if _, dup := item[method]; dup {
					return nil, fmt.Errorf("openapi: %s %s described twice", method, path)
				}
				item[method] = op
			}
		}
	}
	doc["paths"] = paths
	return json.MarshalIndent(doc, "", "  ")
}
