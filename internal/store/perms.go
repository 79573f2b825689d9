package store

import (
	"context"

	"github.com/kexie/kexie/internal/kexie"
)

// Authorisation in SQL: a role granted on an organisation holds for every
// organisation below it, found through the closure table with one indexed
// join. The web layer calls these on every route; queries that list data
// apply the same join so nothing outside the subtree is ever read.

func (db *DB) isSysAdmin(ctx context.Context, userID int64) (bool, error) {
	var ok bool
	err := db.r.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM role_grants WHERE user_id = $1 AND role = 'sysadmin')`, userID).Scan(&ok)
	return ok, mapErr(err)
}

// Can reports whether userID holds permission p on organisation orgID.
// System administrators hold every permission everywhere.
func (db *DB) Can(ctx context.Context, userID int64, p kexie.Permission, orgID int64) (bool, error) {
	st, err := db.prepared(ctx, canQuery(p))
	if err != nil {
		return false, err
	}
	var ok bool
	err = st.QueryRowContext(ctx, userID, orgID).Scan(&ok)
	return ok, mapErr(err)
}

// canQuery: does user $1 hold p on organisation $2 — a role on one of its
// ancestors (or itself), found with the closure table's primary key.
func canQuery(p kexie.Permission) string {
	return `SELECT EXISTS (SELECT 1 FROM role_grants g
		LEFT JOIN org_closure c ON c.ancestor_id = g.org_id AND c.descendant_id = $2
		WHERE g.user_id = $1 AND (g.role = 'sysadmin' OR (c.descendant_id IS NOT NULL AND g.role IN ` + roleList(p) + `)))`
}

// HoldsAnywhere reports whether userID holds p on at least one organisation:
// the route-level check, before the object-level one.
func (db *DB) HoldsAnywhere(ctx context.Context, userID int64, p kexie.Permission) (bool, error) {
	var ok bool
	err := db.r.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM role_grants WHERE user_id = $1 AND role IN `+roleList(p)+`)`, userID).Scan(&ok)
	return ok, mapErr(err)
}

// manageable is the SQL condition "the user whose id is the expression
// target may be managed by the user whose id is the expression manager": a
// system administrator may manage anyone (checked separately); an
// organisation administrator may manage a user who is not a system
// administrator, holds at least one role, and all of whose roles lie within
// the manager's user.manage subtrees. A user with no roles is managed by
// system administrators only.
func manageable(manager, target string) string {
	return `(EXISTS (SELECT 1 FROM role_grants WHERE user_id = ` + target + `)
		AND NOT EXISTS (SELECT 1 FROM role_grants t WHERE t.user_id = ` + target + ` AND (t.role = 'sysadmin' OR NOT EXISTS (
			SELECT 1 FROM org_closure c JOIN role_grants m ON m.org_id = c.ancestor_id
			WHERE c.descendant_id = t.org_id AND m.user_id = ` + manager + ` AND m.role IN ` + roleList(kexie.PermUserManage) + `))))`
}

// CanManageUser reports whether manager may change target's account (see
// manageable).
func (db *DB) CanManageUser(ctx context.Context, manager, target int64) (bool, error) {
	sys, err := db.isSysAdmin(ctx, manager)
	if err != nil || sys {
		return sys, err
	}
	var ok bool
	err = db.r.QueryRowContext(ctx, `SELECT `+manageable("$1", "$2"), manager, target).Scan(&ok)
	return ok, mapErr(err)
}
