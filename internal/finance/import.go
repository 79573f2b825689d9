package finance

import (
	"context"
	"database/sql"
	"io"
	"strings"

	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/sqldb"
	"github.com/kexie/kexie/internal/tabular"
)

// ImportLine is one line of a journal file.
type ImportLine struct {
	Line    int // in the file, the header being line 1
	Date    string
	Account string
	Fund    string
	Debit   string // yuan, at most two decimals
	Credit  string
	Memo    string
}

// ImportEntry is the lines of one entry reference of a journal file, in
// file order.
type ImportEntry struct {
	Ref   string
	Lines []ImportLine
}

// JournalColumns are the columns of a journal file.
var JournalColumns = []string{"entry", "date", "account", "fund", "debit", "credit", "memo"}

// ReadJournal reads a journal file (CSV in UTF-8 or GB18030, or XLSX; a
// header row with the columns entry, date, account, fund, debit, credit,
// memo): the lines of each entry reference, grouped in the order the
// references first appear.
func ReadJournal(name string, r io.Reader) ([]ImportEntry, error) {
	var out []ImportEntry
	index := map[string]int{}
	// A journal repeats its dates, accounts, funds and memos line after
	// line: one copy of each keeps a million-line file's memory to a
	// fraction (the amounts and references vary and are kept as read).
	seen := map[string]string{}
	intern := func(s string) string {
		s = strings.TrimSpace(s)
		if k, ok := seen[s]; ok {
			return k
		}
		if len(seen) < 1<<16 {
			s = strings.Clone(s)
			seen[s] = s
		}
		return s
	}
	_, err := tabular.Stream(name, r, tabular.Spec{Columns: JournalColumns, Required: []string{"entry", "date", "account", "debit", "credit"}}, func(rec tabular.Record) error {
		v := rec.Values
		// Each value read is a piece of its whole line's text: the ones kept
		// are copied, so the lines themselves can go.
		ref := strings.Clone(strings.TrimSpace(v["entry"]))
		i, ok := index[ref]
		if !ok {
			i = len(out)
			index[ref] = i
			out = append(out, ImportEntry{Ref: ref})
		}
		out[i].Lines = append(out[i].Lines, ImportLine{Line: rec.Line, Date: intern(v["date"]), Account: intern(v["account"]),
			Fund: intern(v["fund"]), Debit: strings.Clone(strings.TrimSpace(v["debit"])), Credit: strings.Clone(strings.TrimSpace(v["credit"])), Memo: intern(v["memo"])})
		return nil
	})
	return out, err
}

// ImportResult is what an import did: entries read, posted, already in the
// ledger (their reference was posted before: nothing written), and the
// rejected ones with their reasons.
type ImportResult struct {
	Read, Posted, Known int
	Rejected            []Rejection
}

// Rejection is an entry of a file that was not posted, and why.
type Rejection struct {
	Ref    string
	Line   int
	Reason *kexie.Error
}

// Import posts the entries of a journal file to an organisation's ledger,
// each whole or not at all, as approved by the actor (the operator), each
// audited. An entry's reference is its idempotency key: one posted before
// is left alone, so importing a file again posts nothing. A fund the
// ledger does not know is created by the first income line credited with
// it (restricted by its provider, its purpose that line's memo). dry checks
// everything and keeps nothing. The error is for the whole import (the
// database); rejected entries are in the result.
func (svc *Service) Import(ctx context.Context, actor kexie.Actor, orgID int64, entries []ImportEntry, dry bool) (ImportResult, error) {
	return svc.doImport(ctx, actor, orgID, entries, dry, false)
}

// ImportConsuming is Import letting go of each entry's lines once it is
// through (entries is left without them): a file of a million lines gives
// its memory back as it posts, rather than holding all of it to the end.
func (svc *Service) ImportConsuming(ctx context.Context, actor kexie.Actor, orgID int64, entries []ImportEntry, dry bool) (ImportResult, error) {
	return svc.doImport(ctx, actor, orgID, entries, dry, true)
}

