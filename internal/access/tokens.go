package access

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/kexie/kexie/internal/auth"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/sqldb"
)

// TokenPrefix marks kexie personal API tokens.
const TokenPrefix = "kx_"

// CreateAPIToken issues a personal API token for userID and returns the
// token in clear — the only time it exists outside the caller's hands.
func (svc *Service) CreateAPIToken(ctx context.Context, actor kexie.Actor, userID int64, name string, expires *time.Time) (kexie.APIToken, string, error) {
	name = strings.TrimSpace(name)
	if name == "" || utf8.RuneCountInString(name) > 100 {
		return kexie.APIToken{}, "", kexie.Errorf(kexie.CodeInvalid, "err.token_name", "a token needs a name of at most 100 characters")
	}
	if expires != nil && !expires.After(svc.db.Now()) {
		return kexie.APIToken{}, "", kexie.Errorf(kexie.CodeInvalid, "err.token_expiry", "the expiry date must be in the future")
	}
	secret, err := auth.NewToken(TokenPrefix)
	if err != nil {
		return kexie.APIToken{}, "", err
	}
	t := kexie.APIToken{UserID: userID, Name: name, Prefix: secret[:len(TokenPrefix)+6], ExpiresAt: expires}
	err = svc.db.Write(ctx, actor, func(tx *sqldb.Tx) error {
		if err := ownAccount(tx, userID); err != nil {
			return err
		}
		t.CreatedAt = tx.Now()
		var exp any
		if expires != nil {
			exp = expires.UTC().Truncate(time.Microsecond)
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO api_tokens (user_id, name, prefix, token_hash, created_at, expires_at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, userID, name, t.Prefix, auth.TokenHash(secret), tx.Now(), exp).Scan(&t.ID); err != nil {
			return err
		}
		return tx.Audit(ctx, sqldb.Change{Action: "token.create", ObjectType: "api_token", ObjectID: strconv.FormatInt(t.ID, 10), OrgID: userOrg(ctx, tx, userID),
			After: map[string]any{"user_id": userID, "name": name, "prefix": t.Prefix, "expires_at": exp}})
	})
	return t, secret, err
}

// APITokens lists a user's tokens, newest first.
func (svc *Service) APITokens(ctx context.Context, userID int64) ([]kexie.APIToken, error) {
	rows, err := svc.db.Reader().QueryContext(ctx, `SELECT id, user_id, name, prefix, created_at, last_used_at, expires_at, revoked_at IS NOT NULL
		FROM api_tokens WHERE user_id = $1 ORDER BY id DESC`, userID)
	if err != nil {
		return nil, sqldb.MapErr(err)
	}
	defer rows.Close()
	var out []kexie.APIToken
	for rows.Next() {
		var t kexie.APIToken
		var used, exp sql.Null[time.Time]
		if err := rows.Scan(&t.ID, &t.UserID, &t.Name, &t.Prefix, &t.CreatedAt, &used, &exp, &t.Revoked); err != nil {
			return nil, sqldb.MapErr(err)
		}
		if used.Valid {
			u := used.V.UTC()
			t.LastUsed = &u
		}
		if exp.Valid {
			e := exp.V.UTC()
			t.ExpiresAt = &e
		}
		t.CreatedAt = t.CreatedAt.UTC()
		out = append(out, t)
	}
	return out, sqldb.MapErr(rows.Err())
}

// RevokeAPIToken revokes one of userID's tokens.
func (svc *Service) RevokeAPIToken(ctx context.Context, actor kexie.Actor, userID, tokenID int64) error {
	return svc.db.Write(ctx, actor, func(tx *sqldb.Tx) error {
		if err := ownAccount(tx, userID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL`, tx.Now(), tokenID, userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return kexie.Errorf(kexie.CodeNotFound, "err.token_not_found", "no such active token")
		}
		return tx.Audit(ctx, sqldb.Change{Action: "token.revoke", ObjectType: "api_token", ObjectID: strconv.FormatInt(tokenID, 10), OrgID: userOrg(ctx, tx, userID),
			Before: map[string]any{"revoked": false}, After: map[string]any{"revoked": true}})
	})
}

// UserByAPIToken resolves a bearer token. Unknown, revoked, expired tokens
// and disabled users are all ErrUnauthorized.
func (svc *Service) UserByAPIToken(ctx context.Context, secret string) (kexie.User, error) {
	gen, err := svc.db.Generation(ctx)
	if err != nil {
		return kexie.User{}, err
	}
	return svc.UserByAPITokenAt(ctx, gen, secret)
}

// UserByAPITokenAt is UserByAPIToken with the generation the caller read
// before it (who.go).
func (svc *Service) UserByAPITokenAt(ctx context.Context, gen sqldb.Generation, secret string) (kexie.User, error) {
	unauth := kexie.Errorf(kexie.CodeUnauthorized, "err.token_invalid", "invalid or expired API token")
	if !strings.HasPrefix(secret, TokenPrefix) {
		return kexie.User{}, unauth
	}
	hash := auth.TokenHash(secret)
	now := svc.db.Now()
	key := "t:" + hash
	if e, ok := svc.who.get(key, gen); ok {
		if (e.expires.IsZero() || now.Before(e.expires)) && now.Sub(e.lastTouch) < touchEvery {
			return e.user, nil
		}
		svc.who.drop(key)
	}
	// The token, its user and the user's grants in one query, as for a
	// session.
	var id int64
	var exp, used sql.Null[time.Time]
	var revoked bool
	var u kexie.User
	rows, err := svc.db.Reader().QueryContext(ctx, `SELECT t.id, t.expires_at, t.last_used_at, t.revoked_at IS NOT NULL,
			u.id, u.username, u.display_name, u.email, u.lang, u.must_change_password, u.disabled_at IS NOT NULL, u.created_at,
			`+grantColumns+`
		FROM api_tokens t JOIN users u ON u.id = t.user_id `+grantJoin+` WHERE t.token_hash = $1 ORDER BY o.code, g.role`, hash)
	if err != nil {
		return kexie.User{}, sqldb.MapErr(err)
	}
	found, err := readWithGrants(rows, &u, &id, &exp, &used, &revoked)
	if err != nil {
		return kexie.User{}, sqldb.MapErr(err)
	}
	if !found {
		return kexie.User{}, unauth
	}
	u.CreatedAt = u.CreatedAt.UTC()
	if revoked || u.Disabled || (exp.Valid && !now.Before(exp.V)) {
		return kexie.User{}, unauth
	}
	touched := used.V
	if !used.Valid || now.Sub(used.V) >= touchEvery {
		if _, err := svc.db.Writer().ExecContext(ctx, `UPDATE api_tokens SET last_used_at = $1 WHERE id = $2`, now, id); err != nil {
			return kexie.User{}, sqldb.MapErr(err)
		}
		touched = now
	}
	e := whoEntry{user: u, lastTouch: touched}
	if exp.Valid {
		e.expires = exp.V
	}
	svc.who.put(key, gen, e)
	return u, nil
}
