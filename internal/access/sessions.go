package access

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"time"

	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/sqldb"
)

// SessionPolicy bounds a session's life: it ends after Idle without a
// request, and after Absolute whatever happens.
type SessionPolicy struct {
	Idle     time.Duration
	Absolute time.Duration
}

// DefaultSessionPolicy: half an hour idle, twelve hours in all.
var DefaultSessionPolicy = SessionPolicy{Idle: 30 * time.Minute, Absolute: 12 * time.Hour}

// touchEvery limits last-seen writes to one a minute per session, so reads
// do not each cost a write.
const touchEvery = time.Minute

// CreateSession starts a session for a user who has just signed in.
// endSession, when not empty, is the hash of the session the browser
// presented before signing in: it is deleted in the same transaction, so a
// session fixed by an attacker never becomes authenticated (the token
// rotates at every sign-in).
func (svc *Service) CreateSession(ctx context.Context, actor kexie.Actor, userID int64, tokenHash, endSession, userAgent string, p SessionPolicy) (kexie.Session, error) {
	var s kexie.Session
	if len(userAgent) > 300 {
		userAgent = userAgent[:300]
	}
	err := svc.db.Write(ctx, actor, func(tx *sqldb.Tx) error {
		if endSession != "" {
			if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = $1`, endSession); err != nil {
				return err
			}
		}
		s = kexie.Session{UserID: userID, CreatedAt: tx.Now(), LastSeen: tx.Now(), ExpiresAt: tx.Now().Add(p.Absolute)}
		if err := tx.QueryRowContext(ctx, `INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at, source, user_agent)
			VALUES ($1, $2, $3, $3, $4, $5, $6) RETURNING id`, tokenHash, userID, tx.Now(), s.ExpiresAt, actor.Source, userAgent).Scan(&s.ID); err != nil {
			return err
		}
		return tx.Audit(ctx, sqldb.Change{Action: "auth.login", ObjectType: "user", ObjectID: strconv.FormatInt(userID, 10), OrgID: userOrg(ctx, tx, userID),
			After: map[string]any{"session": s.ID, "user_agent": userAgent}})
	})
	return s, err
}

// Session resolves a session token hash to its session and user. A missing,
// expired (idle or absolute) or disabled user's session is ErrUnauthorized;
// expired sessions are deleted on the way.
func (svc *Service) Session(ctx context.Context, tokenHash string, p SessionPolicy) (kexie.Session, kexie.User, error) {
	gen, err := svc.db.Generation(ctx)
	if err != nil {
		return kexie.Session{}, kexie.User{}, err
	}
	return svc.SessionAt(ctx, gen, tokenHash, p)
}

// SessionAt is Session with the generation the caller read before it
// (who.go): the session, its user and grants kept since are used while it
// holds.
func (svc *Service) SessionAt(ctx context.Context, gen sqldb.Generation, tokenHash string, p SessionPolicy) (kexie.Session, kexie.User, error) {
	unauth := kexie.Errorf(kexie.CodeUnauthorized, "err.session_expired", "your session has ended; please sign in again")
	now := svc.db.Now()
	key := "s:" + tokenHash
	if e, ok := svc.who.get(key, gen); ok {
		s := e.session
		if now.Before(s.ExpiresAt) && now.Before(s.LastSeen.Add(p.Idle)) && now.Sub(s.LastSeen) < touchEvery {
			return s, e.user, nil
		}
		// Past a limit, or due its last-seen write: read as if not kept.
		svc.who.drop(key)
	}
	var s kexie.Session
	// The session, its user and the user's grants in one query (every
	// signed-in request that finds nothing kept comes through here).
	var u kexie.User
	rows, err := svc.db.Reader().QueryContext(ctx, `SELECT s.id, s.created_at, s.last_seen_at, s.expires_at,
			u.id, u.username, u.display_name, u.email, u.lang, u.must_change_password, u.disabled_at IS NOT NULL, u.created_at,
			`+grantColumns+`
		FROM sessions s JOIN users u ON u.id = s.user_id `+grantJoin+` WHERE s.token_hash = $1 ORDER BY o.code, g.role`, tokenHash)
	if err != nil {
		return s, kexie.User{}, sqldb.MapErr(err)
	}
	found, err := readWithGrants(rows, &u, &s.ID, &s.CreatedAt, &s.LastSeen, &s.ExpiresAt)
	if err != nil {
		return s, kexie.User{}, sqldb.MapErr(err)
	}
	if !found {
		return s, kexie.User{}, unauth
	}
	s.UserID, u.CreatedAt = u.ID, u.CreatedAt.UTC()
	if u.Disabled || !now.Before(s.ExpiresAt) || !now.Before(s.LastSeen.Add(p.Idle)) {
		if _, err := svc.db.Writer().ExecContext(ctx, `DELETE FROM sessions WHERE id = $1`, s.ID); err != nil {
			return s, kexie.User{}, sqldb.MapErr(err)
		}
		return s, kexie.User{}, unauth
	}
	if now.Sub(s.LastSeen) >= touchEvery {
		if _, err := svc.db.Writer().ExecContext(ctx, `UPDATE sessions SET last_seen_at = $1 WHERE id = $2`, now, s.ID); err != nil {
			return s, kexie.User{}, sqldb.MapErr(err)
		}
		s.LastSeen = now
	}
	svc.who.put(key, gen, whoEntry{session: s, user: u})
	return s, u, nil
}

// EndSession signs a session out (logout).
func (svc *Service) EndSession(ctx context.Context, actor kexie.Actor, tokenHash string) error {
	return svc.db.Write(ctx, actor, func(tx *sqldb.Tx) error {
		var id, userID int64
		err := tx.QueryRowContext(ctx, `DELETE FROM sessions WHERE token_hash = $1 RETURNING id, user_id`, tokenHash).Scan(&id, &userID)
		if errors.Is(err, sql.ErrNoRows) {
			return nil // already gone: signing out twice is not an error
		}
		if err != nil {
			return err
		}
		return tx.Audit(ctx, sqldb.Change{Action: "auth.logout", ObjectType: "user", ObjectID: strconv.FormatInt(userID, 10), OrgID: userOrg(ctx, tx, userID),
			Before: map[string]any{"session": id}})
	})
}

// PurgeSessions deletes sessions past either limit; the server runs it
// periodically. Expired sessions hold no state worth auditing.
func (svc *Service) PurgeSessions(ctx context.Context, p SessionPolicy) (int64, error) {
	now := svc.db.Now()
	res, err := svc.db.Writer().ExecContext(ctx, `DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at <= $2`, now, now.Add(-p.Idle))
	if err != nil {
		return 0, sqldb.MapErr(err)
	}
	n, _ := res.RowsAffected()
	return n, nil
}

// CountSessions counts a user's live session rows (for tests and the
// account page).
func (svc *Service) CountSessions(ctx context.Context, userID int64) (int64, error) {
	var n int64
	err := svc.db.Reader().QueryRowContext(ctx, `SELECT COUNT(*) FROM sessions WHERE user_id = $1`, userID).Scan(&n)
	return n, sqldb.MapErr(err)
}
