package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"time"

	"github.com/kexie/kexie/internal/kexie"
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
func (db *DB) CreateSession(ctx context.Context, actor kexie.Actor, userID int64, tokenHash, endSession, userAgent string, p SessionPolicy) (kexie.Session, error) {
	var s kexie.Session
	if len(userAgent) > 300 {
		userAgent = userAgent[:300]
	}
	err := db.write(ctx, actor, func(tx *Tx) error {
		if endSession != "" {
			if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = $1`, endSession); err != nil {
				return err
			}
		}
		s = kexie.Session{UserID: userID, CreatedAt: tx.now, LastSeen: tx.now, ExpiresAt: tx.now.Add(p.Absolute)}
		if err := tx.QueryRowContext(ctx, `INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at, source, user_agent)
			VALUES ($1, $2, $3, $3, $4, $5, $6) RETURNING id`, tokenHash, userID, tx.now, s.ExpiresAt, actor.Source, userAgent).Scan(&s.ID); err != nil {
			return err
		}
		return tx.audit(ctx, Change{Action: "auth.login", ObjectType: "user", ObjectID: strconv.FormatInt(userID, 10), OrgID: tx.userOrg(ctx, userID),
			After: map[string]any{"session": s.ID, "user_agent": userAgent}})
	})
	return s, err
}

// Session resolves a session token hash to its session and user. A missing,
// expired (idle or absolute) or disabled user's session is ErrUnauthorized;
// expired sessions are deleted on the way.
func (db *DB) Session(ctx context.Context, tokenHash string, p SessionPolicy) (kexie.Session, kexie.User, error) {
	var s kexie.Session
	var disabled bool
	unauth := kexie.Errorf(kexie.CodeUnauthorized, "err.session_expired", "your session has ended; please sign in again")
	err := db.r.QueryRowContext(ctx, `SELECT s.id, s.user_id, s.created_at, s.last_seen_at, s.expires_at, u.disabled_at IS NOT NULL
		FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1`, tokenHash).
		Scan(&s.ID, &s.UserID, &s.CreatedAt, &s.LastSeen, &s.ExpiresAt, &disabled)
	if errors.Is(err, sql.ErrNoRows) {
		return s, kexie.User{}, unauth
	}
	if err != nil {
		return s, kexie.User{}, mapErr(err)
	}
	now := db.Now()
	if disabled || !now.Before(s.ExpiresAt) || !now.Before(s.LastSeen.Add(p.Idle)) {
		if _, err := db.w.ExecContext(ctx, `DELETE FROM sessions WHERE id = $1`, s.ID); err != nil {
			return s, kexie.User{}, mapErr(err)
		}
		return s, kexie.User{}, unauth
	}
	if now.Sub(s.LastSeen) >= touchEvery {
		if _, err := db.w.ExecContext(ctx, `UPDATE sessions SET last_seen_at = $1 WHERE id = $2`, now, s.ID); err != nil {
			return s, kexie.User{}, mapErr(err)
		}
		s.LastSeen = now
	}
	u, err := db.UserByID(ctx, s.UserID)
	return s, u, err
}

// EndSession signs a session out (logout).
func (db *DB) EndSession(ctx context.Context, actor kexie.Actor, tokenHash string) error {
	return db.write(ctx, actor, func(tx *Tx) error {
		var id, userID int64
		err := tx.QueryRowContext(ctx, `DELETE FROM sessions WHERE token_hash = $1 RETURNING id, user_id`, tokenHash).Scan(&id, &userID)
		if errors.Is(err, sql.ErrNoRows) {
			return nil // already gone: signing out twice is not an error
		}
		if err != nil {
			return err
		}
		return tx.audit(ctx, Change{Action: "auth.logout", ObjectType: "user", ObjectID: strconv.FormatInt(userID, 10), OrgID: tx.userOrg(ctx, userID),
			Before: map[string]any{"session": id}})
	})
}

// PurgeSessions deletes sessions past either limit; the server runs it
// periodically. Expired sessions hold no state worth auditing.
func (db *DB) PurgeSessions(ctx context.Context, p SessionPolicy) (int64, error) {
	now := db.Now()
	res, err := db.w.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at <= $2`, now, now.Add(-p.Idle))
	if err != nil {
		return 0, mapErr(err)
	}
	n, _ := res.RowsAffected()
	return n, nil
}

// CountSessions counts a user's live session rows (for tests and the
// account page).
func (db *DB) CountSessions(ctx context.Context, userID int64) (int64, error) {
	var n int64
	err := db.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM sessions WHERE user_id = $1`, userID).Scan(&n)
	return n, mapErr(err)
}
