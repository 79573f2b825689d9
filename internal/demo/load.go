package demo

import (
	"context"
	"fmt"

	"github.com/kexie/kexie/internal/activities"
	"github.com/kexie/kexie/internal/finance"
	"github.com/kexie/kexie/internal/governance"
	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/membership"
	"github.com/kexie/kexie/internal/registry"
	"github.com/kexie/kexie/internal/sqldb"
)

// Load writes the demo federation into db (an upsert by code, so loading
// twice changes nothing), records the history events once, and gives CHIA
// and Heilongjiang their governing bodies (governance.go) and their books
// for a year (books.go), and enters the seeds' activities (activities.go),
// written where missing — also into a database loaded before the demo had
// them.
func Load(ctx context.Context, sdb *sqldb.DB, actor kexie.Actor) (kexie.ImportOutcome, error) {
	db := newDomains(sdb)
	orgs, events := Federation()
	rows := make([]registry.ImportRow, len(orgs))
	for i, o := range orgs {
		rows[i] = registry.ImportRow{Line: i + 1, Org: o}
	}
	out, err := db.reg.ImportOrgs(ctx, actor, rows, registry.ImportOptions{})
	if err != nil {
		return out, err
	}
	if len(out.Rejected) > 0 {
		r := out.Rejected[0]
		return out, fmt.Errorf("demo organisation %s rejected: %s", r.Code, r.Reason)
	}
	// Files do not carry address, registration authority and legal
	// representative; set them where the demo knows them (the root, created
	// bare on first start, among others).
	for _, o := range orgs {
		if o.Address == "" && o.RegistrationAuthority == "" && o.LegalRep == "" {
			continue
		}
		stored, err := db.reg.OrgByCode(ctx, o.Code)
		if err != nil {
			return out, err
		}
		if stored.Address == o.Address && stored.RegistrationAuthority == o.RegistrationAuthority && stored.LegalRep == o.LegalRep {
			continue
		}
		if err := db.reg.UpdateOrgProfile(ctx, actor, stored.ID, registry.OrgProfile{NameEN: stored.NameEN, RegionCode: stored.RegionCode, USCC: stored.USCC,
			Address: o.Address, Established: stored.Established, RegistrationAuthority: o.RegistrationAuthority, LegalRep: o.LegalRep,
			Independent: stored.Independent}); err != nil {
			return out, err
		}
	}
	if err := duesStandards(ctx, db, actor); err != nil {
		return out, err
	}
	if err := loadGovernance(ctx, db, actor); err != nil {
		return out, err
	}
	if err := demoBooks(ctx, db, actor); err != nil {
		return out, err
	}
	if err := loadActivities(ctx, db, actor); err != nil {
		return out, err
	}
	if out.Created == 0 {
		return out, nil // already loaded: keep the history as it is
	}
	for _, e := range events {
		o, err := db.reg.OrgByCode(ctx, e.Code)
		if err != nil {
			return out, err
		}
		if err := db.reg.AddHistory(ctx, actor, o.ID, e.Kind, e.Happened, e.Detail); err != nil {
			return out, err
		}
	}
	return out, nil
}

// duesStandards gives the demo national society (CHIA) dues standards —
// individual 50 yuan a year, student 20, unit 2,000 — once: standards are
// never changed, so a second load leaves them as they are.
func duesStandards(ctx context.Context, db *domains, actor kexie.Actor) error {
	chia, err := db.reg.OrgByCode(ctx, "CHIA")
	if err != nil {
		return err
	}
	have, err := db.mem.DuesStandards(ctx, chia.ID)
	if err != nil || len(have) > 0 {
		return err
	}
	for _, s := range []struct {
		typ kexie.MemberType
		fen int64
	}{{"individual", 5000}, {"student", 2000}, {"unit", 200000}} {
		if _, err := db.mem.SetDuesStandard(ctx, actor, chia.ID, membership.NewDuesStandard{Type: s.typ, AmountFen: s.fen, Period: "year",
			EffectiveFrom: "2024-01-01", Note: "演示数据"}); err != nil {
			return err
		}
	}
	return nil
}

func newDomains(db *sqldb.DB) *domains {
	return &domains{sql: db, reg: registry.New(db), mem: membership.New(db), gov: governance.New(db), fin: finance.New(db), act: activities.New(db)}
}

// domains are the use cases the demo is written through, as an operator's
// would be.
type domains struct {
	sql *sqldb.DB
	reg *registry.Service
	mem *membership.Service
	gov *governance.Service
	fin *finance.Service
	act *activities.Service
}
