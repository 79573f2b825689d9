package membership_test

import (
	"testing"

	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/membership"
	"github.com/kexie/kexie/internal/sqldb/dbtest"
)

// TestDuesStandardsAreBounded: a dues standard is zero to 1,000,000 yuan a
// period (92 quadrillion yuan was taken) (issue 12, item 12).
func TestDuesStandardsAreBounded(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		root, _, _, _ := dbtest.Tree(t, db)
		std := func(fen int64) error {
			_, err := db.Membership.SetDuesStandard(ctx, dbtest.Admin, root.ID, membership.NewDuesStandard{Type: "individual", AmountFen: fen, Period: "year", EffectiveFrom: "2026-01-01"})
			return err
		}
		for _, fen := range []int64{-1, 100_000_001, 9_200_000_000_000_000} {
			if err := std(fen); kexie.AsError(err).Key != "err.amount_fen" {
				t.Errorf("%d fen: %v", fen, err)
			}
		}
		dbtest.Must(t, std(100_000_000))
	})
}
