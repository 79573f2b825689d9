package registry

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/sqldb"
)

// ImportRow is one checked row of an organisation file: the organisation
// with ParentCode set (ids are resolved here).
type ImportRow struct {
	Line int
	Org  kexie.Organisation
	// Has names the columns the file has; nil means all. An existing
	// organisation keeps its stored value for every absent column.
	Has map[string]bool
}

// Rejection is a row that changed nothing, and why.
type Rejection = kexie.Rejection

// mergeAbsent fills the fields whose columns the file lacks from the
// stored organisation.
func mergeAbsent(o, was kexie.Organisation, has map[string]bool) kexie.Organisation {
	if has == nil {
		return o
	}
	if !has["parent_code"] {
		o.ParentCode = was.ParentCode
	}
	if !has["name_en"] {
		o.NameEN = was.NameEN
	}
	if !has["region_code"] {
		o.RegionCode = was.RegionCode
	}
	if !has["uscc"] {
		o.USCC = was.USCC
	}
	if !has["established"] {
		o.Established = was.Established
	}
	if !has["independent"] {
		o.Independent = was.Independent
	}
	if !has["status"] {
		o.Status = was.Status
	}
	return o
}

// ImportOptions tune ImportOrgs.
type ImportOptions struct {
	DryRun bool
	// Progress, when set, is called after each row with the number of rows
	// handled so far.
	Progress func(done int)
}

// ImportOrgs upserts organisations by code in one transaction. parent_code
// may name a row anywhere in the same file or a stored organisation; rows
// are written parents first. A row is rejected — and changes nothing — when
// its code appeared earlier in the file, its parent is unknown or was
// rejected, or its parent chain loops; valid rows are written regardless.
// Fields a file does not carry (address, registration authority, legal
// representative) keep their stored values. With dryRun everything runs and
// is then rolled back, so the counts are exactly what a real run would give.
// A user (not the system) may only create an organisation under, or change
// one within, a subtree where they hold registry.write; other rows are
// rejected.
func (svc *Service) ImportOrgs(ctx context.Context, actor kexie.Actor, rows []ImportRow, opt ImportOptions) (kexie.ImportOutcome, error) {
	var out kexie.ImportOutcome
	err := svc.db.WriteOrDry(ctx, actor, opt.DryRun, func(tx *sqldb.Tx) error {
		out = kexie.ImportOutcome{}
		existing := map[string]kexie.Organisation{}
		all, err := scanOrgs(tx.QueryContext(ctx, `SELECT `+orgColumns+orgFrom))
		if err != nil {
			return err
		}
		for _, o := range all {
			existing[o.Code] = o
		}
		// The file's rows by code; later duplicates are rejected.
		inFile := map[string]*ImportRow{}
		var order []*ImportRow
		for i := range rows {
			r := &rows[i]
			if first, dup := inFile[r.Org.Code]; dup {
				out.Rejected = append(out.Rejected, Rejection{Line: r.Line, Code: r.Org.Code, Reason: fmt.Sprintf("code %s already appears on line %d", r.Org.Code, first.Line)})
				continue
			}
			inFile[r.Org.Code] = r
			order = append(order, r)
		}
		// Resolve parents depth-first so every row is written after its
		// parent; a row whose parent is unknown, rejected or on a loop is
		// rejected with the reason.
		const (
			pending = iota
			visiting
			done
			failed
		)
		state := map[string]int{}
		ids := map[string]int64{} // codes written in this import
		var visit func(r *ImportRow) error
		reject := func(r *ImportRow, reason string) {
			state[r.Org.Code] = failed
			out.Rejected = append(out.Rejected, Rejection{Line: r.Line, Code: r.Org.Code, Reason: reason})
		}
		visit = func(r *ImportRow) error {
			switch state[r.Org.Code] {
			case done, failed:
				return nil
			case visiting:
				reject(r, "parent_code makes a loop: "+r.Org.Code+" would be below itself")
				return nil
			}
			state[r.Org.Code] = visiting
			was, exists := existing[r.Org.Code]
			if exists {
				r.Org = mergeAbsent(r.Org, was, r.Has)
			}
			pc := r.Org.ParentCode
			var parentID int64
			if pc != "" {
				if pr, ok := inFile[pc]; ok {
					if err := visit(pr); err != nil {
						return err
					}
					if state[r.Org.Code] == failed { // rejected on the way (a loop through it)
						return nil
					}
					if state[pc] == failed {
						reject(r, "parent "+pc+" was rejected")
						return nil
					}
					parentID = ids[pc]
				} else if p, ok := existing[pc]; ok {
					parentID = p.ID
				} else {
					reject(r, "unknown parent_code "+pc)
					return nil
				}
			}
			o := r.Org
			o.ParentID = parentID
			if !actor.IsSystem() {
				// Creating needs registry.write on the parent; changing needs it on
				// the organisation and, for a move, on the new parent too.
				check := []int64{parentID}
				if exists {
					check = []int64{was.ID}
					if was.ParentID != parentID {
						check = append(check, parentID)
					}
				}
				for _, id := range check {
					ok := false
					if id != 0 {
						var err error
						if ok, err = tx.Can(ctx, actor.UserID, kexie.PermRegistryWrite, id); err != nil {
							return err
						}
					} else {
						ok, _ = tx.Can(ctx, actor.UserID, kexie.PermRegistryWrite, -1) // only a system administrator makes roots
					}
					if !ok {
						reject(r, "not permitted: outside the organisations you may change")
						return nil
					}
				}
			}
			if !exists {
				created, err := insertOrg(ctx, tx, o)
				if err != nil {
					return err
				}
				ids[o.Code] = created.ID
				out.Created++
				state[o.Code] = done
				return nil
			}
			ids[o.Code] = was.ID
			o.ID = was.ID
			o.Address, o.RegistrationAuthority, o.LegalRep = was.Address, was.RegistrationAuthority, was.LegalRep
			if was.SameData(o) {
				out.Unchanged++
				state[o.Code] = done
				return nil
			}
			if was.Status == kexie.OrgCancelled {
				reject(r, "a cancelled organisation cannot be changed")
				return nil
			}
			if err := updateOrg(ctx, tx, was, o); err != nil {
				if kexie.ErrorCode(err) == kexie.CodeInvalid {
					reject(r, kexie.AsError(err).Message)
					return nil
				}
				return err
			}
			if err := recordChanges(ctx, tx, was, o, kexie.Today(tx.Now()).String(), "import"); err != nil {
				return err
			}
			out.Updated++
			state[o.Code] = done
			return nil
		}
		for i, r := range order {
			if err := visit(r); err != nil {
				return fmt.Errorf("line %d (%s): %w", r.Line, r.Org.Code, err)
			}
			if opt.Progress != nil {
				opt.Progress(i + 1)
			}
		}
		sort.Slice(out.Rejected, func(i, j int) bool { return out.Rejected[i].Line < out.Rejected[j].Line })
		return nil
	})
	return out, err
}

