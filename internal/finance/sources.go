package finance

import (
	"context"
	"fmt"

	"github.com/kexie/kexie/internal/kexie"
)

// Sources of funds, as the statistics forms and the associations' charters
// list them: financial allocation and government grants, funding (资助)
// from units and persons, donations, membership dues, enterprise and
// service income, interest and investment income, other income.
const (
	SourceAllocation = "allocation"
	SourceFunding    = "funding"
	SourceDonations  = "donations"
	SourceDues       = "dues"
	SourceServices   = "services"
	SourceInterest   = "interest"
	SourceOther      = "other"
)

// SourceNames are the sources in the order the forms list them.
var SourceNames = []string{SourceAllocation, SourceFunding, SourceDonations, SourceDues, SourceServices, SourceInterest, SourceOther}

// defaultSources is the source of each income account of the default
// chart. The chart has one account (4101) for donations and funding alike;
// funding is told apart by a sub-account of an income account added with
// the source "funding" (410101 企业资助, say).
var defaultSources = map[string]string{
	"4101": SourceDonations,
	"4201": SourceDues,
	"4301": SourceServices,
	"4401": SourceAllocation,
	"4501": SourceServices,
	"4601": SourceInterest,
	"4901": SourceOther,
}

// SourceOf is the source of funds an income account counts under: its
// own when it was added with one, else its parent's, up to the default
// account's. "" for an account that is not income.
func (c Chart) SourceOf(code string) string {
	for {
		a, ok := c[code]
		if !ok {
			return ""
		}
		if a.Source != "" {
			return a.Source
		}
		if a.Parent == "" {
			return defaultSources[a.Code]
		}
		code = a.Parent
	}
}

// IncomeBySource is the income by source of funds of a year or a period
// of months, for the statistics forms: every source present, each the net
// income (credits less debits) of the posted entries dated in it on the
// income accounts that count under it, restricted and unrestricted
// together; closing entries left out. Total is the sum, equal to the
// statement of activities' total income for the same months. A year's
// carries Year (and no From, To: its JSON is the one the forms were
// first given); a period's carries From and To (YYYY-MM) and no Year.
type IncomeBySource struct {
	Org     string           `json:"org"`
	Year    int              `json:"year,omitempty"`
	From    string           `json:"from,omitempty"`
	To      string           `json:"to,omitempty"`
	Sources map[string]int64 `json:"sources"`
	Total   int64            `json:"total"`
}

// IncomeBySource is an organisation's income by source of funds for a
// year. The caller has loaded the ledger with Ledger.
func (svc *Service) IncomeBySource(ctx context.Context, org kexie.Organisation, year int) (IncomeBySource, error) {
	if year < 1900 || year > 9999 {
		return IncomeBySource{}, kexie.Errorf(kexie.CodeInvalid, "err.ledger_year", "a year is written YYYY")
	}
	out, err := svc.IncomeBySourceIn(ctx, org, fmt.Sprintf("%04d-01", year), fmt.Sprintf("%04d-12", year))
	out.Year, out.From, out.To = year, "", ""
	return out, err
}

// IncomeBySourceIn is an organisation's income by source of funds for the
// months from to to (YYYY-MM). The caller has loaded the ledger with
// Ledger.
func (svc *Service) IncomeBySourceIn(ctx context.Context, org kexie.Organisation, from, to string) (IncomeBySource, error) {
	if err := checkPeriod(from, to); err != nil {
		return IncomeBySource{}, err
	}
	chart, err := svc.Chart(ctx, org.ID)
	if err != nil {
		return IncomeBySource{}, err
	}
	d, err := svc.data(ctx, org.ID, to)
	if err != nil {
		return IncomeBySource{}, err
	}
	out := IncomeBySource{Org: org.Code, From: from, To: to, Sources: map[string]int64{}}
	for _, s := range SourceNames {
		out.Sources[s] = 0
	}
	for _, r := range d.rows {
		if r.closing || r.month < from || r.month > to || kindOf(r.account) != KindIncome {
			continue
		}
		src := chart.SourceOf(r.account)
		if src == "" {
			src = SourceOther
		}
		out.Sources[src] += r.credit - r.debit
		out.Total += r.credit - r.debit
	}
	return out, nil
}
