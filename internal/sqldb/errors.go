package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/kexie/kexie/internal/kexie"
)

// mapErr is the one place where driver errors become kexie's sentinel
// classes. Callers above storage test errors.Is(err, kexie.ErrConflict) and
// never see a driver type.
func MapErr(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return kexie.Wrap(kexie.CodeNotFound, "err.not_found", "not found", err)
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	var ke *kexie.Error
	if errors.As(err, &ke) {
		return err
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return kexie.Wrap(kexie.CodeConflict, "err.conflict", "already exists", err)
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			return kexie.Wrap(kexie.CodeInvalid, "err.reference", "refers to something that does not exist, or is still referred to", err)
		case sqlite3.SQLITE_CONSTRAINT_CHECK, sqlite3.SQLITE_CONSTRAINT_NOTNULL:
			return kexie.Wrap(kexie.CodeInvalid, "err.invalid", "invalid input", err)
		case sqlite3.SQLITE_CONSTRAINT_TRIGGER, sqlite3.SQLITE_CONSTRAINT:
			if strings.Contains(se.Error(), "append-only") {
				return kexie.Wrap(kexie.CodeImmutable, "err.immutable", "this record cannot be changed", err)
			}
			return kexie.Wrap(kexie.CodeInvalid, "err.invalid", "invalid input", err)
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR:
			return kexie.Wrap(kexie.CodeUnavailable, "err.unavailable", "database unavailable", err)
		}
		return err
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "23505":
			return kexie.Wrap(kexie.CodeConflict, "err.conflict", "already exists", err)
		case "23503":
			return kexie.Wrap(kexie.CodeInvalid, "err.reference", "refers to something that does not exist, or is still referred to", err)
		case "23514", "23502", "22001", "22P02", "22021", "22P05", "22008", "22007":
			return kexie.Wrap(kexie.CodeInvalid, "err.invalid", "invalid input", err)
		case "KX001": // raised by the append-only triggers
			return kexie.Wrap(kexie.CodeImmutable, "err.immutable", "this record cannot be changed", err)
		case "40001", "40P01", "57P01", "53300":
			return kexie.Wrap(kexie.CodeUnavailable, "err.unavailable", "database unavailable", err)
		}
		return err
	}
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) {
		return kexie.Wrap(kexie.CodeUnavailable, "err.unavailable", "database unavailable", err)
	}
	return err
}
