package finance

import (
	"slices"
	"strings"
)

// Kind is the class of an account: where it stands in the statements.
type Kind string

const (
	KindAsset     Kind = "asset"
	KindLiability Kind = "liability"
	KindNetAssets Kind = "net_assets"
	KindIncome    Kind = "income"
	KindExpense   Kind = "expense"
)

// Account is an account of a ledger: one of the default chart, or an
// organisation's sub-account under one (its code is the parent's followed
// by two digits, its kind the parent's).
type Account struct {
	Code   string `json:"code"`
	Parent string `json:"parent,omitempty"`
	NameZH string `json:"name_zh"`
	NameEN string `json:"name_en"`
	Kind   Kind   `json:"kind"`
	// Default: one of the chart every ledger starts with, never changed.
	Default bool `json:"default"`
	// Leaf: no sub-accounts, so entries post to it.
	Leaf bool `json:"leaf"`
	// Source: for an income sub-account, the source of funds it counts
	// under when set (see Sources); "" its parent's.
	Source string `json:"source,omitempty"`
}

// Name is the account's name for a language, the Chinese one by default.
func (a Account) Name(lang string) string {
	if lang == "en" && a.NameEN != "" {
		return a.NameEN
	}
	return a.NameZH
}

// Top is the default account an account belongs to (its first four digits).
func (a Account) Top() string { return TopOf(a.Code) }

// TopOf is the default account a code belongs to: its first four digits.
func TopOf(code string) string {
	if len(code) > 4 {
		return code[:4]
	}
	return code
}

// The net assets accounts: only closing and release entries post to them.
const (
	AccountUnrestricted = "3101" // 非限定性净资产
	AccountRestricted   = "3102" // 限定性净资产
	AccountCash         = "1001" // 现金
	AccountBank         = "1002" // 银行存款
	AccountDues         = "4201" // 会费收入
	AccountDonations    = "4101" // 捐赠收入
)

// DefaultChart is the chart of accounts of 民间非营利组织会计制度 every
// ledger has, in code order. Organisations add sub-accounts under these
// and never change them.
var DefaultChart = []Account{
	{Code: "1001", NameZH: "现金", NameEN: "Cash", Kind: KindAsset},
	{Code: "1002", NameZH: "银行存款", NameEN: "Bank deposits", Kind: KindAsset},
	{Code: "1101", NameZH: "短期投资", NameEN: "Short-term investments", Kind: KindAsset},
	{Code: "1121", NameZH: "应收票据", NameEN: "Notes receivable", Kind: KindAsset},
	{Code: "1122", NameZH: "应收账款", NameEN: "Accounts receivable", Kind: KindAsset},
	{Code: "1141", NameZH: "其他应收款", NameEN: "Other receivables", Kind: KindAsset},
	{Code: "1201", NameZH: "存货", NameEN: "Inventories", Kind: KindAsset},
	{Code: "1501", NameZH: "固定资产", NameEN: "Fixed assets", Kind: KindAsset},
	{Code: "1502", NameZH: "累计折旧", NameEN: "Accumulated depreciation", Kind: KindAsset},
	{Code: "1601", NameZH: "无形资产", NameEN: "Intangible assets", Kind: KindAsset},
	{Code: "1801", NameZH: "受托代理资产", NameEN: "Assets held as agent", Kind: KindAsset},
	{Code: "2101", NameZH: "短期借款", NameEN: "Short-term borrowings", Kind: KindLiability},
	{Code: "2201", NameZH: "应付票据", NameEN: "Notes payable", Kind: KindLiability},
	{Code: "2202", NameZH: "应付账款", NameEN: "Accounts payable", Kind: KindLiability},
	{Code: "2203", NameZH: "预收账款", NameEN: "Receipts in advance", Kind: KindLiability},
	{Code: "2204", NameZH: "应付工资", NameEN: "Wages payable", Kind: KindLiability},
	{Code: "2206", NameZH: "应交税金", NameEN: "Taxes payable", Kind: KindLiability},
	{Code: "2209", NameZH: "其他应付款", NameEN: "Other payables", Kind: KindLiability},
	{Code: "2401", NameZH: "预提费用", NameEN: "Accrued expenses", Kind: KindLiability},
	{Code: "2601", NameZH: "受托代理负债", NameEN: "Liabilities held as agent", Kind: KindLiability},
	{Code: "3101", NameZH: "非限定性净资产", NameEN: "Unrestricted net assets", Kind: KindNetAssets},
	{Code: "3102", NameZH: "限定性净资产", NameEN: "Restricted net assets", Kind: KindNetAssets},
	{Code: "4101", NameZH: "捐赠收入", NameEN: "Donations", Kind: KindIncome},
	{Code: "4201", NameZH: "会费收入", NameEN: "Membership dues", Kind: KindIncome},
	{Code: "4301", NameZH: "提供服务收入", NameEN: "Service income", Kind: KindIncome},
	{Code: "4401", NameZH: "政府补助收入", NameEN: "Government grants", Kind: KindIncome},
	{Code: "4501", NameZH: "商品销售收入", NameEN: "Sales of goods", Kind: KindIncome},
	{Code: "4601", NameZH: "投资收益", NameEN: "Investment income", Kind: KindIncome},
	{Code: "4901", NameZH: "其他收入", NameEN: "Other income", Kind: KindIncome},
	{Code: "5101", NameZH: "业务活动成本", NameEN: "Programme activity costs", Kind: KindExpense},
	{Code: "5201", NameZH: "管理费用", NameEN: "Administrative expenses", Kind: KindExpense},
	{Code: "5301", NameZH: "筹资费用", NameEN: "Fundraising expenses", Kind: KindExpense},
	{Code: "5401", NameZH: "其他费用", NameEN: "Other expenses", Kind: KindExpense},
}

// DefaultAccount is the default account with this code.
func DefaultAccount(code string) (Account, bool) {
	i := slices.IndexFunc(DefaultChart, func(a Account) bool { return a.Code == code })
	if i < 0 {
		return Account{}, false
	}
	a := DefaultChart[i]
	a.Default = true
	return a, true
}

// CodesOf are the default chart's codes of one kind, in order.
func CodesOf(k Kind) []string {
	var out []string
	for _, a := range DefaultChart {
		if a.Kind == k {
			out = append(out, a.Code)
		}
	}
	return out
}

// Chart is a ledger's accounts: the default chart and the organisation's
// sub-accounts, by code.
type Chart map[string]Account

// NewChart is the default chart with the given sub-accounts, each marked
// leaf or not.
func NewChart(subs []Account) Chart {
	c := Chart{}
	for _, a := range DefaultChart {
		a.Default, a.Leaf = true, true
		c[a.Code] = a
	}
	for _, s := range subs {
		s.Leaf = true
		c[s.Code] = s
	}
	for _, a := range c {
		if a.Parent != "" {
			p := c[a.Parent]
			p.Leaf = false
			c[a.Parent] = p
		}
	}
	return c
}

// Sorted is the chart in code order.
func (c Chart) Sorted() []Account {
	out := make([]Account, 0, len(c))
	for _, a := range c {
		out = append(out, a)
	}
	slices.SortFunc(out, func(a, b Account) int { return strings.Compare(a.Code, b.Code) })
	return out
}