func (svc *Service) doImport(ctx context.Context, actor kexie.Actor, orgID int64, entries []ImportEntry, dry, consume bool) (ImportResult, error) {
	res := ImportResult{Read: len(entries)}
	err := svc.db.BulkWrite(ctx, actor, dry, func(tx *sqldb.Tx) error {
		code, err := ledgerOrg(ctx, tx, orgID, kexie.PermFinanceApprove)
		if err != nil {
			return err
		}
		st, err := svc.loadState(ctx, tx, orgID, code)
		if err != nil {
			return err
		}
		done, err := st.startBatch(ctx, tx)
		defer done()
		if err != nil {
			return err
		}
		// The audit log gets one entry per block of posted entries (see
		// importBlock), not one each.
		var block importBlock
		audit := func() error {
			if len(block.refs) == 0 {
				return nil
			}
			err := tx.Audit(ctx, block.change(orgID, code, tx.Actor()))
			block = importBlock{refs: block.refs[:0]}
			return err
		}
		// Which references are in the books already is read a chunk at a
		// time; a ledger without a keyed entry yet (its first import) has
		// none of them.
		keyed := false
		if st.batch != nil {
			if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM ledger_entries WHERE org_id = $1 AND idem_key IS NOT NULL)`, orgID).Scan(&keyed); err != nil {
				return err
			}
		}
		for i, ie := range entries {
			if consume {
				entries[i].Lines = nil
			}
			if keyed && i%batchEntries == 0 {
				if err := st.lookUpKeys(ctx, tx, entries[i:min(i+batchEntries, len(entries))]); err != nil {
					return err
				}
			}
			line := 0
			if len(ie.Lines) > 0 {
				line = ie.Lines[0].Line
			}
			head := st.head
			id, err := st.importEntry(ctx, tx, ie)
			switch {
			case err == nil && id == 0:
				res.Known++
			case err == nil:
				res.Posted++
				block.add(head, st.head, id, ie.Ref)
				if len(block.refs) >= auditBlock {
					if err := audit(); err != nil {
						return err
					}
				}
			case kexie.ErrorCode(err) == kexie.CodeInvalid || kexie.ErrorCode(err) == kexie.CodeConflict:
				res.Rejected = append(res.Rejected, Rejection{Ref: ie.Ref, Line: line, Reason: kexie.AsError(err)})
			default:
				return err
			}
		}
		if err := st.flush(ctx, tx, true); err != nil {
			return err
		}
		return audit()
	})
	return res, err
}

// auditBlock is how many posted entries one audit entry of an import
// names.
const auditBlock = 256

// importBlock is a run of entries an import posted, audited as one
// "ledger.import" entry: their references, the first and last of their
// ids, and the stretch of the ledger's hash chain they (and the releases
// they caused) occupy — the numbers, the hash before the first and the
// hash of the last. The journal is hash-chained, so that last hash fixes
// the content of every entry of the block: an entry changed afterwards
// either no longer matches its own hash ("kexie ledger verify") or, every
// hash after it recomputed, leaves a chain whose hash at that number is
// not the one the (itself hash-chained) audit log holds. An audit entry
// per imported entry (a million-line file's 250,000) said nothing more
// and cost a quarter of the import.
type importBlock struct {
	refs            []string
	firstID, lastID int64
	fromSeq, toSeq  int64
	prevHash, hash  string
}

// add puts a posted entry in the block: the ledger's head before it was
// posted and after (with its releases).
func (b *importBlock) add(before, after Head, id int64, ref string) {
	if len(b.refs) == 0 {
		b.firstID, b.fromSeq, b.prevHash = id, before.Seq+1, before.Hash
	}
	b.refs = append(b.refs, ref)
	b.lastID, b.toSeq, b.hash = id, after.Seq, after.Hash
}

func (b *importBlock) change(orgID int64, code string, actor kexie.Actor) sqldb.Change {
	return sqldb.Change{Action: "ledger.import", ObjectType: "ledger", ObjectID: code, OrgID: orgID,
		After: map[string]any{"org": code, "approved_by": actor.Username, "entries": len(b.refs), "references": b.refs,
			"first_id": b.firstID, "last_id": b.lastID, "from_number": b.fromSeq, "to_number": b.toSeq,
			"prev_hash": b.prevHash, "hash": b.hash}}
}

// importEntry checks and posts one entry of a file; 0 when its reference
// is posted already.
func (st *state) importEntry(ctx context.Context, tx *sqldb.Tx, ie ImportEntry) (int64, error) {
	if ie.Ref == "" {
		return 0, kexie.Errorf(kexie.CodeInvalid, "err.ledger_import_ref", "line %v: the entry reference is empty", ie.Lines[0].Line)
	}
	var id int64
	var err error
	if b := st.batch; b != nil {
		// In the books before (looked up with the chunk), or posted by this
		// import and not written yet.
		if id = b.known[ie.Ref]; id == 0 {
			id = b.keys[ie.Ref]
		}
	} else if err = st.queryRow(ctx, tx, `SELECT id FROM ledger_entries WHERE org_id = $1 AND idem_key = $2`, st.orgID, ie.Ref).Scan(&id); err == sql.ErrNoRows {
		err = nil
	}
	if err != nil || id != 0 {
		if id != 0 {
			return 0, nil
		}
		return 0, err
	}
	n := NewEntry{Reference: ie.Ref, Key: ie.Ref, Date: ie.Lines[0].Date}
	var fresh []Fund
	for _, l := range ie.Lines {
		if l.Date != n.Date {
			return 0, kexie.Errorf(kexie.CodeInvalid, "err.ledger_import_dates", "line %v: the lines of one entry have one date", l.Line)
		}
		var dr, cr kexie.Money
		var err error
		if l.Debit != "" {
			if dr, err = kexie.ParseYuan(l.Debit); err != nil {
				return 0, kexie.Errorf(kexie.CodeInvalid, "err.ledger_import_amount", "line %v: %v is not an amount in yuan", l.Line, kexie.Excerpt(l.Debit))
			}
		}
		if l.Credit != "" {
			if cr, err = kexie.ParseYuan(l.Credit); err != nil {
				return 0, kexie.Errorf(kexie.CodeInvalid, "err.ledger_import_amount", "line %v: %v is not an amount in yuan", l.Line, kexie.Excerpt(l.Credit))
			}
		}
		if n.Memo == "" {
			n.Memo = l.Memo
		}
		n.Lines = append(n.Lines, Line{Account: l.Account, Fund: l.Fund, Debit: dr, Credit: cr})
		if l.Fund == "" {
			continue
		}
		if _, ok := st.funds[l.Fund]; ok {
			continue
		}
		if acc, ok := st.chart[l.Account]; ok && acc.Kind == KindIncome && cr > 0 && dr == 0 {
			if err := checkFundCode(l.Fund); err != nil {
				return 0, err
			}
			purpose, _ := text("purpose", l.Memo, 500)
			f := Fund{OrgID: st.orgID, Code: l.Fund, Purpose: purpose, Restriction: "provider"}
			st.funds[f.Code] = f
			fresh = append(fresh, f)
		}
	}
	forget := func() {
		for _, f := range fresh {
			delete(st.funds, f.Code)
		}
	}
	n, d, err := n.clean()
	if err != nil {
		forget()
		return 0, err
	}
	if _, _, err := st.check(ctx, tx, KindImport, d, n.Lines); err != nil {
		forget()
		return 0, err
	}
	for i := range fresh {
		if err := insertFund(ctx, tx, st.orgCode, &fresh[i]); err != nil {
			return 0, err
		}
		st.funds[fresh[i].Code] = fresh[i]
		st.byID[fresh[i].ID] = fresh[i]
	}
	total, spent, err := st.check(ctx, tx, KindImport, d, n.Lines)
	if err != nil {
		return 0, err
	}
	return st.post(ctx, tx, posting{Date: d, Reference: n.Reference, Memo: n.Memo, Kind: KindImport, Key: n.Key, Lines: n.Lines}, total, spent)
}
