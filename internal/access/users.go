package access

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"

	"github.com/kexie/kexie/internal/auth"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/sqldb"
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
func (svc *Service) CreateUser(ctx context.Context, actor kexie.Actor, nu NewUser) (kexie.User, error) {
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
	if err := auth.CheckPasswordFor(nu.Password, nu.Username, nu.DisplayName, nu.Email); err != nil {
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
	err = svc.db.Write(ctx, actor, func(tx *sqldb.Tx) error {
		u = kexie.User{Username: name, DisplayName: nu.DisplayName, Email: nu.Email, MustChangePassword: nu.MustChangePassword, CreatedAt: tx.Now()}
		err := tx.QueryRowContext(ctx, `INSERT INTO users (username, display_name, email, password_hash, must_change_password, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id`, name, nu.DisplayName, nu.Email, hash, nu.MustChangePassword, tx.Now()).Scan(&u.ID)
		if errors.Is(sqldb.MapErr(err), kexie.ErrConflict) {
			return kexie.Errorf(kexie.CodeConflict, "err.username_taken", "user name %q is taken", name)
		}
		if err != nil {
			return fmt.Errorf("insert user: %w", err)
		}
		if err := tx.Audit(ctx, sqldb.Change{Action: "user.create", ObjectType: "user", ObjectID: strconv.FormatInt(u.ID, 10), OrgID: nu.OrgID,
			After: map[string]any{"username": name, "display_name": nu.DisplayName, "email": nu.Email, "password_hash": hash, "must_change_password": nu.MustChangePassword}}); err != nil {
			return err
		}
		if nu.Role != "" {
			return grant(ctx, tx, u.ID, nu.OrgID, nu.Role)
		}
		return nil
	})
	return u, err
}

func grant(ctx context.Context, tx *sqldb.Tx, userID, orgID int64, role kexie.Role) error {
	if a := tx.Actor(); !a.IsSystem() && a.UserID == userID {
		// Nobody widens their own powers: another administrator must.
		return kexie.Errorf(kexie.CodeForbidden, "err.grant_self", "you cannot grant a role to yourself")
	}
	// Roles are given only where the actor manages users, and the system
	// administrator's only by a system administrator (kexie.MayGrant).
	if err := managesOrg(ctx, tx, orgID); err != nil {
		return err
	}
	if a := tx.Actor(); !a.IsSystem() && !kexie.MayGrant(kexie.RoleOrgAdmin, role) {
		// Beyond what an organisation administrator may give: a system
		// administrator's to give.
		sys, err := tx.DB().IsSysAdmin(ctx, a.UserID)
		if err != nil {
			return err
		}
		if !sys {
			return kexie.Errorf(kexie.CodeForbidden, "err.grant_forbidden", "you may not grant the role %s", string(role))
		}
	}
	if err := dutiesApart(ctx, tx, userID, orgID, role); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO role_grants (user_id, org_id, role, created_at) VALUES ($1, $2, $3, $4)`,
		userID, orgID, string(role), tx.Now()); err != nil {
		if errors.Is(sqldb.MapErr(err), kexie.ErrConflict) {
			return kexie.Errorf(kexie.CodeConflict, "err.grant_exists", "the user already holds this role there")
		}
		if errors.Is(sqldb.MapErr(err), kexie.ErrInvalid) {
			return kexie.Errorf(kexie.CodeInvalid, "err.org_not_found", "no such organisation")
		}
		return fmt.Errorf("grant: %w", err)
	}
	return tx.Audit(ctx, sqldb.Change{Action: "user.grant", ObjectType: "user", ObjectID: strconv.FormatInt(userID, 10), OrgID: orgID,
		After: map[string]any{"role": string(role), "org_id": orgID}})
}

// dutiesApart refuses a grant that would let one user both record money
// and approve it for the same organisation: a role carrying one of the two
// on orgID, while the user holds a role carrying the other on orgID, one of
// its ancestors or one of its descendants (the subtrees overlap).
func dutiesApart(ctx context.Context, tx *sqldb.Tx, userID, orgID int64, role kexie.Role) error {
	// The user's row first: two grants at once for one user wait for each
	// other, so neither checks before the other has written (PostgreSQL
	// reads committed rows; SQLite has one writer anyway).
	if _, err := tx.ExecContext(ctx, `UPDATE users SET id = id WHERE id = $1`, userID); err != nil {
		return err
	}
	var other kexie.Permission
	switch {
	case kexie.RoleGrants(role, kexie.PermFinanceRecord) && kexie.RoleGrants(role, kexie.PermFinanceApprove):
		return nil // the system administrator's role: everything, on purpose
	case kexie.RoleGrants(role, kexie.PermFinanceRecord):
		other = kexie.PermFinanceApprove
	case kexie.RoleGrants(role, kexie.PermFinanceApprove):
		other = kexie.PermFinanceRecord
	default:
		return nil
	}
	var clash bool
	err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM role_grants g
		WHERE g.user_id = $1 AND g.role IN `+sqldb.RoleList(other)+` AND g.role <> 'sysadmin'
			AND (EXISTS (SELECT 1 FROM org_closure c WHERE c.ancestor_id = g.org_id AND c.descendant_id = $2)
				OR EXISTS (SELECT 1 FROM org_closure c WHERE c.ancestor_id = $2 AND c.descendant_id = g.org_id)))`,
		userID, orgID).Scan(&clash)
	if err != nil {
		return err
	}
	if clash {
		return kexie.Errorf(kexie.CodeConflict, "err.grant_duties", "one person may not both record and approve the same books")
	}
	return nil
}

