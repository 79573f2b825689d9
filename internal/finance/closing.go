package finance

import (
	"context"
	"fmt"
	"slices"
	"strconv"

	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/sqldb"
)

// prevMonth is the month before m (YYYY-MM), "" before year 1.
func prevMonth(m string) string {
	d, err := kexie.ParseDay(m + "-01")
	if err != nil || d.IsZero() {
		return ""
	}
	return monthOf(d.AddDays(-1))
}

// CloseMonth closes an organisation's books through month (YYYY-MM): no
// later posting may be dated in it or before. Months close in order, so
// closing a month closes those before it. Errors: CodeInvalid for a bad
// month or one not yet over... (a month not before the current one is
// refused); CodeNotFound outside the subtrees where actor holds
// finance.approve; CodeConflict when it is closed already or entries
// dated in it await approval.
func (svc *Service) CloseMonth(ctx context.Context, actor kexie.Actor, orgID int64, month string) (Head, error) {
	if err := checkPeriod(month, month); err != nil {
		return Head{}, err
	}
	if month > monthOf(svc.today()) {
		return Head{}, kexie.Errorf(kexie.CodeInvalid, "err.ledger_close_future", "%v has not begun", month)
	}
	var h Head
	err := svc.db.Write(ctx, actor, func(tx *sqldb.Tx) error {
		code, err := ledgerOrg(ctx, tx, orgID, kexie.PermFinanceApprove)
		if err != nil {
			return err
		}
		if h, err = lockLedger(ctx, tx, orgID); err != nil {
			return err
		}
		if month <= h.ClosedThrough {
			return kexie.Errorf(kexie.CodeConflict, "err.ledger_closed_already", "the books are closed through %v already", h.ClosedThrough)
		}
		if err := noPending(ctx, tx, orgID, month); err != nil {
			return err
		}
		before := h.ClosedThrough
		h.ClosedThrough = month
		if _, err := tx.ExecContext(ctx, `UPDATE ledgers SET closed_through = $1 WHERE org_id = $2`, month, orgID); err != nil {
			return err
		}
		return tx.Audit(ctx, sqldb.Change{Action: "ledger.close_month", ObjectType: "ledger", ObjectID: code, OrgID: orgID,
			Before: map[string]any{"closed_through": before}, After: map[string]any{"closed_through": month}})
	})
	return h, err
}