// recordChanges writes the history events implied by an update — status
// changes and renames — and, for associations at or above county level,
// files each with the next-higher association.
func recordChanges(ctx context.Context, tx *sqldb.Tx, was, now kexie.Organisation, happened, resolution string) error {
	if was.Status != now.Status {
		kind := map[kexie.OrgStatus]string{kexie.OrgSuspended: "suspended", kexie.OrgCancelled: "cancelled", kexie.OrgActive: "restored"}[now.Status]
		if err := recordEvent(ctx, tx, now, kind, happened, fmt.Sprintf(`{"from":%q,"to":%q}`, was.Status, now.Status), resolution); err != nil {
			return err
		}
	}
	if was.NameZH != now.NameZH || was.NameEN != now.NameEN {
		detail := fmt.Sprintf(`{"from_zh":%q,"from_en":%q,"to_zh":%q,"to_en":%q}`, was.NameZH, was.NameEN, now.NameZH, now.NameEN)
		if err := recordEvent(ctx, tx, now, "renamed", happened, detail, resolution); err != nil {
			return err
		}
	}
	if was.ParentID != now.ParentID {
		if err := recordEvent(ctx, tx, now, "moved", happened, fmt.Sprintf(`{"from":%q,"to":%q}`, was.ParentCode, now.ParentCode), resolution); err != nil {
			return err
		}
	}
	return nil
}