// GrantRole gives userID role on orgID (and so on its subtree). Nobody
// grants a role to themselves, and recording and approving money stay
// with different people (dutiesApart).
func (svc *Service) GrantRole(ctx context.Context, actor kexie.Actor, userID, orgID int64, role kexie.Role) error {
	if _, err := kexie.ParseRole(string(role)); err != nil {
		return err
	}
	return svc.db.Write(ctx, actor, func(tx *sqldb.Tx) error {
		if err := managedAccount(ctx, tx, userID); err != nil && !(actor.UserID != 0 && actor.UserID == userID) {
			return err
		}
		return grant(ctx, tx, userID, orgID, role)
	})
}

// RevokeRole removes one role grant.
func (svc *Service) RevokeRole(ctx context.Context, actor kexie.Actor, userID, orgID int64, role kexie.Role) error {
	return svc.db.Write(ctx, actor, func(tx *sqldb.Tx) error {
		if err := managedAccount(ctx, tx, userID); err != nil {
			return err
		}
		if err := managesOrg(ctx, tx, orgID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM role_grants WHERE user_id = $1 AND org_id = $2 AND role = $3`, userID, orgID, string(role))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return kexie.Errorf(kexie.CodeNotFound, "err.grant_not_found", "the user does not hold this role there")
		}
		return tx.Audit(ctx, sqldb.Change{Action: "user.revoke", ObjectType: "user", ObjectID: strconv.FormatInt(userID, 10), OrgID: orgID,
			Before: map[string]any{"role": string(role), "org_id": orgID}})
	})
}

const userColumns = `id, username, display_name, email, lang, must_change_password, disabled_at IS NOT NULL, created_at`

func scanUser(s sqldb.Scanner) (kexie.User, error) {
	var u kexie.User
	err := s.Scan(&u.ID, &u.Username, &u.DisplayName, &u.Email, &u.Lang, &u.MustChangePassword, &u.Disabled, &u.CreatedAt)
	u.CreatedAt = u.CreatedAt.UTC()
	return u, sqldb.MapErr(err)
}

// UserByID returns a user with their role grants.
func (svc *Service) UserByID(ctx context.Context, id int64) (kexie.User, error) {
	u, err := scanUser(svc.db.Reader().QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, id))
	if err != nil {
		if errors.Is(err, kexie.ErrNotFound) {
			return u, kexie.Errorf(kexie.CodeNotFound, "err.user_not_found", "no such user")
		}
		return u, err
	}
	u.Grants, err = svc.Grants(ctx, id)
	return u, err
}

// UserByName returns a user by user name (normalised).
func (svc *Service) UserByName(ctx context.Context, username string) (kexie.User, error) {
	name, err := kexie.NormalizeUsername(username)
	if err != nil {
		return kexie.User{}, kexie.Errorf(kexie.CodeNotFound, "err.user_not_found", "no such user")
	}
	var id int64
	if err := svc.db.Reader().QueryRowContext(ctx, `SELECT id FROM users WHERE username = $1`, name).Scan(&id); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return kexie.User{}, kexie.Errorf(kexie.CodeNotFound, "err.user_not_found", "no such user")
		}
		return kexie.User{}, sqldb.MapErr(err)
	}
	return svc.UserByID(ctx, id)
}

// Grants lists a user's roles with their organisations.
func (svc *Service) Grants(ctx context.Context, userID int64) ([]kexie.Grant, error) {
	rows, err := svc.db.Reader().QueryContext(ctx, `SELECT `+grantColumns+` FROM users u `+grantJoin+`
		WHERE u.id = $1 ORDER BY o.code, g.role`, userID)
	if err != nil {
		return nil, sqldb.MapErr(err)
	}
	defer rows.Close()
	var out []kexie.Grant
	for rows.Next() {
		var gr grantRow
		if err := rows.Scan(&gr.role, &gr.orgID, &gr.code, &gr.zh, &gr.en); err != nil {
			return nil, sqldb.MapErr(err)
		}
		out = gr.appendTo(out, userID)
	}
	return out, sqldb.MapErr(rows.Err())
}

// grantColumns and grantJoin read a user's grants beside whatever else a
// query reads of the user (u): one row per grant, or one row of NULLs for a
// user who holds none, so that the session look-up needs no second query.
const (
	grantColumns = `g.role, o.id, o.code, o.name_zh, o.name_en`
	grantJoin    = `LEFT JOIN role_grants g ON g.user_id = u.id LEFT JOIN orgs o ON o.id = g.org_id`
)

// grantRow is one row of grantColumns.
type grantRow struct {
	role, code, zh, en sql.NullString
	orgID              sql.NullInt64
}

// readWithGrants reads the rows of a query that selects head's columns,
// then the user's (u.id … u.created_at, as scanUser), then grantColumns:
// head and the user are the same in every row, the grants one a row.
func readWithGrants(rows *sql.Rows, u *kexie.User, head ...any) (found bool, err error) {
	defer func() {
		if cerr := rows.Close(); err == nil {
			err = cerr
		}
	}()
	for rows.Next() {
		found = true
		var gr grantRow
		dest := append(head, &u.ID, &u.Username, &u.DisplayName, &u.Email, &u.Lang, &u.MustChangePassword, &u.Disabled, &u.CreatedAt,
			&gr.role, &gr.orgID, &gr.code, &gr.zh, &gr.en)
		if err := rows.Scan(dest...); err != nil {
			return found, err
		}
		u.Grants = gr.appendTo(u.Grants, u.ID)
	}
	u.CreatedAt = u.CreatedAt.UTC()
	return found, rows.Err()
}

// appendTo adds the row's grant, if the row has one, to gs.
func (gr grantRow) appendTo(gs []kexie.Grant, userID int64) []kexie.Grant {
	if !gr.role.Valid {
		return gs
	}
	return append(gs, kexie.Grant{UserID: userID, Role: kexie.Role(gr.role.String), OrgID: gr.orgID.Int64,
		OrgCode: gr.code.String, OrgName: gr.zh.String, OrgNameEN: gr.en.String})
}

// ListUsers lists, by user name, the accounts actor may manage: all of them
// for the system or a system administrator, otherwise those whose every
// role lies inside the actor's user.manage subtrees (so no role outside
// them is shown). offset/limit page the list.
func (svc *Service) ListUsers(ctx context.Context, actor kexie.Actor, offset, limit int) ([]kexie.User, error) {
	sc, err := svc.db.ScopeOf(ctx, actor, kexie.PermUserManage)
	if err != nil {
		return nil, err
	}
	q := `SELECT ` + userColumns + ` FROM users u`
	var args []any
	if !sc.All() {
		q += ` WHERE ` + manageable(sqldb.Args(&args)(actor.UserID), "u.id")
	}
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	q += ` ORDER BY username LIMIT ` + strconv.Itoa(limit) + ` OFFSET ` + strconv.Itoa(max(offset, 0))
	rows, err := svc.db.Reader().QueryContext(ctx, q, args...)
	if err != nil {
		return nil, sqldb.MapErr(err)
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
		return nil, sqldb.MapErr(err)
	}
	for i := range out {
		if out[i].Grants, err = svc.Grants(ctx, out[i].ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Authenticate checks a user name and password. Every failure — unknown
// user, wrong password, disabled account — is the same ErrUnauthorized, and
// an unknown user costs as much time as a wrong password, so the answer
// reveals nothing about which accounts exist.
func (svc *Service) Authenticate(ctx context.Context, username, password string) (kexie.User, error) {
	fail := kexie.Errorf(kexie.CodeUnauthorized, "err.login_failed", "user name or password is wrong")
	name, nerr := kexie.NormalizeUsername(username)
	var id int64
	var hash string
	var disabled bool
	err := svc.db.Reader().QueryRowContext(ctx, `SELECT id, password_hash, disabled_at IS NOT NULL FROM users WHERE username = $1`, name).Scan(&id, &hash, &disabled)
	if nerr != nil || errors.Is(err, sql.ErrNoRows) {
		auth.BurnPasswordCheck(password)
		return kexie.User{}, fail
	}
	if err != nil {
		return kexie.User{}, sqldb.MapErr(err)
	}
	ok, err := auth.VerifyPassword(password, hash)
	if err != nil {
		return kexie.User{}, fmt.Errorf("user %d: %w", id, err)
	}
	if !ok || disabled {
		return kexie.User{}, fail
	}
	return svc.UserByID(ctx, id)
}

// SetPassword replaces a user's password. mustChange forces another change
// at next sign-in (set when an administrator resets it). Other sessions of
// the user end, so a stolen session does not survive a password change;
// keepSession, when not empty, is the token hash of the session to keep. An
// administrator's reset (mustChange) also revokes the user's API tokens: a
// reset is what one does after a compromise, and a token an intruder made
// must not outlive it.
func (svc *Service) SetPassword(ctx context.Context, actor kexie.Actor, userID int64, password string, mustChange bool, keepSession string) error {
	u, err := svc.UserByID(ctx, userID)
	if err != nil {
		return err
	}
	if err := auth.CheckPasswordFor(password, u.Username, u.DisplayName, u.Email); err != nil {
		return err
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		return err
	}
	return svc.db.Write(ctx, actor, func(tx *sqldb.Tx) error {
		if err := ownAccount(tx, userID); err != nil && managedAccount(ctx, tx, userID) != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = $1, must_change_password = $2, updated_at = $3 WHERE id = $4`,
			hash, mustChange, tx.Now(), userID)
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
			revoked, err := tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL`, tx.Now(), userID)
			if err != nil {
				return err
			}
			tokens, _ = revoked.RowsAffected()
		}
		return tx.Audit(ctx, sqldb.Change{Action: "user.password", ObjectType: "user", ObjectID: strconv.FormatInt(userID, 10), OrgID: userOrg(ctx, tx, userID),
			After: map[string]any{"password_hash": hash, "must_change_password": mustChange, "sessions_ended": sessions, "tokens_revoked": tokens}})
	})
}

// SetUserLang remembers a user's interface language.
func (svc *Service) SetUserLang(ctx context.Context, actor kexie.Actor, userID int64, lang string) error {
	return svc.db.Write(ctx, actor, func(tx *sqldb.Tx) error {
		if err := ownAccount(tx, userID); err != nil {
			return err
		}
		var before string
		if err := tx.QueryRowContext(ctx, `SELECT lang FROM users WHERE id = $1`, userID).Scan(&before); err != nil {
			return err
		}
		if before == lang {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET lang = $1, updated_at = $2 WHERE id = $3`, lang, tx.Now(), userID); err != nil {
			return err
		}
		return tx.Audit(ctx, sqldb.Change{Action: "user.lang", ObjectType: "user", ObjectID: strconv.FormatInt(userID, 10), OrgID: userOrg(ctx, tx, userID),
			Before: map[string]any{"lang": before}, After: map[string]any{"lang": lang}})
	})
}