// noPending refuses to close while entries dated through month await
// approval: they would never post.
func noPending(ctx context.Context, tx *sqldb.Tx, orgID int64, month string) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM ledger_entries WHERE org_id = $1 AND status = 'pending' AND date <= $2`, orgID, month+"-31").Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return kexie.Errorf(kexie.CodeConflict, "err.ledger_close_pending", "%v entries dated in the period await approval: approve or reject them first", n)
	}
	return nil
}

// CloseYear closes an organisation's year: the restricted funds whose time
// ran out in it are released, then system entries dated 31 December move
// each income account's unrestricted part and every expense to 3101 非限定性
// 净资产 and each income account's restricted part to 3102 限定性净资产 (per
// fund), and the year is locked (every month of it closed). Errors as
// CloseMonth's; CodeConflict too for a year closed already.
func (svc *Service) CloseYear(ctx context.Context, actor kexie.Actor, orgID int64, year int) (Head, error) {
	if year < 1900 || year > 9999 {
		return Head{}, kexie.Errorf(kexie.CodeInvalid, "err.ledger_year", "a year is written YYYY")
	}
	if year > svc.today().Year() {
		return Head{}, kexie.Errorf(kexie.CodeInvalid, "err.ledger_close_future", "%v has not begun", strconv.Itoa(year))
	}
	var h Head
	err := svc.db.Write(ctx, actor, func(tx *sqldb.Tx) error {
		code, err := ledgerOrg(ctx, tx, orgID, kexie.PermFinanceApprove)
		if err != nil {
			return err
		}
		st, err := svc.loadState(ctx, tx, orgID, code)
		if err != nil {
			return err
		}
		if year <= st.head.ClosedYear {
			return kexie.Errorf(kexie.CodeConflict, "err.ledger_closed_already", "the books are closed through %v already", strconv.Itoa(st.head.ClosedYear))
		}
		last := fmt.Sprintf("%04d-12", year)
		if err := noPending(ctx, tx, orgID, last); err != nil {
			return err
		}
		yearEnd := kexie.NewDate(year, 12, 31)
		// Funds whose time ran out during the year release what remains,
		// dated the day after their last day (or the first open day).
		released := 0
		funds := make([]Fund, 0, len(st.funds))
		for _, f := range st.funds {
			funds = append(funds, f)
		}
		sortFunds(funds)
		for _, f := range funds {
			if !f.Restricted() || f.NotAfter.IsZero() || !f.NotAfter.Before(yearEnd) {
				continue
			}
			b, err := st.fundBalance(ctx, tx, f)
			if err != nil {
				return err
			}
			if b <= 0 {
				continue
			}
			day := f.NotAfter.AddDays(1)
			for !st.opened(day) && day.Before(yearEnd) {
				day = day.AddDays(1)
			}
			rel := posting{Date: day, Memo: "release (time): " + f.Code, Kind: KindRelease,
				Lines: []Line{{Account: AccountRestricted, Fund: f.Code, Debit: b}, {Account: AccountUnrestricted, Credit: b}}}
			if !st.opened(day) {
				// Every day after it is closed: the year's last day, as the
				// closing entries are.
				rel.Date = yearEnd
				st.head.ClosedThrough = prevMonth(last)
			}
			total, _, err := st.check(ctx, tx, KindRelease, rel.Date, rel.Lines)
			if err != nil {
				return err
			}
			if _, err := st.post(ctx, tx, rel, total, nil); err != nil {
				return err
			}
			released++
		}
		// The year's income and expenses, by account and fund, closing
		// entries of an earlier close (before a reopening) included.
		rows, err := tx.QueryContext(ctx, `SELECT account, fund_id, SUM(debit), SUM(credit) FROM ledger_balances
			WHERE org_id = $1 AND month >= $2 AND month <= $3 AND account >= '4' AND account < '6' GROUP BY account, fund_id`,
			orgID, fmt.Sprintf("%04d-01", year), last)
		if err != nil {
			return err
		}
		type sum struct {
			account string
			fund    int64
			net     int64 // credit − debit
		}
		var sums []sum
		for rows.Next() {
			var s sum
			var dr, cr int64
			if err := rows.Scan(&s.account, &s.fund, &dr, &cr); err != nil {
				rows.Close()
				return err
			}
			s.net = cr - dr
			if s.net != 0 {
				sums = append(sums, s)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		slices.SortFunc(sums, func(a, b sum) int {
			if a.account != b.account {
				return compareStrings(a.account, b.account)
			}
			return int(a.fund - b.fund)
		})
		var lines []Line
		side := func(acc, fund string, net int64) Line {
			// net > 0: the account holds a credit balance; closing debits it.
			if net > 0 {
				return Line{Account: acc, Fund: fund, Debit: kexie.Money(net)}
			}
			return Line{Account: acc, Fund: fund, Credit: kexie.Money(-net)}
		}
		var toUnrestricted int64
		for _, s := range sums {
			fund := ""
			if s.fund != 0 {
				fund = st.byID[s.fund].Code
			}
			lines = append(lines, side(s.account, fund, s.net))
			if f, ok := st.byID[s.fund]; ok && f.Restricted() && kindOf(s.account) == KindIncome {
				lines = append(lines, side(AccountRestricted, fund, -s.net))
			} else {
				toUnrestricted += s.net
			}
		}
		if toUnrestricted != 0 {
			lines = append(lines, side(AccountUnrestricted, "", -toUnrestricted))
		}
		var closingID int64
		if len(lines) >= 2 {
			p := posting{Date: yearEnd, Memo: fmt.Sprintf("year-end close %d", year), Kind: KindClosing, Lines: lines}
			total, _, err := st.check(ctx, tx, KindClosing, p.Date, p.Lines)
			if err != nil {
				return err
			}
			if closingID, err = st.post(ctx, tx, p, total, nil); err != nil {
				return err
			}
		}
		before := map[string]any{"closed_through": st.head.ClosedThrough, "closed_year": st.head.ClosedYear}
		if last > st.head.ClosedThrough {
			st.head.ClosedThrough = last
		}
		st.head.ClosedYear = year
		if _, err := tx.ExecContext(ctx, `UPDATE ledgers SET closed_through = $1, closed_year = $2 WHERE org_id = $3`, st.head.ClosedThrough, year, orgID); err != nil {
			return err
		}
		h = st.head
		return tx.Audit(ctx, sqldb.Change{Action: "ledger.close_year", ObjectType: "ledger", ObjectID: code, OrgID: orgID, Before: before,
			After: map[string]any{"closed_through": st.head.ClosedThrough, "closed_year": year, "closing_entry": closingID, "time_releases": released}})
	})
	return h, err
}

// Reopen reopens an organisation's books from month (YYYY-MM) on: postings
// may be dated in it again, and a closed year it falls in is unlocked (its
// closing entries stay; closing it again moves only what changed).
// Errors: CodeNotFound outside the subtrees where actor holds
// finance.approve; CodeConflict when the month is not closed.
func (svc *Service) Reopen(ctx context.Context, actor kexie.Actor, orgID int64, month string) (Head, error) {
	if err := checkPeriod(month, month); err != nil {
		return Head{}, err
	}
	var h Head
	err := svc.db.Write(ctx, actor, func(tx *sqldb.Tx) error {
		code, err := ledgerOrg(ctx, tx, orgID, kexie.PermFinanceApprove)
		if err != nil {
			return err
		}
		if h, err = lockLedger(ctx, tx, orgID); err != nil {
			return err
		}
		y, _ := strconv.Atoi(month[:4])
		if month > h.ClosedThrough && y > h.ClosedYear {
			return kexie.Errorf(kexie.CodeConflict, "err.ledger_not_closed", "%v is not closed", month)
		}
		before := map[string]any{"closed_through": h.ClosedThrough, "closed_year": h.ClosedYear}
		if month <= h.ClosedThrough {
			h.ClosedThrough = prevMonth(month)
		}
		if y <= h.ClosedYear {
			h.ClosedYear = y - 1
		}
		if _, err := tx.ExecContext(ctx, `UPDATE ledgers SET closed_through = $1, closed_year = $2 WHERE org_id = $3`, h.ClosedThrough, h.ClosedYear, orgID); err != nil {
			return err
		}
		return tx.Audit(ctx, sqldb.Change{Action: "ledger.reopen", ObjectType: "ledger", ObjectID: code, OrgID: orgID, Before: before,
			After: map[string]any{"closed_through": h.ClosedThrough, "closed_year": h.ClosedYear}})
	})
	return h, err
}