// recordEvent adds one dated event to an organisation's history; a change
// of an association at or above county level is also filed with its parent
// (the next-higher association) for the record.
func recordEvent(ctx context.Context, tx *sqldb.Tx, o kexie.Organisation, kind, happened, detail, resolution string) error {
	var eventID int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO org_events (org_id, kind, happened, detail, resolution, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, o.ID, kind, happened, detail, strings.TrimSpace(resolution), tx.Now()).Scan(&eventID); err != nil {
		return fmt.Errorf("org event: %w", err)
	}
	if err := tx.Audit(ctx, sqldb.Change{Action: "org." + kind, ObjectType: "org", ObjectID: o.Code, OrgID: o.ID,
		After: map[string]any{"event": eventID, "happened": happened, "resolution": resolution}}); err != nil {
		return err
	}
	if !o.Kind.CountyOrAbove() || o.ParentID == 0 || kind == "established" {
		return nil
	}
	var filingID int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO filings (org_id, to_org_id, event_id, resolution, created_at)
		VALUES ($1, $2, $3, $4, $5) RETURNING id`, o.ID, o.ParentID, eventID, resolution, tx.Now()).Scan(&filingID); err != nil {
		return fmt.Errorf("filing: %w", err)
	}
	return tx.Audit(ctx, sqldb.Change{Action: "filing.create", ObjectType: "filing", ObjectID: fmt.Sprint(filingID), OrgID: o.ParentID,
		After: map[string]any{"org": o.Code, "event": kind, "resolution": resolution}})
}

// OrgEvent is one entry of an organisation's history.
type OrgEvent struct {
	ID         int64
	Kind       string
	Happened   string
	Detail     string
	Resolution string
}

// AddHistory records a past event of an organisation (as the sources date
// it) without filing it: history being entered, not a change being made.
// The actor needs registry.write on the organisation; outside their
// subtrees it is not found, as one that does not exist.
func (svc *Service) AddHistory(ctx context.Context, actor kexie.Actor, orgID int64, kind, happened, detail string) error {
	day, err := kexie.ParsePartialDate(happened)
	if err != nil || day == "" {
		return kexie.Errorf(kexie.CodeInvalid, "err.partial_date", "%q is not a date written YYYY, YYYY-MM or YYYY-MM-DD", happened)
	}
	happened = day
	return svc.db.Write(ctx, actor, func(tx *sqldb.Tx) error {
		o, err := OrgTx(ctx, tx, orgID)
		if err != nil {
			return err
		}
		if err := tx.Check(ctx, tx.Actor(), kexie.PermRegistryWrite, o.ID, OrgNotFound(orgID)); err != nil {
			return err
		}
		if err := kexie.PartialNotAfter(happened, kexie.Today(tx.Now())); err != nil {
			return err
		}
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO org_events (org_id, kind, happened, detail, resolution, created_at)
			VALUES ($1, $2, $3, $4, '', $5) RETURNING id`, orgID, kind, happened, detail, tx.Now()).Scan(&id); err != nil {
			return err
		}
		return tx.Audit(ctx, sqldb.Change{Action: "org.history", ObjectType: "org", ObjectID: o.Code, OrgID: orgID,
			After: map[string]any{"event": id, "kind": kind, "happened": happened, "detail": detail}})
	})
}

// History lists an organisation's events by date.
func (svc *Service) History(ctx context.Context, orgID int64) ([]OrgEvent, error) {
	rows, err := svc.db.Reader().QueryContext(ctx, `SELECT id, kind, happened, detail, resolution FROM org_events WHERE org_id = $1 ORDER BY happened, id`, orgID)
	if err != nil {
		return nil, sqldb.MapErr(err)
	}
	defer rows.Close()
	var out []OrgEvent
	for rows.Next() {
		var e OrgEvent
		if err := rows.Scan(&e.ID, &e.Kind, &e.Happened, &e.Detail, &e.Resolution); err != nil {
			return nil, sqldb.MapErr(err)
		}
		out = append(out, e)
	}
	return out, sqldb.MapErr(rows.Err())
}

// StatusChange is a dated change of an organisation's standing, resting on
// a resolution: suspend, restore, cancel, or rename.
type StatusChange struct {
	Action     string // "suspend", "restore", "cancel", "rename"
	Happened   string // partial date
	Resolution string // the congress resolution (required at or above county level)
	NameZH     string // for rename
	NameEN     string
}

