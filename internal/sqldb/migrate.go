package sqldb

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
)

//go:embed migrations
var migrationFS embed.FS

// Migration is one schema change: a numbered SQL file per dialect.
type Migration struct {
	Version   int
	Name      string
	AppliedAt *time.Time
}

func (db *DB) migrationFiles() ([]Migration, map[int]string, error) {
	dir := path.Join("migrations", string(db.dialect))
	entries, err := fs.ReadDir(migrationFS, dir)
	if err != nil {
		return nil, nil, fmt.Errorf("migrations: %w", err)
	}
	var ms []Migration
	texts := map[int]string{}
	for _, e := range entries {
		name := e.Name()
		num, rest, ok := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || !strings.HasSuffix(name, ".sql") {
			return nil, nil, fmt.Errorf("migration file %s: want NNNN_name.sql", name)
		}
		b, err := migrationFS.ReadFile(path.Join(dir, name))
		if err != nil {
			return nil, nil, err
		}
		if _, dup := texts[v]; dup {
			return nil, nil, fmt.Errorf("migration %d defined twice", v)
		}
		texts[v] = string(b)
		ms = append(ms, Migration{Version: v, Name: strings.TrimSuffix(rest, ".sql")})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].Version < ms[j].Version })
	return ms, texts, nil
}

const migrationsTable = `CREATE TABLE IF NOT EXISTS schema_migrations (
	version INTEGER PRIMARY KEY,
	name TEXT NOT NULL,
	applied_at TIMESTAMP NOT NULL
)`

// MigrationStatus lists every known migration with when it was applied.
func (db *DB) MigrationStatus(ctx context.Context) ([]Migration, error) {
	ms, _, err := db.migrationFiles()
	if err != nil {
		return nil, err
	}
	if _, err := db.w.ExecContext(ctx, migrationsTable); err != nil {
		return nil, MapErr(fmt.Errorf("migrations table: %w", err))
	}
	rows, err := db.w.QueryContext(ctx, `SELECT version, applied_at FROM schema_migrations`)
	if err != nil {
		return nil, MapErr(err)
	}
	defer rows.Close()
	applied := map[int]time.Time{}
	for rows.Next() {
		var v int
		var at time.Time
		if err := rows.Scan(&v, &at); err != nil {
			return nil, MapErr(err)
		}
		applied[v] = at
	}
	if err := rows.Err(); err != nil {
		return nil, MapErr(err)
	}
	for i := range ms {
		if at, ok := applied[ms[i].Version]; ok {
			ms[i].AppliedAt = &at
		}
	}
	return ms, nil
}

// Migrate applies every pending migration in order, each in its own
// transaction together with its row in schema_migrations, and returns the
// ones it applied. A failed migration leaves the schema as it was before it.
func (db *DB) Migrate(ctx context.Context) ([]Migration, error) {
	return db.MigrateTo(ctx, 1<<31-1)
}

// MigrateTo applies the pending migrations up to version last (tests stop
// at a version to check the migration after it on real data).
func (db *DB) MigrateTo(ctx context.Context, last int) ([]Migration, error) {
	ms, err := db.MigrationStatus(ctx)
	if err != nil {
		return nil, err
	}
	_, texts, err := db.migrationFiles()
	if err != nil {
		return nil, err
	}
	var done []Migration
	for _, m := range ms {
		if m.AppliedAt != nil || m.Version > last {
			continue
		}
		now := db.Now()
		if err := db.ApplyMigration(ctx, m, texts[m.Version], now); err != nil {
			return done, err
		}
		m.AppliedAt = &now
		done = append(done, m)
		db.log.Info("migration applied", "version", m.Version, "name", m.Name)
	}
	return done, nil
}

// foreignKeysOff is the first line of a SQLite migration that rebuilds a
// table other tables refer to: SQLite's documented way (create the new
// table, copy, drop the old, rename) needs foreign keys off, which can only
// change outside a transaction. The keys are checked before it commits.
const foreignKeysOff = "-- kexie:foreign-keys=off"

// ApplyMigration runs one migration and records it, in one transaction on
// one connection.
func (db *DB) ApplyMigration(ctx context.Context, m Migration, text string, now time.Time) (err error) {
	conn, err := db.w.Conn(ctx)
	if err != nil {
		return MapErr(err)
	}
	defer conn.Close()
	fkOff := db.dialect == SQLite && strings.HasPrefix(text, foreignKeysOff)
	if fkOff {
		if _, err := conn.ExecContext(ctx, `PRAGMA foreign_keys = OFF`); err != nil {
			return MapErr(err)
		}
		defer func() {
			if rerr := resetConn(ctx, conn, `PRAGMA foreign_keys = ON`); rerr != nil {
				err = errors.Join(err, rerr)
			}
		}()
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return MapErr(err)
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	if _, err := tx.ExecContext(ctx, text); err != nil {
		return fmt.Errorf("migration %04d_%s: %w", m.Version, m.Name, err)
	}
	if fkOff {
		rows, err := tx.QueryContext(ctx, `PRAGMA foreign_key_check`)
		if err != nil {
			return MapErr(err)
		}
		broken := rows.Next()
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			return MapErr(err)
		}
		if broken {
			return fmt.Errorf("migration %04d_%s: leaves rows whose foreign keys point nowhere", m.Version, m.Name)
		}
	}
	// ON CONFLICT DO NOTHING + rows affected: a second process that
	// migrated concurrently makes this one fail cleanly instead of
	// applying twice.
	res, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3) ON CONFLICT (version) DO NOTHING`, m.Version, m.Name, now)
	if err != nil {
		return MapErr(err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("migration %04d_%s: applied concurrently by another process", m.Version, m.Name)
	}
	if err := tx.Commit(); err != nil {
		return MapErr(err)
	}
	return nil
}
