package finance

import (
	"context"
	"fmt"

	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/sqldb"
)

// Verify checks an organisation's journal from its first entry: the hash
// chain (each entry's hash recomputed from its content and the one before,
// numbers without gaps, the head at the last), that every entry balances
// (Σdebit = Σcredit > 0, each line one side), and that the stored balances
// equal the sums of the lines. It returns what is wrong, one line each;
// none means the books verify. The caller has checked the actor (the
// command line is the system).
func (svc *Service) Verify(ctx context.Context, orgID int64) ([]string, error) {
	var problems []string
	bad := func(format string, args ...any) {
		if len(problems) < 100 {
			problems = append(problems, fmt.Sprintf(format, args...))
		}
	}
	err := svc.db.Read(ctx, func(tx *sqldb.Tx) error {
		var head Head
		err := tx.QueryRowContext(ctx, `SELECT seq, head_hash FROM ledgers WHERE org_id = $1`, orgID).Scan(&head.Seq, &head.Hash)
		if kexie.ErrorCode(sqldb.MapErr(err)) == kexie.CodeNotFound {
			err = nil
		}
		if err != nil {
			return err
		}
		type entry struct {
			id, seq, reverses, cause int64
			date                     kexie.Date
			kind, ref, memo, prev    string
			hash                     string
			total                    int64
		}
		rows, err := tx.QueryContext(ctx, `SELECT id, seq, date, kind, reference, memo, COALESCE(reverses_id, 0), COALESCE(cause_id, 0), prev_hash, hash, total
			FROM ledger_entries WHERE org_id = $1 AND status = 'posted' ORDER BY seq`, orgID)
		if err != nil {
			return err
		}
		var entries []entry
		for rows.Next() {
			var e entry
			if err := rows.Scan(&e.id, &e.seq, &e.date, &e.kind, &e.ref, &e.memo, &e.reverses, &e.cause, &e.prev, &e.hash, &e.total); err != nil {
				rows.Close()
				return err
			}
			entries = append(entries, e)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		// Lines, read once in entry order.
		lines := map[int64][]Line{}
		lrows, err := tx.QueryContext(ctx, `SELECT l.entry_id, l.account, COALESCE(f.code, ''), l.debit, l.credit, l.counterparty FROM ledger_lines l
			LEFT JOIN ledger_funds f ON f.id = l.fund_id WHERE l.org_id = $1 ORDER BY l.entry_id, l.line_no`, orgID)
		if err != nil {
			return err
		}
		for lrows.Next() {
			var id int64
			var l Line
			if err := lrows.Scan(&id, &l.Account, &l.Fund, &l.Debit, &l.Credit, &l.Counterparty); err != nil {
				lrows.Close()
				return err
			}
			lines[id] = append(lines[id], l)
		}
		lrows.Close()
		if err := lrows.Err(); err != nil {
			return err
		}
		prev := ""
		for i, e := range entries {
			if e.seq != int64(i+1) {
				bad("entry %d: number %d where %d was expected", e.id, e.seq, i+1)
			}
			if e.prev != prev {
				bad("entry %d (number %d): does not follow the entry before it", e.id, e.seq)
			}
			ls := lines[e.id]
			var dr, cr kexie.Money
			for _, l := range ls {
				if (l.Debit == 0) == (l.Credit == 0) || l.Debit < 0 || l.Credit < 0 {
					bad("entry %d (number %d): a line is not one positive side", e.id, e.seq)
				}
				dr += l.Debit
				cr += l.Credit
			}
			if dr != cr || dr <= 0 || int64(dr) != e.total {
				bad("entry %d (number %d): debits %s, credits %s, total %s", e.id, e.seq, dr, cr, kexie.Money(e.total))
			}
			if h := entryHash(prev, e.seq, orgID, e.date, e.kind, e.ref, e.memo, e.reverses, e.cause, ls); h != e.hash {
				bad("entry %d (number %d): its hash does not match its content", e.id, e.seq)
			}
			prev = e.hash
			delete(lines, e.id)
		}
		if len(lines) > 0 {
			bad("%d entries have lines but are not posted", len(lines))
		}
		if head.Seq != int64(len(entries)) || head.Hash != prev {
			bad("the ledger's head (number %d) is not its last entry (number %d)", head.Seq, len(entries))
		}
		// Balances: the stored sums against the lines'.
		q := `SELECT COALESCE(b.month, s.month), COALESCE(b.account, s.account), COALESCE(b.fund_id, s.fund_id), COALESCE(b.closing, s.closing),
				COALESCE(b.debit, 0), COALESCE(b.credit, 0), COALESCE(s.debit, 0), COALESCE(s.credit, 0)
			FROM (SELECT * FROM ledger_balances WHERE org_id = $1) b
			FULL OUTER JOIN (SELECT substr(l.date, 1, 7) AS month, l.account, COALESCE(l.fund_id, 0) AS fund_id,
					CASE WHEN e.kind = 'closing' THEN 1 ELSE 0 END AS closing, SUM(l.debit) AS debit, SUM(l.credit) AS credit
				FROM ledger_lines l JOIN ledger_entries e ON e.id = l.entry_id WHERE l.org_id = $1
				GROUP BY substr(l.date, 1, 7), l.account, COALESCE(l.fund_id, 0), CASE WHEN e.kind = 'closing' THEN 1 ELSE 0 END) s
			ON s.month = b.month AND s.account = b.account AND s.fund_id = b.fund_id AND s.closing = b.closing
			WHERE b.debit IS NULL OR s.debit IS NULL OR b.debit <> s.debit OR b.credit <> s.credit`
		brows, err := tx.QueryContext(ctx, q, orgID)
		if err != nil {
			return err
		}
		defer brows.Close()
		for brows.Next() {
			var month, account string
			var fund, closing, bd, bc, sd, sc int64
			if err := brows.Scan(&month, &account, &fund, &closing, &bd, &bc, &sd, &sc); err != nil {
				return err
			}
			bad("balance %s %s (fund %d): stored %d/%d, lines %d/%d", month, account, fund, bd, bc, sd, sc)
		}
		return brows.Err()
	})
	return problems, err
}
