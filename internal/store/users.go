package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"

	"github.com/kexie/kexie/internal/auth"
	"github.com/kexie/kexie/internal/kexie"
)

// NewUser is what creating an account takes. Password is the initial
// password in clear; only its argon2id hash is stored.
type NewUser struct {
	Username           string
	DisplayName        string
	Email              string
	Password           string
	MustChangePassword bool
	Role               kexie.Role // optional initial role …
	OrgID              int64      // … on this organisation
}

// CreateUser validates and stores a new account and its initial role, with
// one audit entry, in one transaction.
func (db *DB) CreateUser(ctx context.Context, actor kexie.Actor, nu NewUser) (kexie.User, error) {
	var u kexie.User
	name, err := kexie.NormalizeUsername(nu.Username)
	if err != nil {
		return u, err
	}
	if err := kexie.CheckEmail(nu.Email); err != nil {
		return u, err
	}
	if err := kexie.CheckDisplayName(nu.DisplayName); err != nil {
		return u, err
	}
	if err := auth.CheckPassword(nu.Password); err != nil {
		return u, err
	}
	if nu.Role != "" {
		if _, err := kexie.ParseRole(string(nu.Role)); err != nil {
			return u, err
		}
	}
	hash, err := auth.HashPassword(nu.Password)
	if err != nil {
		return u, err
	}
	err = db.write(ctx, actor, func(tx *Tx) error {
		u = kexie.User{Username: name, DisplayName: nu.DisplayName, Email: nu.Email, MustChangePassword: nu.MustChangePassword, CreatedAt: tx.now}
		err := tx.QueryRowContext(ctx, `INSERT INTO users (username, display_name, email, password_hash, must_change_password, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id`, name, nu.DisplayName, nu.Email, hash, nu.MustChangePassword, tx.now).Scan(&u.ID)
		if errors.Is(mapErr(err), kexie.ErrConflict) {
			return kexie.Errorf(kexie.CodeConflict, "err.username_taken", "user name %q is taken", name)
		}
		if err != nil {
			return fmt.Errorf("insert user: %w", err)
		}
		if err := tx.audit(ctx, Change{Action: "user.create", ObjectType: "user", ObjectID: strconv.FormatInt(u.ID, 10), OrgID: nu.OrgID,
			After: map[string]any{"username": name, "display_name": nu.DisplayName, "email": nu.Email, "password_hash": hash, "must_change_password": nu.MustChangePassword}}); err != nil {
			return err
		}
		if nu.Role != "" {
			return tx.grant(ctx, u.ID, nu.OrgID, nu.Role)
		}
		return nil
	})
	return u, err
}

func (tx *Tx) grant(ctx context.Context, userID, orgID int64, role kexie.Role) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO role_grants (user_id, org_id, role, created_at) VALUES ($1, $2, $3, $4)`,
		userID, orgID, string(role), tx.now); err != nil {
		if errors.Is(mapErr(err), kexie.ErrConflict) {
			return kexie.Errorf(kexie.CodeConflict, "err.grant_exists", "the user already holds this role there")
		}
		if errors.Is(mapErr(err), kexie.ErrInvalid) {
			return kexie.Errorf(kexie.CodeInvalid, "err.org_not_found", "no such organisation")
		}
		return fmt.Errorf("grant: %w", err)
	}
	return tx.audit(ctx, Change{Action: "user.grant", ObjectType: "user", ObjectID: strconv.FormatInt(userID, 10), OrgID: orgID,
		After: map[string]any{"role": string(role), "org_id": orgID}})
}

// GrantRole gives userID role on orgID (and so on its subtree).
func (db *DB) GrantRole(ctx context.Context, actor kexie.Actor, userID, orgID int64, role kexie.Role) error {
	if _, err := kexie.ParseRole(string(role)); err != nil {
		return err
	}
	return db.write(ctx, actor, func(tx *Tx) error { return tx.grant(ctx, userID, orgID, role) })
}

// RevokeRole removes one role grant.
func (db *DB) RevokeRole(ctx context.Context, actor kexie.Actor, userID, orgID int64, role kexie.Role) error {
	return db.write(ctx, actor, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM role_grants WHERE user_id = $1 AND org_id = $2 AND role = $3`, userID, orgID, string(role))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return kexie.Errorf(kexie.CodeNotFound, "err.grant_not_found", "the user does not hold this role there")
		}
		return tx.audit(ctx, Change{Action: "user.revoke", ObjectType: "user", ObjectID: strconv.FormatInt(userID, 10), OrgID: orgID,
			Before: map[string]any{"role": string(role), "org_id": orgID}})
	})
}

const userColumns = `id, username, display_name, email, lang, must_change_password, disabled_at IS NOT NULL, created_at`

