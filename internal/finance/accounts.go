package finance

import (
	"context"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/registry"
	"github.com/kexie/kexie/internal/sqldb"
)

// NewAccount is a sub-account to add under an account of the chart.
type NewAccount struct {
	Code   string // the parent's code and two more digits
	NameZH string
	NameEN string
	// Source: for a sub-account of an income account, the source of
	// funds it counts under (SourceFunding under 4101, say); "" its
	// parent's.
	Source string
}

var subCode = regexp.MustCompile(`^[0-9]{6,10}$`)

// text checks a text field a person typed: trimmed, at most max
// characters, no NUL (neither database stores one alike).
func text(field, s string, max int) (string, error) {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) > max || strings.ContainsRune(s, 0) || !utf8.ValidString(s) {
		return "", kexie.Errorf(kexie.CodeInvalid, "err.ledger_text", "%v: at most %v characters of text", field, max)
	}
	return s, nil
}

// AddAccount adds a sub-account to an organisation's chart, with its audit
// entry. Its code is its parent's followed by two digits; the parent is an
// account of the chart that nothing has been posted to yet (postings go to
// leaves) and not a net assets account. The default chart never changes.
// Errors: CodeInvalid for a bad code or name, or a parent that cannot take
// one; CodeNotFound outside the subtrees where actor holds finance.record;
// CodeConflict when the code exists.
func (svc *Service) AddAccount(ctx context.Context, actor kexie.Actor, orgID int64, n NewAccount) (Account, error) {
	var out Account
	code := strings.TrimSpace(n.Code)
	if !subCode.MatchString(code) || len(code)%2 != 0 {
		return out, kexie.Errorf(kexie.CodeInvalid, "err.ledger_account_code", "a sub-account's code is its parent's code and two more digits, like 100201")
	}
	name, err := text("name_zh", n.NameZH, 100)
	if err == nil && name == "" {
		err = kexie.Errorf(kexie.CodeInvalid, "err.ledger_account_name", "a sub-account needs a Chinese name")
	}
	if err != nil {
		return out, err
	}
	nameEN, err := text("name_en", n.NameEN, 200)
	if err != nil {
		return out, err
	}
	parent := code[:len(code)-2]
	source := strings.TrimSpace(n.Source)
	if source != "" && !slices.Contains(SourceNames, source) {
		return out, kexie.Errorf(kexie.CodeInvalid, "err.ledger_account_source", "a source of funds is one of allocation, funding, donations, dues, services, interest, other, for an income sub-account")
	}
	err = svc.db.Write(ctx, actor, func(tx *sqldb.Tx) error {
		o, err := registry.OrgTx(ctx, tx, orgID)
		if err != nil {
			return err
		}
		if err := tx.Check(ctx, tx.Actor(), kexie.PermFinanceRecord, o.ID, registry.OrgNotFound(orgID)); err != nil {
			return err
		}
		if _, err := lockLedger(ctx, tx, orgID); err != nil {
			return err
		}
		chart, err := chartTx(ctx, tx, orgID)
		if err != nil {
			return err
		}
		p, ok := chart[parent]
		switch {
		case !ok:
			return kexie.Errorf(kexie.CodeInvalid, "err.ledger_account_parent_unknown", "no account %v to put %v under", parent, code)
		case p.Top() == AccountUnrestricted || p.Top() == AccountRestricted:
			return kexie.Errorf(kexie.CodeInvalid, "err.ledger_account_net_assets", "net assets accounts take no sub-accounts")
		}
		if source != "" && p.Kind != KindIncome {
			return kexie.Errorf(kexie.CodeInvalid, "err.ledger_account_source", "a source of funds is one of allocation, funding, donations, dues, services, interest, other, for an income sub-account")
		}
		if _, dup := chart[code]; dup {
			return kexie.Errorf(kexie.CodeConflict, "err.ledger_account_exists", "account %v exists already", code)
		}
		var used bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM ledger_balances WHERE org_id = $1 AND account = $2)`, orgID, parent).Scan(&used); err != nil {
			return err
		}
		if used {
			return kexie.Errorf(kexie.CodeInvalid, "err.ledger_account_used", "entries are posted to %v already: it takes no sub-accounts", parent)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO ledger_accounts (org_id, code, parent, name_zh, name_en, source, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
			orgID, code, parent, name, nameEN, source, tx.Actor().Username, tx.Now()); err != nil {
			return err
		}
		out = Account{Code: code, Parent: parent, NameZH: name, NameEN: nameEN, Kind: p.Kind, Leaf: true, Source: source}
		return tx.Audit(ctx, sqldb.Change{Action: "ledger.account", ObjectType: "ledger_account", ObjectID: o.Code + ":" + code, OrgID: orgID,
			After: map[string]any{"code": code, "parent": parent, "name_zh": name, "name_en": nameEN, "source": source}})
	})
	return out, err
}

// Chart is an organisation's chart of accounts. The caller has loaded the
// ledger with Ledger.
func (svc *Service) Chart(ctx context.Context, orgID int64) (Chart, error) {
	var c Chart
	err := svc.db.Read(ctx, func(tx *sqldb.Tx) error {
		var err error
		c, err = chartTx(ctx, tx, orgID)
		return err
	})
	return c, err
}

func chartTx(ctx context.Context, tx *sqldb.Tx, orgID int64) (Chart, error) {
	rows, err := tx.QueryContext(ctx, `SELECT code, parent, name_zh, name_en, source FROM ledger_accounts WHERE org_id = $1 ORDER BY code`, orgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var subs []Account
	kinds := map[string]Kind{}
	for _, a := range DefaultChart {
		kinds[a.Code] = a.Kind
	}
	for rows.Next() {
		var a Account
		if err := rows.Scan(&a.Code, &a.Parent, &a.NameZH, &a.NameEN, &a.Source); err != nil {
			return nil, err
		}
		a.Kind = kinds[a.Top()]
		subs = append(subs, a)
	}
	return NewChart(subs), rows.Err()
}

// Fund is a special account of a ledger. A fund restricted by its provider
// or by law is 限定性: income credited with it is restricted, it pays only
// its purpose accounts within its time window, and never goes below zero.
// A designation by the organisation's own council is not a restriction:
// it is kept as a label only.
type Fund struct {
	ID          int64      `json:"-"`
	OrgID       int64      `json:"-"`
	Code        string     `json:"code"`
	Provider    string     `json:"provider"`
	Purpose     string     `json:"purpose"`
	Accounts    []string   `json:"accounts"`
	NotBefore   kexie.Date `json:"not_before"`
	NotAfter    kexie.Date `json:"not_after"`
	Restriction string     `json:"restriction"` // provider, law or designation
	CreatedBy   string     `json:"created_by"`
	CreatedAt   time.Time  `json:"created_at"`
}

// Restrictions are the ways a fund is set: by its provider, by law (both
// 限定性) or by the organisation's own designation (not).
var Restrictions = []string{"provider", "law", "designation"}

// Restricted reports whether the fund is 限定性.
func (f Fund) Restricted() bool { return f.Restriction != "designation" }

// Pays reports whether the fund may pay account code: any expense account
// when it names none, else one of its accounts or their sub-accounts.
func (f Fund) Pays(code string) bool {
	if len(f.Accounts) == 0 {
		return true
	}
	for _, a := range f.Accounts {
		if code == a || strings.HasPrefix(code, a) {
			return true
		}
	}
	return false
}

// NewFund is a fund to declare.
type NewFund struct {
	Code        string
	Provider    string
	Purpose     string
	Accounts    []string // expense accounts it may pay; none: any expense
	NotBefore   string   // YYYY-MM-DD or ""
	NotAfter    string
	Restriction string // provider (default), law or designation
}

var fundCode = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$`)

// checkFundCode refuses a code that is not a fund's.
func checkFundCode(code string) error {
	if !fundCode.MatchString(code) {
		return kexie.Errorf(kexie.CodeInvalid, "err.ledger_fund_code", "a fund code is 1 to 40 letters, digits, dots, dashes or underscores: %v", kexie.Excerpt(code))
	}
	return nil
}

// DeclareFund declares a fund of an organisation, with its audit entry.
// Funds are not changed once declared. Errors: CodeInvalid for a bad code,
// restriction, account (not an expense account of the chart) or dates;
// CodeNotFound outside the subtrees where actor holds finance.record;
// CodeConflict when the code exists.
func (svc *Service) DeclareFund(ctx context.Context, actor kexie.Actor, orgID int64, n NewFund) (Fund, error) {
	f, err := newFund(n)
	if err != nil {
		return f, err
	}
	err = svc.db.Write(ctx, actor, func(tx *sqldb.Tx) error {
		o, err := registry.OrgTx(ctx, tx, orgID)
		if err != nil {
			return err
		}
		if err := tx.Check(ctx, tx.Actor(), kexie.PermFinanceRecord, o.ID, registry.OrgNotFound(orgID)); err != nil {
			return err
		}
		if _, err := lockLedger(ctx, tx, orgID); err != nil {
			return err
		}
		chart, err := chartTx(ctx, tx, orgID)
		if err != nil {
			return err
		}
		for _, a := range f.Accounts {
			if acc, ok := chart[a]; !ok || acc.Kind != KindExpense {
				return kexie.Errorf(kexie.CodeInvalid, "err.ledger_fund_accounts", "a fund pays expense accounts of the chart; %v is not one", kexie.Excerpt(a))
			}
		}
		f.OrgID = orgID
		return insertFund(ctx, tx, o.Code, &f)
	})
	return f, err
}

// newFund checks a fund to declare.
func newFund(n NewFund) (Fund, error) {
	f := Fund{Code: strings.TrimSpace(n.Code), Restriction: strings.TrimSpace(n.Restriction)}
	if err := checkFundCode(f.Code); err != nil {
		return f, err
	}
	if f.Restriction == "" {
		f.Restriction = "provider"
	}
	if f.Restriction != "provider" && f.Restriction != "law" && f.Restriction != "designation" {
		return f, kexie.Errorf(kexie.CodeInvalid, "err.ledger_fund_restriction", "a fund is restricted by its provider, by law, or is a designation")
	}
	var err error
	if f.Provider, err = text("provider", n.Provider, 200); err != nil {
		return f, err
	}
	if f.Purpose, err = text("purpose", n.Purpose, 500); err != nil {
		return f, err
	}
	for _, a := range n.Accounts {
		if a = strings.TrimSpace(a); a != "" {
			f.Accounts = append(f.Accounts, a)
		}
	}
	if len(f.Accounts) > 50 {
		return f, kexie.Errorf(kexie.CodeInvalid, "err.ledger_fund_accounts", "a fund pays expense accounts of the chart; %v is not one", "…")
	}
	if f.NotBefore, err = kexie.ParseDay(n.NotBefore); err != nil {
		return f, err
	}
	if f.NotAfter, err = kexie.ParseDay(n.NotAfter); err != nil {
		return f, err
	}
	if !f.NotBefore.IsZero() && !f.NotAfter.IsZero() && f.NotAfter.Before(f.NotBefore) {
		return f, kexie.Errorf(kexie.CodeInvalid, "err.ledger_fund_window", "a fund's time window ends after it begins")
	}
	return f, nil
}

// insertFund writes a fund (f.OrgID set) and its audit entry.
func insertFund(ctx context.Context, tx *sqldb.Tx, orgCode string, f *Fund) error {
	var taken bool
	if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM ledger_funds WHERE org_id = $1 AND code = $2)`, f.OrgID, f.Code).Scan(&taken); err != nil {
		return err
	}
	if taken {
		return kexie.Errorf(kexie.CodeConflict, "err.ledger_fund_exists", "fund %v exists already; funds are not changed", f.Code)
	}
	f.CreatedBy, f.CreatedAt = tx.Actor().Username, tx.Now()
	if err := tx.QueryRowContext(ctx, `INSERT INTO ledger_funds (org_id, code, provider, purpose, accounts, not_before, not_after, restriction, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`, f.OrgID, f.Code, f.Provider, f.Purpose, strings.Join(f.Accounts, " "),
		f.NotBefore, f.NotAfter, f.Restriction, f.CreatedBy, f.CreatedAt).Scan(&f.ID); err != nil {
		return err
	}
	return tx.Audit(ctx, sqldb.Change{Action: "ledger.fund", ObjectType: "ledger_fund", ObjectID: strconv.FormatInt(f.ID, 10), OrgID: f.OrgID,
		After: map[string]any{"org": orgCode, "code": f.Code, "provider": f.Provider, "purpose": f.Purpose, "accounts": strings.Join(f.Accounts, " "),
			"not_before": f.NotBefore.String(), "not_after": f.NotAfter.String(), "restriction": f.Restriction}})
}

// Funds are an organisation's funds by code. The caller has loaded the
// ledger with Ledger.
func (svc *Service) Funds(ctx context.Context, orgID int64) ([]Fund, error) {
	var out []Fund
	err := svc.db.Read(ctx, func(tx *sqldb.Tx) error {
		m, err := fundsTx(ctx, tx, orgID)
		for _, f := range m {
			out = append(out, f)
		}
		return err
	})
	sortFunds(out)
	return out, err
}

func fundsTx(ctx context.Context, tx *sqldb.Tx, orgID int64) (map[string]Fund, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, org_id, code, provider, purpose, accounts, not_before, not_after, restriction, created_by, created_at
		FROM ledger_funds WHERE org_id = $1`, orgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]Fund{}
	for rows.Next() {
		var f Fund
		var accounts string
		if err := rows.Scan(&f.ID, &f.OrgID, &f.Code, &f.Provider, &f.Purpose, &accounts, &f.NotBefore, &f.NotAfter, &f.Restriction, &f.CreatedBy, &f.CreatedAt); err != nil {
			return nil, err
		}
		f.Accounts = strings.Fields(accounts)
		out[f.Code] = f
	}
	return out, rows.Err()
}

func sortFunds(fs []Fund) {
	slices.SortFunc(fs, func(a, b Fund) int { return strings.Compare(a.Code, b.Code) })
}
