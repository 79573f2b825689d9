package sqldb

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
)

// Secret returns the named server secret (32 random bytes, hex), creating it
// on first use. Secrets live in the database so every server process on one
// database agrees on them (form tokens made by one are accepted by another).
func (db *DB) Secret(ctx context.Context, name string) ([]byte, error) {
	key := "secret." + name
	var v string
	err := db.Reader().QueryRowContext(ctx, `SELECT value FROM settings WHERE key = $1`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		b := make([]byte, 32)
		if _, err := rand.Read(b); err != nil {
			return nil, err
		}
		// DO NOTHING + re-read: when two processes race, both end up with
		// the winner's value.
		if _, err := db.w.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING`, key, hex.EncodeToString(b)); err != nil {
			return nil, MapErr(err)
		}
		err = db.w.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = $1`, key).Scan(&v)
	}
	if err != nil {
		return nil, MapErr(fmt.Errorf("secret %s: %w", name, err))
	}
	return hex.DecodeString(v)
}
