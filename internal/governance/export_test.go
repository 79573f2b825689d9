package governance

import (
	"context"

	"github.com/kexie/kexie/internal/kexie"
	"github.com/kexie/kexie/internal/seal"
	"github.com/kexie/kexie/internal/sqldb"
)

// CastForTest is one ballot of CastTogetherForTest.
type CastForTest struct {
	Actor   kexie.Actor
	Seat    int64
	Choices []int64
}

// CastTogetherForTest casts ballots as if they had arrived at the box
// together: those that pass the form go into one batch, written as the box
// writes one, and each is answered as CastBallot answers it (a receipt, or
// the refusal its actor may learn).
func (v *Voting) CastTogetherForTest(ctx context.Context, electionID int64, casts []CastForTest, sl *seal.Sealer) ([]string, []error, error) {
	receipts, errs := make([]string, len(casts)), make([]error, len(casts))
	var batch []*ballot
	var at []int
	for i, c := range casts {
		b, err := v.newBallot(ctx, c.Actor, electionID, c.Seat, c.Choices, sl)
		if err != nil {
			errs[i] = err
			continue
		}
		batch, at = append(batch, b), append(at, i)
	}
	results, err := writeBatch(ctx, v.db, batch)
	if err != nil {
		return nil, nil, err
	}
	for n, i := range at {
		if errs[i] = v.refusal(ctx, batch[n], sqldb.MapErr(results[n])); errs[i] == nil {
			receipts[i] = batch[n].receipt
		}
	}
	return receipts, errs, nil
}