func scanUser(s scanner) (kexie.User, error) {
	var u kexie.User
	err := s.Scan(&u.ID, &u.Username, &u.DisplayName, &u.Email, &u.Lang, &u.MustChangePassword, &u.Disabled, &u.CreatedAt)
	u.CreatedAt = u.CreatedAt.UTC()
	return u, mapErr(err)
}

// UserByID returns a user with their role grants.
func (db *DB) UserByID(ctx context.Context, id int64) (kexie.User, error) {
	u, err := scanUser(db.r.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, id))
	if err != nil {
		if errors.Is(err, kexie.ErrNotFound) {
			return u, kexie.Errorf(kexie.CodeNotFound, "err.user_not_found", "no such user")
		}
		return u, err
	}
	u.Grants, err = db.Grants(ctx, id)
	return u, err
}

// UserByName returns a user by user name (normalised).
func (db *DB) UserByName(ctx context.Context, username string) (kexie.User, error) {
	name, err := kexie.NormalizeUsername(username)
	if err != nil {
		return kexie.User{}, kexie.Errorf(kexie.CodeNotFound, "err.user_not_found", "no such user")
	}
	var id int64
	if err := db.r.QueryRowContext(ctx, `SELECT id FROM users WHERE username = $1`, name).Scan(&id); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return kexie.User{}, kexie.Errorf(kexie.CodeNotFound, "err.user_not_found", "no such user")
		}
		return kexie.User{}, mapErr(err)
	}
	return db.UserByID(ctx, id)
}

// Grants lists a user's roles with their organisations.
func (db *DB) Grants(ctx context.Context, userID int64) ([]kexie.Grant, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT g.user_id, g.role, o.id, o.code, o.name_zh, o.name_en FROM role_grants g JOIN orgs o ON o.id = g.org_id
		WHERE g.user_id = $1 ORDER BY o.code, g.role`, userID)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []kexie.Grant
	for rows.Next() {
		var g kexie.Grant
		var role string
		if err := rows.Scan(&g.UserID, &role, &g.OrgID, &g.OrgCode, &g.OrgName, &g.OrgNameEN); err != nil {
			return nil, mapErr(err)
		}
		g.Role = kexie.Role(role)
		out = append(out, g)
	}
	return out, mapErr(rows.Err())
}

// ListUsers lists, by user name, the accounts viewer may manage: all of them
// for a system administrator, otherwise those whose every role lies inside
// the viewer's user.manage subtrees (so no role outside them is shown).
// offset/limit page the list.
func (db *DB) ListUsers(ctx context.Context, viewer int64, offset, limit int) ([]kexie.User, error) {
	sys, err := db.isSysAdmin(ctx, viewer)
	if err != nil {
		return nil, err
	}
	q := `SELECT ` + userColumns + ` FROM users u`
	var args []any
	if !sys {
		q += ` WHERE ` + manageable("$1", "u.id")
		args = append(args, viewer)
	}
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	q += ` ORDER BY username LIMIT ` + strconv.Itoa(limit) + ` OFFSET ` + strconv.Itoa(max(offset, 0))
	rows, err := db.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []kexie.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, mapErr(err)
	}
	for i := range out {
		if out[i].Grants, err = db.Grants(ctx, out[i].ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Authenticate checks a user name and password. Every failure — unknown
// user, wrong password, disabled account — is the same ErrUnauthorized, and
// an unknown user costs as much time as a wrong password, so the answer
// reveals nothing about which accounts exist.
func (db *DB) Authenticate(ctx context.Context, username, password string) (kexie.User, error) {
	fail := kexie.Errorf(kexie.CodeUnauthorized, "err.login_failed", "user name or password is wrong")
	name, nerr := kexie.NormalizeUsername(username)
	var id int64
	var hash string
	var disabled bool
	err := db.r.QueryRowContext(ctx, `SELECT id, password_hash, disabled_at IS NOT NULL FROM users WHERE username = $1`, name).Scan(&id, &hash, &disabled)
	if nerr != nil || errors.Is(err, sql.ErrNoRows) {
		auth.BurnPasswordCheck(password)
		return kexie.User{}, fail
	}
	if err != nil {
		return kexie.User{}, mapErr(err)
	}
	ok, err := auth.VerifyPassword(password, hash)
	if err != nil {
		return kexie.User{}, fmt.Errorf("user %d: %w", id, err)
	}
	if !ok || disabled {
		return kexie.User{}, fail
	}
	return db.UserByID(ctx, id)
}

// SetPassword replaces a user's password. mustChange forces another change
// at next sign-in (set when an administrator resets it). Other sessions of
// the user end, so a stolen session does not survive a password change;
// keepSession, when not empty, is the token hash of the session to keep. An
// administrator's reset (mustChange) also revokes the user's API tokens: a
// reset is what one does after a compromise, and a token an intruder made
// must not outlive it.
func (db *DB) SetPassword(ctx context.Context, actor kexie.Actor, userID int64, password string, mustChange bool, keepSession string) error {
	if err := auth.CheckPassword(password); err != nil {
		return err
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		return err
	}
	return db.write(ctx, actor, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = $1, must_change_password = $2, updated_at = $3 WHERE id = $4`,
			hash, mustChange, tx.now, userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return kexie.Errorf(kexie.CodeNotFound, "err.user_not_found", "no such user")
		}
		ended, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2`, userID, keepSession)
		if err != nil {
			return err
		}
		sessions, _ := ended.RowsAffected()
		var tokens int64
		if mustChange {
			revoked, err := tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL`, tx.now, userID)
			if err != nil {
				return err
			}
			tokens, _ = revoked.RowsAffected()
		}
		return tx.audit(ctx, Change{Action: "user.password", ObjectType: "user", ObjectID: strconv.FormatInt(userID, 10), OrgID: tx.userOrg(ctx, userID),
			After: map[string]any{"password_hash": hash, "must_change_password": mustChange, "sessions_ended": sessions, "tokens_revoked": tokens}})
	})
}

