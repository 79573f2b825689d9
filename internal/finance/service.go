// Package finance keeps the books of each organisation by China's
// accounting system for non-profit organisations (民间非营利组织会计制度):
// the default chart of accounts and an organisation's sub-accounts, funds
// (special accounts for restricted donations and grants), an append-only,
// hash-chained double-entry journal in integer fen with a second person's
// approval, releases from restriction, closing, and the statements.
//
// Every read made on someone's behalf and every write takes the actor;
// outside the subtrees where the actor holds the finance permission asked
// for, a ledger or an entry is not found, exactly as one that does not
// exist. Nothing posted is edited or deleted: a correction is a reversing
// entry.
package finance

import (
	"context"
	"time"

	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/registry"
	"github.com/kexie/kexie/internal/sqldb"
)

// Service is the finance domain over one database.
type Service struct {
	db    *sqldb.DB
	reg   *registry.Service
	group *grouper // group commit of postings (group.go)
}

// New returns the finance domain on db.
func New(db *sqldb.DB) *Service {
	svc := &Service{db: db, reg: registry.New(db)}
	svc.group = newGrouper(svc)
	return svc
}

// Limits on what one entry holds: far above any real voucher, far below
// what could overflow a sum (1000 lines of at most 10^15 fen).
const (
	MaxLines   = 1000
	MaxLineFen = 1_000_000_000_000_000
)

// Ledger is the organisation with code if actor holds p there; any other
// is not found, exactly as one that does not exist.
func (svc *Service) Ledger(ctx context.Context, actor kexie.Actor, p kexie.Permission, code string) (kexie.Organisation, error) {
	return svc.reg.Org(ctx, actor, p, code)
}

// entryNotFound is the error for an entry that does not exist, and for one
// outside the actor's subtrees.
func entryNotFound() error {
	return kexie.Errorf(kexie.CodeNotFound, "err.ledger_entry_not_found", "no such journal entry")
}

// Entry is journal entry id if actor holds p on its organisation; any
// other is not found, exactly as one that does not exist.
func (svc *Service) Entry(ctx context.Context, actor kexie.Actor, p kexie.Permission, id int64) (Entry, error) {
	var e Entry
	err := svc.db.Read(ctx, func(tx *sqldb.Tx) error {
		var err error
		e, err = entryTx(ctx, tx, id)
		return err
	})
	if kexie.ErrorCode(err) == kexie.CodeNotFound {
		return e, entryNotFound()
	}
	if err != nil {
		return e, err
	}
	return e, svc.db.Check(ctx, actor, p, e.OrgID, entryNotFound())
}

// today is the day in Beijing at the database's clock.
func (svc *Service) today() kexie.Date { return kexie.Today(svc.db.Now()) }

// Head is the state of a ledger: how many entries its journal holds, the
// hash at its head and how far it is closed.
type Head struct {
	OrgID         int64
	Seq           int64
	Hash          string
	ClosedThrough string // YYYY-MM, the last closed month; "" none
	ClosedYear    int    // the last year closed; 0 none
}

// HeadOf is the head of an organisation's ledger (zero when it has none
// yet). The caller has loaded the ledger with Ledger.
func (svc *Service) HeadOf(ctx context.Context, orgID int64) (Head, error) {
	h := Head{OrgID: orgID}
	err := svc.db.Reader().QueryRowContext(ctx, `SELECT seq, head_hash, closed_through, closed_year FROM ledgers WHERE org_id = $1`, orgID).
		Scan(&h.Seq, &h.Hash, &h.ClosedThrough, &h.ClosedYear)
	if kexie.ErrorCode(sqldb.MapErr(err)) == kexie.CodeNotFound {
		return h, nil
	}
	return h, sqldb.MapErr(err)
}

// lockLedger makes sure the organisation has a ledger and locks its row
// until the transaction ends: every posting to one ledger runs one after
// another (on PostgreSQL the row lock; SQLite has one writer), so balances
// and the hash chain never race.
func lockLedger(ctx context.Context, tx *sqldb.Tx, orgID int64) (Head, error) {
	h := Head{OrgID: orgID}
	if _, err := tx.ExecContext(ctx, `INSERT INTO ledgers (org_id, created_at) VALUES ($1, $2) ON CONFLICT (org_id) DO NOTHING`, orgID, tx.Now()); err != nil {
		return h, err
	}
	err := tx.QueryRowContext(ctx, `UPDATE ledgers SET seq = seq WHERE org_id = $1 RETURNING seq, head_hash, closed_through, closed_year`, orgID).
		Scan(&h.Seq, &h.Hash, &h.ClosedThrough, &h.ClosedYear)
	return h, err
}

// monthOf is the YYYY-MM of a date.
func monthOf(d kexie.Date) string { return d.String()[:7] }

// timePtr is t, or nil for the zero time.
func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}
