package auth

import (
	"sync"
	"time"
)

// Limiter counts failed sign-ins per key (an account name, an address) in a
// sliding window and refuses further attempts once a key has reached its
// limit. It is owned by the server, never global, and forgets idle keys.
type Limiter struct {
	mu     sync.Mutex
	limit  int
	window time.Duration
	fails  map[string][]time.Time
	now    func() time.Time
}

// NewLimiter allows limit failures per key within window.
func NewLimiter(limit int, window time.Duration, now func() time.Time) *Limiter {
	if now == nil {
		now = time.Now
	}
	return &Limiter{limit: limit, window: window, fails: map[string][]time.Time{}, now: now}
}

// Take reserves an attempt for key: it reports false when key has reached
// its limit, and otherwise counts the attempt as a failure at once, before
// the (slow) password check runs — so parallel attempts cannot all slip
// through between a check and a later count. Call Forgive on success.
func (l *Limiter) Take(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	ts := l.recent(key)
	if len(ts) >= l.limit {
		return false
	}
	l.fails[key] = append(ts, l.now())
	if len(l.fails) > 100_000 {
		l.sweep()
	}
	return true
}

// Wait is how long key must wait before Take can succeed again: 0 when it
// is under its limit, else until its oldest failure that keeps it at the
// limit leaves the window.
func (l *Limiter) Wait(key string) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	ts := l.recent(key)
	if len(ts) < l.limit {
		return 0
	}
	return ts[len(ts)-l.limit].Add(l.window).Sub(l.now())
}

// Forgive withdraws the attempt most recently reserved by Take, after it
// succeeded.
func (l *Limiter) Forgive(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if ts := l.fails[key]; len(ts) > 0 {
		l.fails[key] = ts[:len(ts)-1]
		if len(l.fails[key]) == 0 {
			delete(l.fails, key)
		}
	}
}

// Reset forgets key's failures (after a successful sign-in).
func (l *Limiter) Reset(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.fails, key)
}

func (l *Limiter) recent(key string) []time.Time {
	cut := l.now().Add(-l.window)
	ts := l.fails[key]
	i := 0
	for i < len(ts) && !ts[i].After(cut) {
		i++
	}
	ts = ts[i:]
	if len(ts) == 0 {
		delete(l.fails, key)
		return nil
	}
	l.fails[key] = ts
	return ts
}

// sweep drops keys whose failures have all left the window, bounding memory
// under a spray of distinct keys.
func (l *Limiter) sweep() {
	for k := range l.fails {
		l.recent(k)
	}
}
