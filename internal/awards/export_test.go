package awards

import (
	"context"

	"github.com/kexie/kexie/internal/sqldb"
)

// ConflictPairsGo and ConflictPairsSQL are the round's conflicted pairs
// (nomination, expert) by the Go evaluation the assignment uses and by
// conflictSQL, for the test that they agree.
func ConflictPairsGo(ctx context.Context, db *sqldb.DB, roundID int64) (map[[2]int64]bool, error) {
	r, err := round(ctx, db.Reader(), roundID)
	if err != nil {
		return nil, err
	}
	p, err := programme(ctx, db.Reader(), r.ProgrammeID)
	if err != nil {
		return nil, err
	}
	ps, err := conflictPairs(ctx, db.Reader(), r, p)
	out := map[[2]int64]bool{}
	for k := range ps {
		out[k] = true
	}
	return out, err
}

func ConflictPairsSQL(ctx context.Context, db *sqldb.DB, roundID int64) (map[[2]int64]bool, error) {
	rows, err := db.Reader().QueryContext(ctx, `SELECT n.id, x.id FROM award_nominations n JOIN award_rounds r ON r.id = n.round_id
		JOIN award_programmes p ON p.id = r.programme_id JOIN award_experts x ON x.programme_id = p.id
		WHERE n.round_id = $1 AND n.status = 'accepted' AND `+conflictSQL, roundID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[[2]int64]bool{}
	for rows.Next() {
		var k [2]int64
		if err := rows.Scan(&k[0], &k[1]); err != nil {
			return nil, err
		}
		out[k] = true
	}
	return out, rows.Err()
}