// ChangeOrgStatus applies a status change or rename, records the event and,
// for an association at or above county level, files it with the
// next-higher association — all in one transaction. The actor needs
// registry.write on the organisation; outside their subtrees it is not
// found, as one that does not exist, and nothing is written.
func (svc *Service) ChangeOrgStatus(ctx context.Context, actor kexie.Actor, orgID int64, c StatusChange) error {
	day, err := kexie.ParsePartialDate(c.Happened)
	if err != nil || day == "" {
		return kexie.Errorf(kexie.CodeInvalid, "err.partial_date", "%q is not a date written YYYY, YYYY-MM or YYYY-MM-DD", c.Happened)
	}
	c.Happened = day
	c.Resolution = strings.TrimSpace(c.Resolution)
	return svc.db.Write(ctx, actor, func(tx *sqldb.Tx) error {
		// Before the rules below, whose answers (a resolution needed, already
		// in that state, cancelled) would describe an organisation the actor
		// may not see.
		was, err := writableOrg(ctx, tx, orgID)
		if err != nil {
			return err
		}
		if err := kexie.PartialNotAfter(c.Happened, kexie.Today(tx.Now())); err != nil {
			return err
		}
		if was.Kind.CountyOrAbove() && c.Resolution == "" {
			return kexie.Errorf(kexie.CodeInvalid, "err.resolution_required", "changing or cancelling an association at or above county level needs the resolution of its congress")
		}
		now := was
		switch c.Action {
		case "suspend":
			now.Status = kexie.OrgSuspended
		case "restore":
			now.Status = kexie.OrgActive
		case "cancel":
			now.Status = kexie.OrgCancelled
		case "rename":
			now.NameZH, now.NameEN = strings.TrimSpace(c.NameZH), strings.TrimSpace(c.NameEN)
			if now.NameZH == "" {
				return kexie.Errorf(kexie.CodeInvalid, "err.row_name", "name_zh is empty")
			}
			// The limits of the import file, so an export always re-imports.
			if utf8.RuneCountInString(now.NameZH) > 200 || utf8.RuneCountInString(now.NameEN) > 300 {
				return kexie.Errorf(kexie.CodeInvalid, "err.row_name_long", "a name is too long")
			}
		default:
			return kexie.Errorf(kexie.CodeInvalid, "err.status_action", "unknown change %q", c.Action)
		}
		if now.SameData(was) {
			return kexie.Errorf(kexie.CodeConflict, "err.status_same", "the organisation is already in that state")
		}
		if was.Status == kexie.OrgCancelled {
			return kexie.Errorf(kexie.CodeConflict, "err.org_cancelled", "a cancelled organisation cannot be changed")
		}
		if err := updateOrg(ctx, tx, was, now); err != nil {
			return err
		}
		return recordChanges(ctx, tx, was, now, c.Happened, c.Resolution)
	})
}

// Filing is a change filed with an association for the record.
type Filing struct {
	ID             int64
	Org            kexie.Organisation // the organisation that changed
	ToOrg          kexie.Organisation // the association it is filed with
	Event          OrgEvent
	Resolution     string
	CreatedAt      time.Time
	Acknowledged   bool
	AcknowledgedAt *time.Time
}

// Filings lists the filings addressed to organisations actor may read,
// pending ones first, newest first.
func (svc *Service) Filings(ctx context.Context, actor kexie.Actor, pendingOnly bool, limit int) ([]Filing, error) {
	return svc.FilingsPage(ctx, actor, pendingOnly, 0, limit)
}

// CountFilings counts what Filings lists, for a list's total.
func (svc *Service) CountFilings(ctx context.Context, actor kexie.Actor, pendingOnly bool) (int, error) {
	sc, err := svc.db.ScopeOf(ctx, actor, kexie.PermRegistryRead)
	if err != nil {
		return 0, err
	}
	var args []any
	q := `SELECT COUNT(*) FROM filings f WHERE ` + sc.SQL("f.to_org_id", sqldb.Args(&args))
	if pendingOnly {
		q += ` AND f.acknowledged_at IS NULL`
	}
	var n int
	return n, sqldb.MapErr(svc.db.Reader().QueryRowContext(ctx, q, args...).Scan(&n))
}

