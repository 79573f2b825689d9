package registry

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/kexie/kexie/internal/cnid"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/sqldb"
)

// RootCode is the code of the root organisation created on first start of
// an empty database.
const RootCode = "CAST"

// EnsureRoot returns the root of the tree, creating the national
// association (code CAST) when the registry is empty. A database whose tree
// was imported keeps its own root.
//
// Only the system calls it (start-up, the command line, the demo): it
// creates a root, which no organisation's grant covers, so any other actor
// is refused — a system administrator included — before anything is read.
func (svc *Service) EnsureRoot(ctx context.Context, actor kexie.Actor) (kexie.Organisation, error) {
	if !actor.IsSystem() {
		return kexie.Organisation{}, kexie.Errorf(kexie.CodeForbidden, "err.forbidden", "only the system creates the root organisation")
	}
	o, err := scanOrg(svc.db.Reader().QueryRowContext(ctx, `SELECT `+orgColumns+` FROM orgs o LEFT JOIN orgs p ON p.id = o.parent_id
		WHERE o.parent_id IS NULL ORDER BY o.id LIMIT 1`))
	if !errors.Is(err, kexie.ErrNotFound) {
		return o, err
	}
	return svc.CreateOrg(ctx, actor, kexie.Organisation{
		Code: RootCode, Kind: "national_association", Status: kexie.OrgActive, Established: "1958-09",
		NameZH: "中国科学技术协会", NameEN: "China Association for Science and Technology",
	})
}

// orgColumns reads an organisation with its parent's code; queries alias
// the organisation o and its parent p.
const orgColumns = `o.id, o.code, COALESCE(o.parent_id, 0), COALESCE(p.code, ''), o.kind, o.name_zh, o.name_en, o.region_code, o.uscc,
	o.address, o.established, o.registration_authority, o.legal_rep, o.independent, o.status`

const orgFrom = ` FROM orgs o LEFT JOIN orgs p ON p.id = o.parent_id`

func scanOrg(s sqldb.Scanner) (kexie.Organisation, error) {
	var o kexie.Organisation
	err := s.Scan(&o.ID, &o.Code, &o.ParentID, &o.ParentCode, &o.Kind, &o.NameZH, &o.NameEN, &o.RegionCode, &o.USCC,
		&o.Address, &o.Established, &o.RegistrationAuthority, &o.LegalRep, &o.Independent, &o.Status)
	return o, sqldb.MapErr(err)
}