// SetUserLang remembers a user's interface language.
func (db *DB) SetUserLang(ctx context.Context, actor kexie.Actor, userID int64, lang string) error {
	return db.write(ctx, actor, func(tx *Tx) error {
		var before string
		if err := tx.QueryRowContext(ctx, `SELECT lang FROM users WHERE id = $1`, userID).Scan(&before); err != nil {
			return err
		}
		if before == lang {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET lang = $1, updated_at = $2 WHERE id = $3`, lang, tx.now, userID); err != nil {
			return err
		}
		return tx.audit(ctx, Change{Action: "user.lang", ObjectType: "user", ObjectID: strconv.FormatInt(userID, 10), OrgID: tx.userOrg(ctx, userID),
			Before: map[string]any{"lang": before}, After: map[string]any{"lang": lang}})
	})
}

// DisableUser disables an account: its sessions end and its API tokens are
// revoked in the same transaction, so nothing it holds works afterwards.
func (db *DB) DisableUser(ctx context.Context, actor kexie.Actor, userID int64) error {
	return db.write(ctx, actor, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET disabled_at = $1, updated_at = $1 WHERE id = $2 AND disabled_at IS NULL`, tx.now, userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			var exists bool
			if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM users WHERE id = $1)`, userID).Scan(&exists); err != nil {
				return err
			}
			if !exists {
				return kexie.Errorf(kexie.CodeNotFound, "err.user_not_found", "no such user")
			}
			return kexie.Errorf(kexie.CodeConflict, "err.user_disabled_already", "the user is already disabled")
		}
		var sessions, tokens int64
		r1, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, userID)
		if err != nil {
			return err
		}
		sessions, _ = r1.RowsAffected()
		r2, err := tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL`, tx.now, userID)
		if err != nil {
			return err
		}
		tokens, _ = r2.RowsAffected()
		return tx.audit(ctx, Change{Action: "user.disable", ObjectType: "user", ObjectID: strconv.FormatInt(userID, 10), OrgID: tx.userOrg(ctx, userID),
			Before: map[string]any{"disabled": false}, After: map[string]any{"disabled": true, "sessions_ended": sessions, "tokens_revoked": tokens}})
	})
}

// EnableUser re-enables a disabled account.
func (db *DB) EnableUser(ctx context.Context, actor kexie.Actor, userID int64) error {
	return db.write(ctx, actor, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET disabled_at = NULL, updated_at = $1 WHERE id = $2 AND disabled_at IS NOT NULL`, tx.now, userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return kexie.Errorf(kexie.CodeConflict, "err.user_not_disabled", "the user is not disabled")
		}
		return tx.audit(ctx, Change{Action: "user.enable", ObjectType: "user", ObjectID: strconv.FormatInt(userID, 10), OrgID: tx.userOrg(ctx, userID),
			Before: map[string]any{"disabled": true}, After: map[string]any{"disabled": false}})
	})
}

// userOrg is the organisation an audit entry about a user is filed under:
// the user's earliest role grant, so auditors of that subtree see it. 0 (the
// system) when the user holds no role.
func (tx *Tx) userOrg(ctx context.Context, userID int64) int64 {
	var org int64
	if err := tx.QueryRowContext(ctx, `SELECT org_id FROM role_grants WHERE user_id = $1 ORDER BY id LIMIT 1`, userID).Scan(&org); err != nil {
		return 0
	}
	return org
}

// CountUsers counts accounts (used by --demo to tell a fresh database).
func (db *DB) CountUsers(ctx context.Context) (int64, error) {
	var n int64
	err := db.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM users`).Scan(&n)
	return n, mapErr(err)
}
