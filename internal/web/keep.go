package web

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/kexie/kexie/internal/kexie"
)

// Answers kept. A page such as an organisation's profile reads a dozen
// things and renders a large template: most of its time, and the same
// answer again for as long as nothing changes. A route declared with
// HandleKept keeps its 200 answers per caller (session, or user through a
// token), address, language and day, under the database's generation read
// before the caller was identified (sqldb.Generation: it moves in the
// transaction of every audited change, so nothing kept outlives a change
// it was built from, and nothing is kept by age). Kept answers never
// leave the caller's own session: a page carries its form token and the
// caller's menu. Only routes whose every input is in the key and in
// audited tables may be kept: not the ballot box (unaudited by design),
// not what shows the time of day, not a page that sets a cookie.

// keptLimit and keptBytes bound what is kept; past them one answer is let
// go for each added.
const (
	keptLimit = 2048
	keptBytes = 32 << 20
)

type keptAnswer struct {
	gen         int64
	status      int
	contentType string
	body        []byte
}

type keptAnswers struct {
	mu    sync.RWMutex
	m     map[string]keptAnswer
	bytes int
}

func (k *keptAnswers) get(key string, gen int64) (keptAnswer, bool) {
	k.mu.RLock()
	a, ok := k.m[key]
	k.mu.RUnlock()
	return a, ok && a.gen == gen
}

func (k *keptAnswers) put(key string, a keptAnswer) {
	if len(a.body) > keptBytes/16 {
		return
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.m == nil {
		k.m = map[string]keptAnswer{}
	}
	if old, ok := k.m[key]; ok {
		k.bytes -= len(old.body)
		delete(k.m, key)
	}
	for len(k.m) > 0 && (len(k.m) >= keptLimit || k.bytes+len(a.body) > keptBytes) {
		for key, old := range k.m { // an arbitrary one
			k.bytes -= len(old.body)
			delete(k.m, key)
			break
		}
	}
	k.m[key] = a
	k.bytes += len(a.body)
}

// HandleKept is Handle for a GET route whose answers may be kept (above).
func (s *Server) HandleKept(path string, perm kexie.Permission, h HandlerFunc) {
	s.add(Route{Method: http.MethodGet, Path: path, Perm: perm, API: strings.HasPrefix(path, "/api/"), Handler: h, MaxBody: 1 << 20, Kept: true})
}

// keptKey is where a request's answer is kept, "" when it may not be.
func (s *Server) keptKey(r *http.Request, rq *Request) string {
	if !rq.gen.OK || rq.User == nil || r.Method != http.MethodGet {
		return ""
	}
	if _, err := r.Cookie(flashCookie); err == nil {
		return "" // shown once: this answer is not the next one
	}
	who := rq.SessionHash
	if who == "" {
		who = "u" + strconv.FormatInt(rq.User.ID, 10)
	}
	return who + "\x00" + r.URL.RequestURI() + "\x00" + rq.L.Lang + "\x00" + kexie.Today(s.db.Now()).String()
}

// serveKept answers from what is kept, or runs h and keeps its answer.
func (s *Server) serveKept(w http.ResponseWriter, r *http.Request, rq *Request, h HandlerFunc) error {
	key := s.keptKey(r, rq)
	if key == "" {
		return h(w, r, rq)
	}
	if a, ok := s.kept.get(key, rq.gen.N); ok {
		w.Header().Set("Content-Type", a.contentType)
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(a.status)
		_, err := w.Write(a.body)
		return err
	}
	rec := &keepWriter{ResponseWriter: w, status: http.StatusOK}
	if err := h(rec, r, rq); err != nil {
		return err
	}
	if rec.status == http.StatusOK && w.Header().Get("Set-Cookie") == "" {
		s.kept.put(key, keptAnswer{gen: rq.gen.N, status: rec.status, contentType: w.Header().Get("Content-Type"), body: rec.buf.Bytes()})
	}
	return nil
}

// keepWriter copies an answer as it is written.
type keepWriter struct {
	http.ResponseWriter
	status int
	buf    bytes.Buffer
}

func (w *keepWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

func (w *keepWriter) Write(b []byte) (int, error) {
	w.buf.Write(b)
	return w.ResponseWriter.Write(b)
}

func (w *keepWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