func scanOrgs(rows *sql.Rows, err error) ([]kexie.Organisation, error) {
	if err != nil {
		return nil, sqldb.MapErr(err)
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
	return out, sqldb.MapErr(rows.Err())
}

// orgSnapshot is what the audit log records of an organisation.
func orgSnapshot(o kexie.Organisation) map[string]any {
	return map[string]any{"code": o.Code, "parent_code": o.ParentCode, "kind": string(o.Kind), "name_zh": o.NameZH, "name_en": o.NameEN,
		"region_code": o.RegionCode, "uscc": o.USCC, "address": o.Address, "established": o.Established,
		"registration_authority": o.RegistrationAuthority, "legal_rep": o.LegalRep, "independent": o.Independent, "status": string(o.Status)}
}

// CreateOrg inserts an organisation under o.ParentID (0 for a root) with its
// closure rows and audit entry, in one transaction. The actor needs
// registry.write on the parent: a parent outside their subtrees is not
// found, as one that does not exist; a root (no parent) is no grant's, so
// only the system and system administrators create one (as in ImportOrgs).
func (svc *Service) CreateOrg(ctx context.Context, actor kexie.Actor, o kexie.Organisation) (kexie.Organisation, error) {
	err := svc.db.Write(ctx, actor, func(tx *sqldb.Tx) error {
		// In the transaction, so that the parent checked is the one the
		// closure rows are copied from.
		if err := tx.Check(ctx, tx.Actor(), kexie.PermRegistryWrite, o.ParentID, OrgNotFound(o.ParentID)); err != nil {
			return err
		}
		var err error
		o, err = insertOrg(ctx, tx, o)
		return err
	})
	return o, err
}

func insertOrg(ctx context.Context, tx *sqldb.Tx, o kexie.Organisation) (kexie.Organisation, error) {
	if o.Code == "" || o.Kind == "" || o.NameZH == "" {
		return o, kexie.Errorf(kexie.CodeInvalid, "err.org_fields", "code, kind and Chinese name are required")
	}
	if o.Status == "" {
		o.Status = kexie.OrgActive
	}
	var parent sql.NullInt64
	if o.ParentID != 0 {
		parent = sql.NullInt64{Int64: o.ParentID, Valid: true}
	}
	err := tx.QueryRowContext(ctx, `INSERT INTO orgs (code, parent_id, kind, name_zh, name_en, region_code, uscc, address, established,
			registration_authority, legal_rep, independent, status, name_pinyin, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15) RETURNING id`,
		o.Code, parent, string(o.Kind), o.NameZH, o.NameEN, o.RegionCode, o.USCC, o.Address, o.Established,
		o.RegistrationAuthority, o.LegalRep, o.Independent, string(o.Status), cnid.SearchKey(o.NameZH), tx.Now()).Scan(&o.ID)
	if errors.Is(sqldb.MapErr(err), kexie.ErrConflict) {
		return o, kexie.Errorf(kexie.CodeConflict, "err.org_code_taken", "an organisation with code %q exists", o.Code)
	}
	if err != nil {
		return o, fmt.Errorf("insert org %s: %w", o.Code, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO org_closure (ancestor_id, descendant_id, depth, d_kind, d_status, d_independent)
		SELECT ancestor_id, CAST($1 AS BIGINT), depth + 1, CAST($3 AS TEXT), CAST($4 AS TEXT), CAST($5 AS BOOLEAN) FROM org_closure WHERE descendant_id = $2
		UNION ALL SELECT CAST($1 AS BIGINT), CAST($1 AS BIGINT), 0, CAST($3 AS TEXT), CAST($4 AS TEXT), CAST($5 AS BOOLEAN)`,
		o.ID, o.ParentID, string(o.Kind), string(o.Status), o.Independent); err != nil {
		return o, fmt.Errorf("closure for org %s: %w", o.Code, err)
	}
	return o, tx.Audit(ctx, sqldb.Change{Action: "org.create", ObjectType: "org", ObjectID: o.Code, OrgID: o.ID, After: orgSnapshot(o)})
}

// updateOrg writes o's registry fields over the stored row `was` (same id),
// moving it when the parent changed. The caller has checked the data.
func updateOrg(ctx context.Context, tx *sqldb.Tx, was, o kexie.Organisation) error {
	o.ID = was.ID
	if o.ParentID != was.ParentID {
		if err := moveOrg(ctx, tx, o.ID, o.ParentID); err != nil {
			return err
		}
	}
	var parent sql.NullInt64
	if o.ParentID != 0 {
		parent = sql.NullInt64{Int64: o.ParentID, Valid: true}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE orgs SET parent_id = $1, kind = $2, name_zh = $3, name_en = $4, region_code = $5, uscc = $6,
			address = $7, established = $8, registration_authority = $9, legal_rep = $10, independent = $11, status = $12,
			name_pinyin = $13, updated_at = $14 WHERE id = $15`,
		parent, string(o.Kind), o.NameZH, o.NameEN, o.RegionCode, o.USCC, o.Address, o.Established,
		o.RegistrationAuthority, o.LegalRep, o.Independent, string(o.Status), cnid.SearchKey(o.NameZH), tx.Now(), o.ID); err != nil {
		return fmt.Errorf("update org %s: %w", o.Code, err)
	}
	if o.Kind != was.Kind || o.Status != was.Status || o.Independent != was.Independent {
		if _, err := tx.ExecContext(ctx, `UPDATE org_closure SET d_kind = $1, d_status = $2, d_independent = $3 WHERE descendant_id = $4`,
			string(o.Kind), string(o.Status), o.Independent, o.ID); err != nil {
			return fmt.Errorf("update org %s: closure: %w", o.Code, err)
		}
	}
	return tx.Audit(ctx, sqldb.Change{Action: "org.update", ObjectType: "org", ObjectID: o.Code, OrgID: o.ID, Before: orgSnapshot(was), After: orgSnapshot(o)})
}

// moveOrg re-hangs the subtree of node under newParent, rewriting the
// closure rows that connect the subtree to its old ancestors. A move under
// the node itself or one of its descendants would make a cycle: refused.
func moveOrg(ctx context.Context, tx *sqldb.Tx, node, newParent int64) error {
	if newParent != 0 {
		var cycle bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM org_closure WHERE ancestor_id = $1 AND descendant_id = $2)`,
			node, newParent).Scan(&cycle); err != nil {
			return err
		}
		if cycle {
			return kexie.Errorf(kexie.CodeInvalid, "err.org_cycle", "an organisation cannot be moved under itself or its own subtree")
		}
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM org_closure
		WHERE descendant_id IN (SELECT descendant_id FROM org_closure WHERE ancestor_id = $1)
		AND ancestor_id NOT IN (SELECT descendant_id FROM org_closure WHERE ancestor_id = $1)`, node); err != nil {
		return fmt.Errorf("move: detach: %w", err)
	}
	if newParent == 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO org_closure (ancestor_id, descendant_id, depth, d_kind, d_status, d_independent)
		SELECT a.ancestor_id, s.descendant_id, a.depth + s.depth + 1, s.d_kind, s.d_status, s.d_independent
		FROM org_closure a, org_closure s WHERE a.descendant_id = $1 AND s.ancestor_id = $2`, newParent, node); err != nil {
		return fmt.Errorf("move: attach: %w", err)
	}
	return nil
}

// MoveOrg moves an organisation (and its subtree) under another. The actor
// needs registry.write on the organisation and on the new parent (as
// ImportOrgs asks for a move); either outside their subtrees is not found.
// Moving to the top (newParentID 0) is no grant's: only the system and
// system administrators may.
func (svc *Service) MoveOrg(ctx context.Context, actor kexie.Actor, orgID, newParentID int64) error {
	return svc.db.Write(ctx, actor, func(tx *sqldb.Tx) error {
		was, err := writableOrg(ctx, tx, orgID)
		if err != nil {
			return err
		}
		o := was
		o.ParentID = newParentID
		if newParentID != 0 {
			p, err := OrgTx(ctx, tx, newParentID)
			if err != nil {
				return err
			}
			o.ParentCode = p.Code
		} else {
			o.ParentCode = ""
		}
		if err := tx.Check(ctx, tx.Actor(), kexie.PermRegistryWrite, newParentID, OrgNotFound(newParentID)); err != nil {
			return err
		}
		return updateOrg(ctx, tx, was, o)
	})
}

// OrgTx reads organisation id inside a transaction (seeing rows it wrote).
func OrgTx(ctx context.Context, tx *sqldb.Tx, id int64) (kexie.Organisation, error) {
	o, err := scanOrg(tx.QueryRowContext(ctx, `SELECT `+orgColumns+orgFrom+` WHERE o.id = $1`, id))
	if errors.Is(err, kexie.ErrNotFound) {
		return o, OrgNotFound(id)
	}
	return o, err
}

// OrgNotFound is the error for organisation id when it does not exist, and
// — the same error, so that its existence does not leak — when a use case
// that names it by id finds it outside the actor's subtrees. It names the
// id the caller gave, never the organisation's code.
func OrgNotFound(id int64) error {
	return kexie.Errorf(kexie.CodeNotFound, "err.org_not_found", "no organisation with id %v", id)
}

// OrgByCode finds an organisation by its code.
func (svc *Service) OrgByCode(ctx context.Context, code string) (kexie.Organisation, error) {
	o, err := scanOrg(svc.db.Reader().QueryRowContext(ctx, `SELECT `+orgColumns+orgFrom+` WHERE o.code = $1`, code))
	if errors.Is(err, kexie.ErrNotFound) {
		return o, kexie.Errorf(kexie.CodeNotFound, "err.org_not_found", "no organisation with code %q", code)
	}
	return o, err
}

// OrgByID finds an organisation by its id.
func (svc *Service) OrgByID(ctx context.Context, id int64) (kexie.Organisation, error) {
	o, err := scanOrg(svc.db.Reader().QueryRowContext(ctx, `SELECT `+orgColumns+orgFrom+` WHERE o.id = $1`, id))
	if errors.Is(err, kexie.ErrNotFound) {
		return o, kexie.Errorf(kexie.CodeNotFound, "err.org_not_found", "no organisation with id %v", id)
	}
	return o, err
}

// OrgsVisible lists the organisations where actor holds permission p,
// directly or through an ancestor, ordered by code.
func (svc *Service) OrgsVisible(ctx context.Context, actor kexie.Actor, p kexie.Permission, limit int) ([]kexie.Organisation, error) {
	sc, err := svc.db.ScopeOf(ctx, actor, p)
	if err != nil {
		return nil, err
	}
	var args []any
	// The text first: Scope.SQL binds its arguments as it writes.
	q := `SELECT ` + orgColumns + orgFrom + ` WHERE ` + sc.SQL("o.id", sqldb.Args(&args)) + ` ORDER BY o.code LIMIT ` + strconv.Itoa(limit)
	return scanOrgs(svc.db.Reader().QueryContext(ctx, q, args...))
}

// TopOrgs lists the highest organisations actor may read: the roots for a
// system administrator, otherwise the organisations their roles are
// granted on (without those already below another of them).
func (svc *Service) TopOrgs(ctx context.Context, actor kexie.Actor) ([]kexie.Organisation, error) {
	sc, err := svc.db.ScopeOf(ctx, actor, kexie.PermRegistryRead)
	if err != nil {
		return nil, err
	}
	var args []any
	arg := sqldb.Args(&args)
	q := `SELECT ` + orgColumns + orgFrom + ` WHERE ` + sc.SQL("o.id", arg) + `
		AND (o.parent_id IS NULL OR NOT ` + sc.SQL("o.parent_id", arg) + `)
		ORDER BY o.code LIMIT 200`
	return scanOrgs(svc.db.Reader().QueryContext(ctx, q, args...))
}

// nonMember is the SQL list of kinds that are not member organisations.
const nonMember = `('department', 'affiliated_unit', 'subordinate_enterprise')`

// Children lists an organisation's direct children — member organisations,
// or (members false) its departments, affiliated units and subordinate
// enterprises — by kind and code, with the total count for paging.
func (svc *Service) Children(ctx context.Context, orgID int64, members bool, offset, limit int) ([]kexie.Organisation, int, error) {
	cond := ` AND o.kind NOT IN ` + nonMember
	if !members {
		cond = ` AND o.kind IN ` + nonMember
	}
	var total int
	if err := svc.db.Reader().QueryRowContext(ctx, `SELECT COUNT(*) FROM orgs o WHERE o.parent_id = $1`+cond, orgID).Scan(&total); err != nil {
		return nil, 0, sqldb.MapErr(err)
	}
	os, err := scanOrgs(svc.db.Reader().QueryContext(ctx, `SELECT `+orgColumns+orgFrom+` WHERE o.parent_id = $1`+cond+`
		ORDER BY o.kind, o.code LIMIT `+strconv.Itoa(limit)+` OFFSET `+strconv.Itoa(max(offset, 0)), orgID))
	return os, total, err
}

// Ancestors lists an organisation's ancestors from the root down.
func (svc *Service) Ancestors(ctx context.Context, orgID int64) ([]kexie.Organisation, error) {
	return scanOrgs(svc.db.Reader().QueryContext(ctx, `SELECT `+orgColumns+orgFrom+` JOIN org_closure c ON c.ancestor_id = o.id
		WHERE c.descendant_id = $1 AND c.depth > 0 ORDER BY c.depth DESC`, orgID))
}

// SearchOrgs finds organisations visible to actor whose Chinese or English
// name, pinyin key or code contains q (case-insensitive), ordered by code.
func (svc *Service) SearchOrgs(ctx context.Context, actor kexie.Actor, q string, offset, limit int) ([]kexie.Organisation, error) {
	sc, err := svc.db.ScopeOf(ctx, actor, kexie.PermRegistryRead)
	if err != nil {
		return nil, err
	}
	raw, short := SearchPatterns(q)
	args := []any{raw, short}
	query := `SELECT ` + orgColumns + orgFrom + ` WHERE ` + sc.SQL("o.id", sqldb.Args(&args)) + `
		AND ` + nameMatches + `
		ORDER BY o.code LIMIT ` + strconv.Itoa(limit) + ` OFFSET ` + strconv.Itoa(max(offset, 0))
	return scanOrgs(svc.db.Reader().QueryContext(ctx, query, args...))
}

// CountOrgs counts what SearchOrgs finds for q, for a list's total.
func (svc *Service) CountOrgs(ctx context.Context, actor kexie.Actor, q string) (int, error) {
	sc, err := svc.db.ScopeOf(ctx, actor, kexie.PermRegistryRead)
	if err != nil {
		return 0, err
	}
	raw, short := SearchPatterns(q)
	args := []any{raw, short}
	var n int
	err = svc.db.Reader().QueryRowContext(ctx, `SELECT COUNT(*) FROM orgs o WHERE `+sc.SQL("o.id", sqldb.Args(&args))+`
		AND `+nameMatches, args...).Scan(&n)
	return n, sqldb.MapErr(err)
}

// shortForms are the short forms of names people type: 黑龙江省科协 for
// 黑龙江省科学技术协会, 吉林省科技馆 for 吉林省科学技术馆. A Chinese name in
// short form is matched against the query in short form, so either form
// finds the other; nameMatches applies the same replacements in SQL
// (replace() is in SQLite and PostgreSQL alike): keep the two in step.
var shortForms = strings.NewReplacer("科学技术协会", "科协", "科学技术", "科技")

// nameMatches is the search condition on an organisation o: its Chinese
// name, English name, pinyin key or code matches the LIKE pattern $1, or
// its Chinese name in short form matches $2 (both made by SearchPatterns).
const nameMatches = `(lower(o.name_zh) LIKE $1 ESCAPE '\' OR lower(o.name_en) LIKE $1 ESCAPE '\' OR o.name_pinyin LIKE $1 ESCAPE '\'
			OR lower(o.code) LIKE $1 ESCAPE '\'
			OR replace(replace(o.name_zh, '科学技术协会', '科协'), '科学技术', '科技') LIKE $2 ESCAPE '\')`

// SearchPatterns turns what a person typed into the LIKE patterns of
// nameMatches: lower case, the words in order with anything between them
// ("Jilin Association" finds the Jilin Provincial Association for Science
// and Technology); the second in short form.
func SearchPatterns(q string) (raw, short string) {
	pattern := func(q string) string {
		words := strings.Fields(strings.ToLower(q))
		for i, w := range words {
			words[i] = sqldb.LikeEscape(w)
		}
		return "%" + strings.Join(words, "%") + "%"
	}
	return pattern(q), pattern(shortForms.Replace(q))
}

// OrgsTakingApplications finds, for anyone (the public application
// form's directory), the active member organisations whose Chinese or
// English name, pinyin key or code contains q (case-insensitive), ordered
// by code: what a registry makes public anyway. An empty q finds none.
func (svc *Service) OrgsTakingApplications(ctx context.Context, q string, limit int) ([]kexie.Organisation, error) {
	if strings.TrimSpace(q) == "" {
		return nil, nil
	}
	query := `SELECT ` + orgColumns + orgFrom + ` WHERE o.status = 'active'
		AND o.kind NOT IN ('department', 'affiliated_unit', 'subordinate_enterprise')
		AND ` + nameMatches + `
		ORDER BY o.code LIMIT ` + strconv.Itoa(min(max(limit, 1), 100))
	raw, short := SearchPatterns(q)
	return scanOrgs(svc.db.Reader().QueryContext(ctx, query, raw, short))
}

// OrgStats rolls up the subtree below org: direct children by kind, the
// whole subtree by kind, and the independent ones by kind — member kinds
// only (departments, affiliated units and subordinate enterprises never
// count), cancelled organisations excluded, zero kinds omitted.
func (svc *Service) OrgStats(ctx context.Context, org kexie.Organisation) (kexie.OrgStats, error) {
	st := kexie.OrgStats{Org: org.Code, Children: map[kexie.OrgKind]int{}, Subtree: map[kexie.OrgKind]int{}, Independent: map[kexie.OrgKind]int{}}
	// One range of the covering index org_closure_rollup: no join.
	rows, err := svc.db.Reader().QueryContext(ctx, `SELECT d_kind,
			SUM(CASE WHEN depth = 1 THEN 1 ELSE 0 END), COUNT(*), SUM(CASE WHEN d_independent THEN 1 ELSE 0 END)
		FROM org_closure
		WHERE ancestor_id = $1 AND depth > 0 AND d_status <> 'cancelled' AND d_kind NOT IN `+nonMember+`
		GROUP BY d_kind`, org.ID)
	if err != nil {
		return st, sqldb.MapErr(err)
	}
	defer rows.Close()
	for rows.Next() {
		var kind kexie.OrgKind
		var children, subtree, independent int
		if err := rows.Scan(&kind, &children, &subtree, &independent); err != nil {
			return st, sqldb.MapErr(err)
		}
		if children > 0 {
			st.Children[kind] = children
		}
		if subtree > 0 {
			st.Subtree[kind] = subtree
		}
		if independent > 0 {
			st.Independent[kind] = independent
		}
	}
	if err := rows.Err(); err != nil {
		return st, sqldb.MapErr(err)
	}
	st.Members, err = svc.memberCounts(ctx, org.ID)
	return st, err
}

// memberCounts counts the active memberships held in org and below it, by
// type, plus "total": per descendant one range of memberships_org_status.
func (svc *Service) memberCounts(ctx context.Context, orgID int64) (map[string]int, error) {
	out := map[string]int{"total": 0}
	rows, err := svc.db.Reader().QueryContext(ctx, `SELECT m.type, COUNT(*) FROM org_closure c JOIN memberships m ON m.org_id = c.descendant_id
		WHERE c.ancestor_id = $1 AND m.status = 'active' GROUP BY m.type`, orgID)
	if err != nil {
		return nil, sqldb.MapErr(err)
	}
	defer rows.Close()
	for rows.Next() {
		var t string
		var n int
		if err := rows.Scan(&t, &n); err != nil {
			return nil, sqldb.MapErr(err)
		}
		out[t] = n
		out["total"] += n
	}
	return out, sqldb.MapErr(rows.Err())
}

// AllOrgs streams every organisation actor may read, parents before
// children (by depth, then code), for export.
func (svc *Service) AllOrgs(ctx context.Context, actor kexie.Actor, fn func(kexie.Organisation) error) error {
	sc, err := svc.db.ScopeOf(ctx, actor, kexie.PermRegistryRead)
	if err != nil {
		return err
	}
	var args []any
	where := ` WHERE ` + sc.SQL("o.id", sqldb.Args(&args))
	rows, err := svc.db.Reader().QueryContext(ctx, `SELECT `+orgColumns+`, d.depth`+orgFrom+`
		JOIN (SELECT descendant_id, MAX(depth) AS depth FROM org_closure GROUP BY descendant_id) d ON d.descendant_id = o.id`+where+`
		ORDER BY d.depth, o.code`, args...)
	if err != nil {
		return sqldb.MapErr(err)
	}
	defer rows.Close()
	for rows.Next() {
		var o kexie.Organisation
		if err := rows.Scan(&o.ID, &o.Code, &o.ParentID, &o.ParentCode, &o.Kind, &o.NameZH, &o.NameEN, &o.RegionCode, &o.USCC,
			&o.Address, &o.Established, &o.RegistrationAuthority, &o.LegalRep, &o.Independent, &o.Status, &o.Depth); err != nil {
			return sqldb.MapErr(err)
		}
		if err := fn(o); err != nil {
			return err
		}
	}
	return sqldb.MapErr(rows.Err())
}

// OrgProfile is the part of an organisation its profile page edits: the
// registry fields other than code, kind, parent, status and names (those
// change through imports, moves and dated status changes).
type OrgProfile struct {
	NameEN                string
	RegionCode            string
	USCC                  string
	Address               string
	Established           string
	RegistrationAuthority string
	LegalRep              string
	Independent           bool
}

// UpdateOrgProfile writes an organisation's profile fields (already
// validated by the caller) with an audit entry; unchanged data writes
// nothing. The actor needs registry.write on the organisation; outside
// their subtrees it is not found, as one that does not exist.
func (svc *Service) UpdateOrgProfile(ctx context.Context, actor kexie.Actor, orgID int64, p OrgProfile) error {
	return svc.db.Write(ctx, actor, func(tx *sqldb.Tx) error {
		// Before the comparison: "nothing changed" must not tell an outsider
		// what the profile holds.
		was, err := writableOrg(ctx, tx, orgID)
		if err != nil {
			return err
		}
		o := was
		o.NameEN, o.RegionCode, o.USCC, o.Address, o.Established = p.NameEN, p.RegionCode, p.USCC, p.Address, p.Established
		o.RegistrationAuthority, o.LegalRep, o.Independent = p.RegistrationAuthority, p.LegalRep, p.Independent
		if o == was {
			return nil
		}
		return updateOrg(ctx, tx, was, o)
	})
}
