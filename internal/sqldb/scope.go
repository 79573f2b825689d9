package sqldb

import (
	"context"
	"strconv"
	"strings"

	"github.com/kexie/kexie/internal/kexie"
)

// Authorisation in SQL. A role granted on an organisation holds for every
// organisation below it, found through the closure table. There is one
// predicate for single objects (Allowed: may this actor do p on the
// organisation this object belongs to?) and one for lists (Scope.SQL: the
// organisations where the actor holds p, as one set). Every domain's reads
// and writes go through one of the two; nothing else writes this SQL.

// Allowed reports whether actor holds permission p on organisation orgID.
// The system (the command line, the demo, jobs: kexie.Actor.IsSystem) holds
// everything; an anonymous visitor nothing; a user what their grants give,
// system administrators everything everywhere.
func (db *DB) Allowed(ctx context.Context, actor kexie.Actor, p kexie.Permission, orgID int64) (bool, error) {
	return allowed(actor, func(user int64) (bool, error) { return db.Can(ctx, user, p, orgID) })
}

// Check is Allowed as an error: notFound when the actor may not, so that
// an object outside the actor's subtrees answers exactly as one that does
// not exist.
func (db *DB) Check(ctx context.Context, actor kexie.Actor, p kexie.Permission, orgID int64, notFound error) error {
	return orNotFound(db.Allowed(ctx, actor, p, orgID))(notFound)
}

// Allowed is DB.Allowed inside a transaction, so that it sees
// organisations the transaction created.
func (tx *Tx) Allowed(ctx context.Context, actor kexie.Actor, p kexie.Permission, orgID int64) (bool, error) {
	return allowed(actor, func(user int64) (bool, error) { return tx.Can(ctx, user, p, orgID) })
}

// Check is DB.Check inside a transaction.
func (tx *Tx) Check(ctx context.Context, actor kexie.Actor, p kexie.Permission, orgID int64, notFound error) error {
	return orNotFound(tx.Allowed(ctx, actor, p, orgID))(notFound)
}

// allowed is the rule of Allowed, whatever the user's grants are read
// through.
func allowed(actor kexie.Actor, can func(userID int64) (bool, error)) (bool, error) {
	switch {
	case actor.IsSystem():
		return true, nil
	case actor.UserID == 0:
		return false, nil
	}
	return can(actor.UserID)
}

// orNotFound turns an answer of Allowed into Check's error.
func orNotFound(ok bool, err error) func(notFound error) error {
	return func(notFound error) error {
		if err == nil && !ok {
			return notFound
		}
		return err
	}
}

// Can reports whether userID holds permission p on organisation orgID.
// System administrators hold every permission everywhere.
func (db *DB) Can(ctx context.Context, userID int64, p kexie.Permission, orgID int64) (bool, error) {
	st, err := db.Prepared(ctx, canQuery(p))
	if err != nil {
		return false, err
	}
	var ok bool
	err = st.QueryRowContext(ctx, userID, orgID).Scan(&ok)
	return ok, MapErr(err)
}

// Can is DB.Can inside a transaction.
func (tx *Tx) Can(ctx context.Context, userID int64, p kexie.Permission, orgID int64) (bool, error) {
	var ok bool
	err := tx.QueryRowContext(ctx, canQuery(p), userID, orgID).Scan(&ok)
	return ok, err
}

// canQuery: does user $1 hold p on organisation $2 — a role on one of its
// ancestors (or itself), found with the closure table's primary key.
func canQuery(p kexie.Permission) string {
	return `SELECT EXISTS (SELECT 1 FROM role_grants g
		LEFT JOIN org_closure c ON c.ancestor_id = g.org_id AND c.descendant_id = $2
		WHERE g.user_id = $1 AND (g.role = 'sysadmin' OR (c.descendant_id IS NOT NULL AND g.role IN ` + RoleList(p) + `)))`
}

// HoldsAnywhere reports whether userID holds p on at least one organisation:
// the route-level check, before the object-level one.
func (db *DB) HoldsAnywhere(ctx context.Context, userID int64, p kexie.Permission) (bool, error) {
	var ok bool
	err := db.Reader().QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM role_grants WHERE user_id = $1 AND role IN `+RoleList(p)+`)`, userID).Scan(&ok)
	return ok, MapErr(err)
}

// IsSysAdmin reports whether userID is a system administrator.
func (db *DB) IsSysAdmin(ctx context.Context, userID int64) (bool, error) {
	var ok bool
	err := db.Reader().QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM role_grants WHERE user_id = $1 AND role = 'sysadmin')`, userID).Scan(&ok)
	return ok, MapErr(err)
}

// Scope is where an actor holds a permission, for list queries: everywhere
// (the system, a system administrator), nowhere (an anonymous visitor), or
// the subtrees of the user's grants.
type Scope struct {
	all, none bool
	userID    int64
	p         kexie.Permission
}

// ScopeOf is the scope of actor for p.
func (db *DB) ScopeOf(ctx context.Context, actor kexie.Actor, p kexie.Permission) (Scope, error) {
	switch {
	case actor.IsSystem():
		return Scope{all: true}, nil
	case actor.UserID == 0:
		return Scope{none: true}, nil
	}
	all, err := db.IsSysAdmin(ctx, actor.UserID)
	return Scope{all: all, userID: actor.UserID, p: p}, err
}

// All reports whether the scope is everything.
func (s Scope) All() bool { return s.all }

// SQL is the condition "the organisation whose id is the expression orgCol
// lies in the scope", as one set (the visible organisations are found once,
// not tested per candidate row). arg binds a value and returns its
// placeholder, so the condition adds exactly the arguments it uses.
func (s Scope) SQL(orgCol string, arg func(any) string) string {
	switch {
	case s.all:
		return `(1 = 1)`
	case s.none:
		return `(1 = 0)`
	}
	return `(` + orgCol + ` IN (SELECT sc.descendant_id FROM org_closure sc JOIN role_grants sg ON sg.org_id = sc.ancestor_id
		WHERE sg.user_id = ` + arg(s.userID) + ` AND sg.role IN ` + RoleList(s.p) + `))`
}

// Args returns an arg function for Scope.SQL and the others of a query
// that appends to args, numbering placeholders from len(*args)+1.
func Args(args *[]any) func(any) string {
	return func(v any) string {
		*args = append(*args, v)
		return "$" + strconv.Itoa(len(*args))
	}
}

// RoleList renders the roles carrying p as an SQL IN list. The values are
// compile-time constants, not input, so inlining them is safe and keeps one
// query text for both engines.
func RoleList(p kexie.Permission) string {
	var q []string
	for _, r := range kexie.RolesWith(p) {
		q = append(q, "'"+string(r)+"'")
	}
	return "(" + strings.Join(q, ", ") + ")"
}

// LikeEscape escapes s for a LIKE pattern with ESCAPE '\'.
func LikeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
