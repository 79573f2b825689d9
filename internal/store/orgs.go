package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"

	"github.com/kexie/kexie/internal/kexie"
)

// The registry issue builds the full organisation model on these tables;
// the foundation needs the tree that roles are granted on.

// RootCode is the code of the root organisation created on first start.
const RootCode = "CAST"

// EnsureRoot creates the root organisation (the national association) if the
// tree is empty and returns it.
func (db *DB) EnsureRoot(ctx context.Context, actor kexie.Actor) (kexie.Organisation, error) {
	if o, err := db.OrgByCode(ctx, RootCode); err == nil {
		return o, nil
	} else if !errors.Is(err, kexie.ErrNotFound) {
		return o, err
	}
	return db.CreateOrg(ctx, actor, kexie.Organisation{
		Code: RootCode, Kind: "national_association",
		NameZH: "中国科学技术协会", NameEN: "China Association for Science and Technology",
	})
}

// CreateOrg inserts an organisation under o.ParentID (0 for a root) and its
// closure rows, in one transaction.
func (db *DB) CreateOrg(ctx context.Context, actor kexie.Actor, o kexie.Organisation) (kexie.Organisation, error) {
	if o.Code == "" || o.Kind == "" || o.NameZH == "" {
		return o, kexie.Errorf(kexie.CodeInvalid, "err.org_fields", "code, kind and Chinese name are required")
	}
	err := db.write(ctx, actor, func(tx *Tx) error {
		var parent sql.NullInt64
		if o.ParentID != 0 {
			parent = sql.NullInt64{Int64: o.ParentID, Valid: true}
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO orgs (code, parent_id, kind, name_zh, name_en, created_at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, o.Code, parent, o.Kind, o.NameZH, o.NameEN, tx.now).Scan(&o.ID); err != nil {
			return fmt.Errorf("insert org %s: %w", o.Code, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO org_closure (ancestor_id, descendant_id, depth)
			SELECT ancestor_id, CAST($1 AS BIGINT), depth + 1 FROM org_closure WHERE descendant_id = $2
			UNION ALL SELECT CAST($1 AS BIGINT), CAST($1 AS BIGINT), 0`, o.ID, o.ParentID); err != nil {
			return fmt.Errorf("closure for org %s: %w", o.Code, err)
		}
		return tx.audit(ctx, Change{Action: "org.create", ObjectType: "org", ObjectID: o.Code, OrgID: o.ID,
			After: map[string]any{"code": o.Code, "parent_id": o.ParentID, "kind": o.Kind, "name_zh": o.NameZH, "name_en": o.NameEN}})
	})
	return o, err
}

const orgColumns = `id, code, COALESCE(parent_id, 0), kind, name_zh, name_en`

func scanOrg(s scanner) (kexie.Organisation, error) {
	var o kexie.Organisation
	err := s.Scan(&o.ID, &o.Code, &o.ParentID, &o.Kind, &o.NameZH, &o.NameEN)
	return o, mapErr(err)
}

// OrgByCode finds an organisation by its code.
func (db *DB) OrgByCode(ctx context.Context, code string) (kexie.Organisation, error) {
	o, err := scanOrg(db.r.QueryRowContext(ctx, `SELECT `+orgColumns+` FROM orgs WHERE code = $1`, code))
	if errors.Is(err, kexie.ErrNotFound) {
		return o, kexie.Errorf(kexie.CodeNotFound, "err.org_not_found", "no organisation with code %q", code)
	}
	return o, err
}

// OrgByID finds an organisation by its id.
func (db *DB) OrgByID(ctx context.Context, id int64) (kexie.Organisation, error) {
	o, err := scanOrg(db.r.QueryRowContext(ctx, `SELECT `+orgColumns+` FROM orgs WHERE id = $1`, id))
	if errors.Is(err, kexie.ErrNotFound) {
		return o, kexie.Errorf(kexie.CodeNotFound, "err.org_not_found", "no organisation with id %d", id)
	}
	return o, err
}

// OrgsVisible lists the organisations where userID holds permission p,
// directly or through an ancestor, ordered by code.
func (db *DB) OrgsVisible(ctx context.Context, userID int64, p kexie.Permission, limit int) ([]kexie.Organisation, error) {
	sys, err := db.isSysAdmin(ctx, userID)
	if err != nil {
		return nil, err
	}
	q := `SELECT ` + orgColumns + ` FROM orgs o`
	args := []any{}
	if !sys {
		q += ` WHERE EXISTS (SELECT 1 FROM org_closure c JOIN role_grants g ON g.org_id = c.ancestor_id
			WHERE c.descendant_id = o.id AND g.user_id = $1 AND g.role IN ` + roleList(p) + `)`
		args = append(args, userID)
	}
	q += ` ORDER BY code LIMIT ` + strconv.Itoa(limit)
	rows, err := db.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []kexie.Organisation
	for rows.Next() {
		o, err := scanOrg(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, mapErr(rows.Err())
}
