package store

import "context"

// RawExec runs a statement outside every use case, for tests that tamper
// with data the way an attacker with database access would.
func (db *DB) RawExec(ctx context.Context, q string, args ...any) error {
	_, err := db.w.ExecContext(ctx, q, args...)
	return mapErr(err)
}
