package membership

import (
	"context"
	"strconv"

	"github.com/kexie/kexie/internal/sqldb"
)

// Participate records, inside another domain's transaction tx, that
// membership id took part in something on day happened (YYYY-MM-DD), and
// keeps last_activity at the latest: the participation record the lapse
// rule reads. The caller has checked its own object (an activity's
// check-in is the authority for the attendance it records); a membership
// that does not exist is not found.
func Participate(ctx context.Context, tx *sqldb.Tx, id int64, happened, what string) error {
	orgID, err := membershipOrg(ctx, tx, id)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO participations (membership_id, happened, what, created_at) VALUES ($1, $2, $3, $4)`,
		id, happened, what, tx.Now()); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE memberships SET last_activity = $1, updated_at = $2 WHERE id = $3 AND last_activity < $1`, happened, tx.Now(), id); err != nil {
		return err
	}
	return tx.Audit(ctx, sqldb.Change{Action: "member.participation", ObjectType: "membership", ObjectID: strconv.FormatInt(id, 10), OrgID: orgID,
		After: map[string]any{"happened": happened, "what": what}})
}