// FilingsPage is Filings from the offset-th on: one numbered page.
func (svc *Service) FilingsPage(ctx context.Context, actor kexie.Actor, pendingOnly bool, offset, limit int) ([]Filing, error) {
	sc, err := svc.db.ScopeOf(ctx, actor, kexie.PermRegistryRead)
	if err != nil {
		return nil, err
	}
	var args []any
	q := `SELECT f.id, f.resolution, f.created_at, f.acknowledged_at, e.id, e.kind, e.happened, e.detail,
			s.code, s.name_zh, s.name_en, s.kind, t.id, t.code, t.name_zh, t.name_en
		FROM filings f JOIN org_events e ON e.id = f.event_id JOIN orgs s ON s.id = f.org_id JOIN orgs t ON t.id = f.to_org_id
		WHERE ` + sc.SQL("t.id", sqldb.Args(&args))
	if pendingOnly {
		q += ` AND f.acknowledged_at IS NULL`
	}
	q += ` ORDER BY CASE WHEN f.acknowledged_at IS NULL THEN 0 ELSE 1 END, f.id DESC LIMIT ` + strconv.Itoa(limit) + ` OFFSET ` + strconv.Itoa(max(offset, 0))
	rows, err := svc.db.Reader().QueryContext(ctx, q, args...)
	if err != nil {
		return nil, sqldb.MapErr(err)
	}
	defer rows.Close()
	var out []Filing
	for rows.Next() {
		var f Filing
		var ack sql.Null[time.Time]
		if err := rows.Scan(&f.ID, &f.Resolution, &f.CreatedAt, &ack, &f.Event.ID, &f.Event.Kind, &f.Event.Happened, &f.Event.Detail,
			&f.Org.Code, &f.Org.NameZH, &f.Org.NameEN, &f.Org.Kind, &f.ToOrg.ID, &f.ToOrg.Code, &f.ToOrg.NameZH, &f.ToOrg.NameEN); err != nil {
			return nil, sqldb.MapErr(err)
		}
		if ack.Valid {
			t := ack.V.UTC()
			f.Acknowledged, f.AcknowledgedAt = true, &t
		}
		out = append(out, f)
	}
	return out, sqldb.MapErr(rows.Err())
}

// AcknowledgeFiling marks a filing as received by a user who may write for
// the association it is addressed to.
func (svc *Service) AcknowledgeFiling(ctx context.Context, actor kexie.Actor, filingID int64) error {
	return svc.Acknowledge(ctx, actor, kexie.PermRegistryWrite, "filings", "filing", filingID)
}

// Acknowledge marks row id of a filings table (filings, member_filings —
// constant names, never input) as received, if actor may write for the
// organisation it is addressed to; others get "not found".
func (svc *Service) Acknowledge(ctx context.Context, actor kexie.Actor, p kexie.Permission, table, objectType string, id int64) error {
	return svc.db.Write(ctx, actor, func(tx *sqldb.Tx) error {
		var to int64
		var acked bool
		err := tx.QueryRowContext(ctx, `SELECT to_org_id, acknowledged_at IS NOT NULL FROM `+table+` WHERE id = $1`, id).Scan(&to, &acked)
		if errors.Is(err, sql.ErrNoRows) {
			return kexie.Errorf(kexie.CodeNotFound, "err.filing_not_found", "no such filing")
		}
		if err != nil {
			return err
		}
		if err := tx.Check(ctx, actor, p, to, kexie.Errorf(kexie.CodeNotFound, "err.filing_not_found", "no such filing")); err != nil {
			return err
		}
		if acked {
			return kexie.Errorf(kexie.CodeConflict, "err.filing_acked", "the filing has already been acknowledged")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE `+table+` SET acknowledged_at = $1, acknowledged_by = $2 WHERE id = $3`, tx.Now(), userRef(actor), id); err != nil {
			return err
		}
		return tx.Audit(ctx, sqldb.Change{Action: objectType + ".acknowledge", ObjectType: objectType, ObjectID: strconv.FormatInt(id, 10), OrgID: to,
			Before: map[string]any{"acknowledged": false}, After: map[string]any{"acknowledged": true}})
	})
}

// userRef is the user an actor acts as, for a column that refers to users:
// NULL for the system.
func userRef(a kexie.Actor) any {
	if a.UserID == 0 {
		return nil
	}
	return a.UserID
}