// DisableUser disables an account: its sessions end and its API tokens are
// revoked in the same transaction, so nothing it holds works afterwards.
func (svc *Service) DisableUser(ctx context.Context, actor kexie.Actor, userID int64) error {
	if actor.UserID != 0 && actor.UserID == userID {
		// Nobody locks themselves out: another administrator must.
		return kexie.Errorf(kexie.CodeInvalid, "err.disable_self", "you cannot disable your own account")
	}
	return svc.db.Write(ctx, actor, func(tx *sqldb.Tx) error {
		if err := managedAccount(ctx, tx, userID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE users SET disabled_at = $1, updated_at = $1 WHERE id = $2 AND disabled_at IS NULL`, tx.Now(), userID)
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
		r2, err := tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL`, tx.Now(), userID)
		if err != nil {
			return err
		}
		tokens, _ = r2.RowsAffected()
		return tx.Audit(ctx, sqldb.Change{Action: "user.disable", ObjectType: "user", ObjectID: strconv.FormatInt(userID, 10), OrgID: userOrg(ctx, tx, userID),
			Before: map[string]any{"disabled": false}, After: map[string]any{"disabled": true, "sessions_ended": sessions, "tokens_revoked": tokens}})
	})
}

// EnableUser re-enables a disabled account.
func (svc *Service) EnableUser(ctx context.Context, actor kexie.Actor, userID int64) error {
	return svc.db.Write(ctx, actor, func(tx *sqldb.Tx) error {
		if err := managedAccount(ctx, tx, userID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE users SET disabled_at = NULL, updated_at = $1 WHERE id = $2 AND disabled_at IS NOT NULL`, tx.Now(), userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return kexie.Errorf(kexie.CodeConflict, "err.user_not_disabled", "the user is not disabled")
		}
		return tx.Audit(ctx, sqldb.Change{Action: "user.enable", ObjectType: "user", ObjectID: strconv.FormatInt(userID, 10), OrgID: userOrg(ctx, tx, userID),
			Before: map[string]any{"disabled": true}, After: map[string]any{"disabled": false}})
	})
}

// userOrg is the organisation an audit entry about a user is filed under:
// the user's earliest role grant, so auditors of that subtree see it. 0 (the
// system) when the user holds no role.
func userOrg(ctx context.Context, tx *sqldb.Tx, userID int64) int64 {
	var org int64
	if err := tx.QueryRowContext(ctx, `SELECT org_id FROM role_grants WHERE user_id = $1 ORDER BY id LIMIT 1`, userID).Scan(&org); err != nil {
		return 0
	}
	return org
}

// CountManagedUsers counts what ListUsers lists for actor, for a list's
// total.
func (svc *Service) CountManagedUsers(ctx context.Context, actor kexie.Actor) (int, error) {
	sc, err := svc.db.ScopeOf(ctx, actor, kexie.PermUserManage)
	if err != nil {
		return 0, err
	}
	q := `SELECT COUNT(*) FROM users u`
	var args []any
	if !sc.All() {
		q += ` WHERE ` + manageable(sqldb.Args(&args)(actor.UserID), "u.id")
	}
	var n int
	err = svc.db.Reader().QueryRowContext(ctx, q, args...).Scan(&n)
	return n, sqldb.MapErr(err)
}

// CountUsers counts accounts (used by --demo to tell a fresh database).
func (svc *Service) CountUsers(ctx context.Context) (int64, error) {
	var n int64
	err := svc.db.Reader().QueryRowContext(ctx, `SELECT COUNT(*) FROM users`).Scan(&n)
	return n, sqldb.MapErr(err)
}
