package access

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/sqldb"
)

// Who asks, kept between requests. Every request names its caller by a
// session or an API token, and reading the session (or token), its user
// and the user's grants is one query: on PostgreSQL one round trip, more
// than the rest of a small API answer. What it read is kept, under the
// database's generation read before it (sqldb.Generation), and used again
// only while the generation is the same: every change to a user, a role,
// a session or a token is audited, so a disabled account, an ended
// session, a revoked role or token is seen on the next request exactly as
// without keeping. What depends on time alone — a session's idle and
// absolute limits, a token's expiry — is checked on every request against
// the kept times; and the once-a-minute "last seen" write goes through the
// query as before, so a kept session is read again at least every minute.

// whoLimit bounds the callers kept; past it one is let go for each added.
const whoLimit = 4096

type whoEntry struct {
	gen  int64
	user kexie.User
	// Session: its row; token: its expiry (zero: none) and last use.
	session   kexie.Session
	expires   time.Time
	lastTouch time.Time
}

type whoCache struct {
	mu sync.RWMutex
	m  map[string]whoEntry
}

func (c *whoCache) get(key string, gen sqldb.Generation) (whoEntry, bool) {
	if !gen.OK {
		return whoEntry{}, false
	}
	c.mu.RLock()
	e, ok := c.m[key]
	c.mu.RUnlock()
	if !ok || e.gen != gen.N {
		return whoEntry{}, false
	}
	// The caller gets its own grants: nothing it does changes the kept.
	e.user.Grants = slices.Clone(e.user.Grants)
	return e, true
}

func (c *whoCache) put(key string, gen sqldb.Generation, e whoEntry) {
	if !gen.OK {
		return
	}
	e.gen = gen.N
	e.user.Grants = slices.Clone(e.user.Grants)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[string]whoEntry{}
	}
	if _, ok := c.m[key]; !ok && len(c.m) >= whoLimit {
		for k := range c.m { // an arbitrary one
			delete(c.m, k)
			break
		}
	}
	c.m[key] = e
}

func (c *whoCache) drop(key string) {
	c.mu.Lock()
	delete(c.m, key)
	c.mu.Unlock()
}

// Generation reads the database's change counter: what a request keeps or
// uses again is valid under the reading taken before it read anything.
func (svc *Service) Generation(ctx context.Context) (sqldb.Generation, error) {
	return svc.db.Generation(ctx)
}
